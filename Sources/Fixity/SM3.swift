public import Foundation

/// The SM3 cryptographic hash function.
///
/// SM3 is the hash algorithm of the Chinese commercial cryptography suite,
/// published by the State Cryptography Administration as GM/T 0004-2012 and
/// standardised as GB/T 32905-2016 (it is also part of ISO/IEC 10118-3:2018).
/// Structurally it is a Merkle–Damgård hash similar to SHA-256: the message is
/// padded to a multiple of 512 bits and processed in 64-byte blocks by a
/// 64-round compression function over eight 32-bit words, producing a 256-bit
/// (32-byte) digest.
///
/// Use ``hash(data:)`` for one-shot hashing, or create a value, feed it with
/// ``update(data:)`` / ``update(bufferPointer:)`` any number of times, and call
/// ``finalize()``:
///
/// ```swift
/// var hasher = SM3()
/// hasher.update(data: Array("ab".utf8))
/// hasher.update(data: Array("c".utf8))
/// let digest = hasher.finalize() // 66c7f0f4…8f4ba8e0
/// ```
///
/// `SM3` is a value type: copying a hasher forks its state, and ``finalize()``
/// does not consume it, so one can take a digest of a prefix and keep going.
public struct SM3: Sendable {
    /// The size of an SM3 digest, in bytes (256 bits).
    public static let byteCount = 32

    /// The size of the blocks SM3 processes, in bytes (512 bits).
    public static let blockByteCount = 64

    /// The chaining value V(i): eight 32-bit words.
    private var state = State()

    /// Bytes of an incomplete block, waiting for more input (64 bytes of storage).
    private var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
        (0, 0, 0, 0, 0, 0, 0, 0)

    /// How many bytes of `buffer` are in use, always `0..<64`.
    private var bufferedByteCount = 0

    /// Total number of message bytes seen so far (the length is taken modulo 2⁶⁴ bits).
    private var totalByteCount: UInt64 = 0

    /// Creates a hasher in the standard's initial state (IV).
    public init() {}

    /// Feeds the bytes in `bufferPointer` into the hash.
    ///
    /// Whole blocks are compressed straight from the caller's memory; only a
    /// trailing partial block is copied into internal storage.
    public mutating func update(bufferPointer: UnsafeRawBufferPointer) {
        guard var input = bufferPointer.baseAddress, bufferPointer.count > 0 else { return }
        var remaining = bufferPointer.count
        totalByteCount &+= UInt64(truncatingIfNeeded: remaining)

        // Top up a partially filled block first.
        if bufferedByteCount > 0 {
            let take = min(Self.blockByteCount - bufferedByteCount, remaining)
            let offset = bufferedByteCount
            withUnsafeMutableBytes(of: &buffer) { block in
                (block.baseAddress! + offset).copyMemory(from: input, byteCount: take)
            }
            bufferedByteCount += take
            input += take
            remaining -= take
            guard bufferedByteCount == Self.blockByteCount else { return }
            let block = buffer
            withUnsafeBytes(of: block) { Self.compress(&state, blocks: $0.baseAddress!, count: 1) }
            bufferedByteCount = 0
        }

        // Whole blocks, directly from the input.
        let blockCount = remaining / Self.blockByteCount
        if blockCount > 0 {
            Self.compress(&state, blocks: input, count: blockCount)
            input += blockCount * Self.blockByteCount
            remaining -= blockCount * Self.blockByteCount
        }

        // Keep the tail for later.
        if remaining > 0 {
            withUnsafeMutableBytes(of: &buffer) { block in
                block.baseAddress!.copyMemory(from: input, byteCount: remaining)
            }
            bufferedByteCount = remaining
        }
    }

    /// Feeds `data` into the hash, visiting each of its contiguous regions in order.
    public mutating func update(data: some DataProtocol) {
        for region in data.regions {
            region.withUnsafeBytes { update(bufferPointer: $0) }
        }
    }

