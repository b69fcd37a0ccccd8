import QuireCore

/// A zlib stream (RFC 1950) of one Deflate block (RFC 1951) that codes every byte as a literal with a Huffman code
/// made for that input — Deflate without the search for repeated strings.
///
/// On scanned pages after the TIFF predictor the sensor noise leaves almost no repeated strings, so string
/// matching costs most of a Deflate encoder's time and gains nothing: on the benchmark's A4 colour scans zlib's
/// level 1 streams are 12% larger than this one, whose size is within 1.3% of the bytes' order-0 entropy. The
/// output is an ordinary zlib stream (a dynamic-Huffman block, or stored blocks when coding would not make it
/// smaller), decoded by zlib, libdeflate and every TIFF reader; the same input always gives the same bytes.
///
/// ```swift
/// var out = [UInt8](repeating: 0, count: HuffmanDeflate.bound(strip.count))
/// let n = out.withUnsafeMutableBytes { HuffmanDeflate.zlibCompress(strip, into: $0) }
/// ```
public enum HuffmanDeflate {
    /// Bytes `zlibCompress` may need for `count` input bytes: the stream never exceeds the stored form
    /// (2-byte header, 5 bytes per stored block of up to 65,535 bytes, the input, 4-byte checksum), plus 8 bytes
    /// the encoder's word-wide stores may touch past the end.
    public static func bound(_ count: Int) -> Int {
        2 + storedLength(count) + 4 + 8
    }

    /// Bytes of `count` input bytes as stored blocks: 5 bytes of header per block of up to 65,535 (one block for none).
    static func storedLength(_ count: Int) -> Int {
        5 * max(1, (count + 65_534) / 65_535) + count
    }

    /// Writes the zlib stream of `input` into `output` (at least `bound(input.count)` bytes) and returns its length.
    public static func zlibCompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        precondition(output.count >= bound(input.count), "HuffmanDeflate: output smaller than bound(_:)")
        let out = output.baseAddress!
        // CMF 0x78: Deflate, 32 KiB window; FLG 0x01: fastest, no dictionary, (0x7801 % 31 == 0).
        out.storeBytes(of: 0x78, as: UInt8.self)
        out.storeBytes(of: 0x01, toByteOffset: 1, as: UInt8.self)
        var length = 2

        let bytes = input.assumingMemoryBound(to: UInt8.self)
        var histogram = ByteHistogram()
        if let base = bytes.baseAddress { histogram.add(base, count: bytes.count) }
        var frequencies = histogram.counts
        frequencies.append(1)  // end of block (symbol 256)
        if frequencies.lazy.filter({ $0 > 0 }).count < 2 { frequencies[0] = max(frequencies[0], 1) }
        let literals = HuffmanCode(frequencies: frequencies, maxLength: 15)
        let header = BlockHeader(literalLengths: literals.lengths)
        var bits = header.bitCount + Int(literals.entries[256] >> 16)
        for symbol in 0..<256 { bits += frequencies[symbol] * Int(literals.entries[symbol] >> 16) }
        let codedBytes = (3 + bits + 7) / 8  // 3: BFINAL and BTYPE
        let storedBytes = storedLength(input.count)

        if codedBytes < storedBytes {
            var writer = BitWriter(out + length)
            writer.put(0b101, 3)  // BFINAL = 1, BTYPE = 10 (dynamic Huffman)
            header.write(&writer)
            literals.entries.withUnsafeBufferPointer { writer.putLiterals(bytes, table: $0.baseAddress!) }
            let end = literals.entries[256]
            writer.put(UInt64(end & 0xFFFF), Int(end >> 16))
            length += writer.finish()
        } else {
            length += writeStored(input, to: out + length)
        }
        let adler = Adler32.checksum(input)
        out.storeBytes(of: adler.bigEndian, toByteOffset: length, as: UInt32.self)
        return length + 4
    }

    /// `zlibCompress` into a new array.
    public static func zlibCompress(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: bound(input.count))
        let length = result.withUnsafeMutableBytes { zlibCompress(input, into: $0) }
        result.removeLast(result.count - length)
        return result
    }

    /// Stored blocks (BTYPE 00) of up to 65,535 bytes, the last marked final; returns the bytes written.
    static func writeStored(_ input: UnsafeRawBufferPointer, to out: UnsafeMutableRawPointer) -> Int {
        var written = 0, offset = 0
        repeat {
            let size = min(65_535, input.count - offset)
            let final: UInt8 = offset + size == input.count ? 1 : 0
            out.storeBytes(of: final, toByteOffset: written, as: UInt8.self)  // BFINAL, BTYPE 00, padding
            out.storeBytes(of: UInt16(size).littleEndian, toByteOffset: written + 1, as: UInt16.self)
            out.storeBytes(of: (~UInt16(size)).littleEndian, toByteOffset: written + 3, as: UInt16.self)
            if size > 0 { (out + written + 5).copyMemory(from: input.baseAddress! + offset, byteCount: size) }
            written += 5 + size
            offset += size
        } while offset < input.count
        return written
    }
}

/// The code-length part of a dynamic block header (RFC 1951 §3.2.7): 257 literal/length code lengths and two
/// distance codes of one bit (no distance is used; zlib writes two for a literal-only block too, since some
/// decoders refuse an empty or single-code distance alphabet), run-length coded and themselves Huffman coded.
struct BlockHeader {
    /// The order code-length code lengths are sent in.
    static let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// (code-length symbol 0…18, extra bits value) in order.
    var runs: [(symbol: Int, extra: Int)] = []
    var lengthCode: HuffmanCode
    /// How many code-length code lengths are sent (4…19).
    var sentCodeLengths: Int
    /// Bits of the header after BFINAL/BTYPE.
    var bitCount: Int

