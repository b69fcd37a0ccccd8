/// Adler-32 (RFC 1950 §8.2), the checksum that closes a zlib stream.
///
/// Sixteen bytes at a time in `SIMD16` lanes: lane sums `s1` and running sums `s2` over a chunk short enough
/// that no lane overflows, folded into the two 16-bit halves at the end of each chunk.
public enum Adler32 {
    private static let modulus: UInt64 = 65_521
    /// Blocks of 16 bytes per chunk: lane `s2` stays under 255 · 347 · 348 / 2 ≈ 15.4 million.
    private static let blocksPerChunk = 347

    /// The Adler-32 of `bytes`, continuing from `start` (1 for a new stream).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, start: UInt32 = 1) -> UInt32 {
        var a = UInt64(start & 0xFFFF), b = UInt64(start >> 16)
        guard let base = bytes.baseAddress else { return start }
        var offset = 0
        let count = bytes.count
        while count - offset >= 16 {
            let blocks = min(blocksPerChunk, (count - offset) / 16)
            var s1 = SIMD16<UInt32>(repeating: 0), s2 = SIMD16<UInt32>(repeating: 0)
            for j in 0..<blocks {
                let v = base.loadUnaligned(fromByteOffset: offset + 16 * j, as: SIMD16<UInt8>.self)
                s1 &+= SIMD16<UInt32>(truncatingIfNeeded: v)
                s2 &+= s1
            }
            // Over this chunk of N = 16·blocks bytes: a' = a + Σx, b' = b + N·a + Σ(N − i)·x_i, and
            // Σ(N − i)·x_i = 16·Σ s2 − Σ_k k·s1[k] for byte i = 16j + k.
            var laneWeighted: UInt64 = 0
            for k in 0..<16 { laneWeighted += UInt64(k) * UInt64(s1[k]) }
            let n = UInt64(16 * blocks)
            b = (b + n * a + 16 * UInt64(s2.wrappedSum()) - laneWeighted) % modulus
            a = (a + UInt64(s1.wrappedSum())) % modulus
            offset += 16 * blocks
        }
        while offset < count {
            a += UInt64(base.load(fromByteOffset: offset, as: UInt8.self))
            b += a
            offset += 1
        }
        return UInt32(b % modulus) << 16 | UInt32(a % modulus)
    }
}