    /// Returns the 32-byte digest of everything fed in so far.
    ///
    /// Padding is applied to a copy of the state, so the hasher is left
    /// unchanged and may be updated further.
    public func finalize() -> [UInt8] {
        var state = self.state
        // Padding: 0x80, zeros, then the message length in bits as a 64-bit
        // big-endian integer, filling one or two blocks.
        var tail:
            (
                UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let buffered = bufferedByteCount
        let blockCount = buffered < Self.blockByteCount - 8 ? 1 : 2
        let bitCount = totalByteCount &<< 3
        withUnsafeMutableBytes(of: &tail) { tail in
            withUnsafeBytes(of: buffer) { block in
                tail.copyMemory(from: UnsafeRawBufferPointer(rebasing: block[..<buffered]))
            }
            tail[buffered] = 0x80
            tail.storeBytes(
                of: bitCount.bigEndian,
                toByteOffset: blockCount * Self.blockByteCount - 8,
                as: UInt64.self)
            Self.compress(&state, blocks: tail.baseAddress!, count: blockCount)
        }
        return [UInt8](unsafeUninitializedCapacity: Self.byteCount) { digest, initialized in
            let raw = UnsafeMutableRawBufferPointer(digest)
            for (index, word) in state.words.enumerated() {
                raw.storeBytes(of: word.bigEndian, toByteOffset: index * 4, as: UInt32.self)
            }
            initialized = Self.byteCount
        }
    }

    /// Returns the 32-byte SM3 digest of `data`.
    public static func hash(data: some DataProtocol) -> [UInt8] {
        var hasher = SM3()
        hasher.update(data: data)
        return hasher.finalize()
    }
}

// MARK: - Compression function

extension SM3 {
    /// The eight-word chaining value, initialised to the standard's IV.
    fileprivate struct State: Sendable {
        var a: UInt32 = 0x7380_166f
        var b: UInt32 = 0x4914_b2b9
        var c: UInt32 = 0x1724_42d7
        var d: UInt32 = 0xda8a_0600
        var e: UInt32 = 0xa96f_30bc
        var f: UInt32 = 0x1631_38aa
        var g: UInt32 = 0xe38d_ee4d
        var h: UInt32 = 0xb0fb_0e4e

        var words: [UInt32] { [a, b, c, d, e, f, g, h] }
    }

    /// Applies the compression function CF to `count` consecutive 64-byte
    /// blocks starting at `blocks` (no alignment required).
    fileprivate static func compress(
        _ state: inout State, blocks: UnsafeRawPointer, count: Int
    ) {
        // Expanded message W₀…W₆₇, on the stack, reused for every block.
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 68) { scratch in
            let w = scratch.baseAddress!
            var a = state.a, b = state.b, c = state.c, d = state.d
            var e = state.e, f = state.f, g = state.g, h = state.h
            var block = blocks
            for _ in 0..<count {
                // W₀…W₁₅ are the block's big-endian words; W₁₆…W₆₇ are
                // expanded just ahead of the rounds that need them.
                for j in 0..<16 {
                    w[j] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: j &* 4, as: UInt32.self))
                }

                let (a0, b0, c0, d0, e0, f0, g0, h0) = (a, b, c, d, e, f, g, h)

                // Rounds 0–15 (FF/GG are XOR), then 16–63 (majority /
                // choice), four at a time, fully unrolled. The round constant
                // Tⱼ <<< (j mod 32) is produced incrementally: each round
                // rotates it by one more bit.
                var t: UInt32 = 0x79cc_4519
                rounds1(&a, &b, &c, &d, &e, &f, &g, &h, &t, w, 0)
                rounds1(&a, &b, &c, &d, &e, &f, &g, &h, &t, w, 4)
                rounds1(&a, &b, &c, &d, &e, &f, &g, &h, &t, w, 8)
                expand(w, 16)
                rounds1(&a, &b, &c, &d, &e, &f, &g, &h, &t, w, 12)
                t = 0x9d8a_7a87  // 0x7a879d8a <<< 16
                expand(w, 20); rounds2(&a, &b, &c, &d, &e, &f, &g, &h, &t, w, 16)
                expand(w, 24); rounds2(&a, &b, &c, &d, &e, &f, &g, &h, &t, w, 20)
                expand(w, 28); rounds2(&a, &b, &c, &d, &e, &f, &g, &h, &t, w, 24)
                expand(w, 32); rounds2(&a, &b, &c, &d, &e, &f, &g, &h, &t, w, 28)
                expand(w, 36); rounds2(&a, &b, &c, &d, &e, &f, &g, &h, &t, w, 32)
                expand(w, 40); rounds2(&a, &b, &c, &d, &e, &f, &g, &h, &t, w, 36)
                expand(w, 44); rounds2(&a, &b, &c, &d, &e, &f, &g, &h, &t, w, 40)
                expand(w, 48); rounds2(&a, &b, &c, &d, &e, &f, &g, &h, &t, w, 44)
                expand(w, 52); rounds2(&a, &b, &c, &d, &e, &f, &g, &h, &t, w, 48)
                expand(w, 56); rounds2(&a, &b, &c, &d, &e, &f, &g, &h, &t, w, 52)
                expand(w, 60); rounds2(&a, &b, &c, &d, &e, &f, &g, &h, &t, w, 56)
                expand(w, 64); rounds2(&a, &b, &c, &d, &e, &f, &g, &h, &t, w, 60)