    init(literalLengths: [UInt8]) {
        let all = literalLengths.map(Int.init) + [1, 1]
        var i = 0
        while i < all.count {
            let value = all[i]
            var run = 1
            while i + run < all.count && all[i + run] == value { run += 1 }
            var left = run
            if value == 0 {
                while left >= 11 {
                    let take = min(left, 138)
                    runs.append((18, take - 11))
                    left -= take
                }
                if left >= 3 {
                    runs.append((17, left - 3))
                    left = 0
                }
                while left > 0 {
                    runs.append((0, 0))
                    left -= 1
                }
            } else {
                runs.append((value, 0))
                left -= 1
                while left >= 3 {
                    let take = min(left, 6)
                    runs.append((16, take - 3))
                    left -= take
                }
                while left > 0 {
                    runs.append((value, 0))
                    left -= 1
                }
            }
            i += run
        }
        var frequencies = [Int](repeating: 0, count: 19)
        for run in runs { frequencies[run.symbol] += 1 }
        if frequencies.lazy.filter({ $0 > 0 }).count < 2 { frequencies[frequencies[0] > 0 ? 1 : 0] += 1 }
        lengthCode = HuffmanCode(frequencies: frequencies, maxLength: 7)
        var sent = 19
        while sent > 4 && lengthCode.lengths[Self.order[sent - 1]] == 0 { sent -= 1 }
        sentCodeLengths = sent
        var bits = 5 + 5 + 4 + 3 * sent
        for run in runs { bits += Int(lengthCode.lengths[run.symbol]) + Self.extraBits(run.symbol) }
        bitCount = bits
    }

    static func extraBits(_ symbol: Int) -> Int {
        switch symbol {
        case 16: 2
        case 17: 3
        case 18: 7
        default: 0
        }
    }

    func write(_ writer: inout BitWriter) {
        writer.put(0, 5)  // HLIT: 257 literal/length codes
        writer.put(1, 5)  // HDIST: 2 distance codes
        writer.put(UInt64(sentCodeLengths - 4), 4)
        for k in 0..<sentCodeLengths { writer.put(UInt64(lengthCode.lengths[Self.order[k]]), 3) }
        for run in runs {
            let entry = lengthCode.entries[run.symbol]
            writer.put(UInt64(entry & 0xFFFF), Int(entry >> 16))
            let extra = Self.extraBits(run.symbol)
            if extra > 0 { writer.put(UInt64(run.extra), extra) }
        }
    }
}

/// Packs codes least-significant bit first, eight bytes at a time (the output has 8 bytes of slack).
struct BitWriter {
    private var out: UnsafeMutableRawPointer
    private let start: UnsafeMutableRawPointer
    private var buffer: UInt64 = 0
    private var count: UInt64 = 0

    init(_ out: UnsafeMutableRawPointer) {
        self.out = out
        self.start = out
    }

    /// Appends the low `bits` bits of `value` (at most 32).
    @inline(__always)
    mutating func put(_ value: UInt64, _ bits: Int) {
        buffer |= value &<< count
        count &+= UInt64(bits)
        flush()
    }

    @inline(__always)
    private mutating func flush() {
        out.storeBytes(of: buffer.littleEndian, as: UInt64.self)
        let whole = count &>> 3
        out += Int(whole)
        buffer = whole == 8 ? 0 : buffer &>> (whole &<< 3)
        count &= 7
    }

    /// Every byte of `bytes` as its literal code from `table` (code in the low 16 bits, length in bits 16…23;
    /// lengths at most 15, so three codes and 7 pending bits fit one 64-bit word).
    mutating func putLiterals(_ bytes: UnsafeBufferPointer<UInt8>, table: UnsafePointer<UInt32>) {
        guard let source = bytes.baseAddress else { return }
        var buffer = self.buffer, count = self.count, out = self.out
        let n = bytes.count
        var i = 0
        while i &+ 3 <= n {
            let e0 = table[Int(source[i])], e1 = table[Int(source[i &+ 1])], e2 = table[Int(source[i &+ 2])]
            buffer |= UInt64(e0 & 0xFFFF) &<< count
            count &+= UInt64(e0 &>> 16)
            buffer |= UInt64(e1 & 0xFFFF) &<< count
            count &+= UInt64(e1 &>> 16)
            buffer |= UInt64(e2 & 0xFFFF) &<< count
            count &+= UInt64(e2 &>> 16)
            out.storeBytes(of: buffer.littleEndian, as: UInt64.self)
            let whole = count &>> 3
            out += Int(whole)
            buffer = buffer &>> (whole &<< 3)
            count &= 7
            i &+= 3
        }
        self.buffer = buffer
        self.count = count
        self.out = out
        while i < n {
            let e = table[Int(source[i])]
            put(UInt64(e & 0xFFFF), Int(e &>> 16))
            i &+= 1
        }
    }

    /// Writes the last partial byte; returns the bytes written since `init`.
    mutating func finish() -> Int {
        if count > 0 {
            out.storeBytes(of: UInt8(truncatingIfNeeded: buffer), as: UInt8.self)
            out += 1
        }
        buffer = 0
        count = 0
        return out - start
    }
}