                a ^= a0; b ^= b0; c ^= c0; d ^= d0
                e ^= e0; f ^= f0; g ^= g0; h ^= h0
                block += blockByteCount
            }
            state = State(a: a, b: b, c: c, d: d, e: e, f: f, g: g, h: h)
        }
    }

    /// Message expansion of W[start] … W[start + 3], interleaved with the
    /// rounds so it can overlap with their dependency chain.
    @inline(__always)
    private static func expand(_ w: UnsafeMutablePointer<UInt32>, _ start: Int) {
        var j = start
        while j < start &+ 4 {
            w[j] =
                p1(w[j &- 16] ^ w[j &- 9] ^ rotl(w[j &- 3], 15))
                ^ rotl(w[j &- 13], 7) ^ w[j &- 6]
            j &+= 1
        }
    }

    /// Rounds j … j+3 of the first phase. After four renamed rounds the
    /// registers are back under their original names.
    @inline(__always)
    private static func rounds1(
        _ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32, _ d: inout UInt32,
        _ e: inout UInt32, _ f: inout UInt32, _ g: inout UInt32, _ h: inout UInt32,
        _ t: inout UInt32, _ w: UnsafeMutablePointer<UInt32>, _ j: Int
    ) {
        round1(a, &b, c, &d, e, &f, g, &h, t, w[j], w[j &+ 4]); t = rotl(t, 1)
        round1(d, &a, b, &c, h, &e, f, &g, t, w[j &+ 1], w[j &+ 5]); t = rotl(t, 1)
        round1(c, &d, a, &b, g, &h, e, &f, t, w[j &+ 2], w[j &+ 6]); t = rotl(t, 1)
        round1(b, &c, d, &a, f, &g, h, &e, t, w[j &+ 3], w[j &+ 7]); t = rotl(t, 1)
    }

    /// Rounds j … j+3 of the second phase; see ``rounds1``.
    @inline(__always)
    private static func rounds2(
        _ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32, _ d: inout UInt32,
        _ e: inout UInt32, _ f: inout UInt32, _ g: inout UInt32, _ h: inout UInt32,
        _ t: inout UInt32, _ w: UnsafeMutablePointer<UInt32>, _ j: Int
    ) {
        round2(a, &b, c, &d, e, &f, g, &h, t, w[j], w[j &+ 4]); t = rotl(t, 1)
        round2(d, &a, b, &c, h, &e, f, &g, t, w[j &+ 1], w[j &+ 5]); t = rotl(t, 1)
        round2(c, &d, a, &b, g, &h, e, &f, t, w[j &+ 2], w[j &+ 6]); t = rotl(t, 1)
        round2(b, &c, d, &a, f, &g, h, &e, t, w[j &+ 3], w[j &+ 7]); t = rotl(t, 1)
    }

    /// One round with the boolean functions of rounds 0–15.
    ///
    /// Instead of shifting all eight registers, the round updates `b`, `d`,
    /// `f`, `h` in place (`d` ← TT1, `h` ← P0(TT2), `b` ← B <<< 9,
    /// `f` ← F <<< 19); the caller renames registers for the next round, and
    /// after four rounds the names line up again.
    @inline(__always)
    private static func round1(
        _ a: UInt32, _ b: inout UInt32, _ c: UInt32, _ d: inout UInt32,
        _ e: UInt32, _ f: inout UInt32, _ g: UInt32, _ h: inout UInt32,
        _ t: UInt32, _ wj: UInt32, _ wj4: UInt32
    ) {
        let a12 = rotl(a, 12)
        let ss1 = rotl(a12 &+ e &+ t, 7)
        let ss2 = ss1 ^ a12
        let tt1 = (a ^ b ^ c) &+ d &+ ss2 &+ (wj ^ wj4)
        let tt2 = (e ^ f ^ g) &+ h &+ ss1 &+ wj
        b = rotl(b, 9)
        d = tt1
        f = rotl(f, 19)
        h = p0(tt2)
    }

    /// One round with the boolean functions of rounds 16–63; see ``round1``.
    @inline(__always)
    private static func round2(
        _ a: UInt32, _ b: inout UInt32, _ c: UInt32, _ d: inout UInt32,
        _ e: UInt32, _ f: inout UInt32, _ g: UInt32, _ h: inout UInt32,
        _ t: UInt32, _ wj: UInt32, _ wj4: UInt32
    ) {
        let a12 = rotl(a, 12)
        let ss1 = rotl(a12 &+ e &+ t, 7)
        let ss2 = ss1 ^ a12
        let ff = (a & b) | ((a | b) & c)  // majority
        let gg = ((f ^ g) & e) ^ g  // choice
        let tt1 = ff &+ d &+ ss2 &+ (wj ^ wj4)
        let tt2 = gg &+ h &+ ss1 &+ wj
        b = rotl(b, 9)
        d = tt1
        f = rotl(f, 19)
        h = p0(tt2)
    }

    @inline(__always)
    private static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 {
        (x &<< n) | (x &>> (32 &- n))
    }

    /// Permutation P0, used in the compression function.
    @inline(__always)
    private static func p0(_ x: UInt32) -> UInt32 {
        x ^ rotl(x, 9) ^ rotl(x, 17)
    }

    /// Permutation P1, used in the message expansion.
    @inline(__always)
    private static func p1(_ x: UInt32) -> UInt32 {
        x ^ rotl(x, 15) ^ rotl(x, 23)
    }
}
