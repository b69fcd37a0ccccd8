public import QuireCore
import Foundation

/// What an image file's header says about its size, read with a few small reads before the file is loaded or
/// decoded, so the memory a page will need is known — and refused when too much — before it is allocated.
///
/// Reads PNG's IHDR, the first JPEG frame header (SOF0–SOF15), and a TIFF's or BigTIFF's first image directory
/// (ImageWidth, ImageLength, BitsPerSample, SamplesPerPixel, Photometric). Nothing here is trusted further than
/// that: the decoder checks everything again, and a header this cannot read is left to the decoder to reject.
///
/// ```swift
/// if let header = ImageHeader.read(fd: fd, size: size), header.decodedBytes > budget { /* too_large */ }
/// ```
public struct ImageHeader: Sendable, Equatable {
    /// The file's format.
    public var format: ImageFormat
    /// Pixels per row, as stored.
    public var width: Int
    /// Rows, as stored.
    public var height: Int
    /// Channels a decode produces (a palette image decodes to 3).
    public var channels: Int
    /// Bits per stored sample.
    public var bitsPerSample: Int

    /// Bytes of the decoded bitmap: width × height × channels × bytes per sample (at least one byte), saturating
    /// at `Int.max` for claims no machine could hold.
    public var decodedBytes: Int {
        // Rounded up without `+ 7`, which overflows for a hostile claim near Int.max (found by the tiff fuzz target).
        let bytesPerSample = max(1, bitsPerSample / 8 + (bitsPerSample % 8 > 0 ? 1 : 0))
        var total = 1
        for factor in [width, height, channels, bytesPerSample] {
            let (product, overflow) = total.multipliedReportingOverflow(by: max(0, factor))
            if overflow { return .max }
            total = product
        }
        return total
    }

    /// Makes a header (the decoders' and tests' way; files are read with ``read(fd:size:)``).
    public init(format: ImageFormat, width: Int, height: Int, channels: Int, bitsPerSample: Int) {
        self.format = format
        self.width = width
        self.height = height
        self.channels = channels
        self.bitsPerSample = bitsPerSample
    }

    /// "19999 × 19999, 4 × 16-bit": the claim, for messages.
    public var summary: String { "\(width) × \(height), \(channels) × \(bitsPerSample)-bit" }

    /// Reads the header of the file open at `fd` (of `size` bytes); nil when it is no TIFF, PNG or JPEG header
    /// this can read.
    public static func read(fd: Int32, size: Int64) -> ImageHeader? {
        let reader = HeaderReader(fd: fd, size: size)
        guard let signature = reader.bytes(at: 0, count: 8), let format = ImageFormat.sniff(signature) else { return nil }
        switch format {
        case .png: return png(reader)
        case .jpeg: return jpeg(reader)
        case .tiff: return tiff(reader)
        }
    }

    private static func png(_ r: HeaderReader) -> ImageHeader? {
        guard let ihdr = r.bytes(at: 8, count: 8 + 13), Array(ihdr[4..<8]) == Array("IHDR".utf8) else { return nil }
        let width = Int(r.u32(ihdr, 8, bigEndian: true)), height = Int(r.u32(ihdr, 12, bigEndian: true))
        let depth = Int(ihdr[16])
        let channels: Int
        switch ihdr[17] {
        case 0: channels = 1
        case 2, 3: channels = 3
        case 4: channels = 2
        case 6: channels = 4
        default: return nil
        }
        return ImageHeader(
            format: .png, width: width, height: height, channels: channels, bitsPerSample: ihdr[17] == 3 ? 8 : depth)
    }

    private static func jpeg(_ r: HeaderReader) -> ImageHeader? {
        var offset: Int64 = 2
        // Segments are skipped by their lengths; at most a few thousand before the frame header.
        for _ in 0..<4096 {
            guard let marker = r.bytes(at: offset, count: 4), marker[0] == 0xFF else { return nil }
            let code = marker[1]
            if code == 0xFF { offset += 1; continue }  // fill byte
            if code == 0x01 || (0xD0...0xD7).contains(code) { offset += 2; continue }  // no length
            if code == 0xDA || code == 0xD9 { return nil }  // scan or end before any frame header
            let length = Int64(marker[2]) << 8 | Int64(marker[3])
            guard length >= 2 else { return nil }
            if (0xC0...0xCF).contains(code), code != 0xC4, code != 0xC8, code != 0xCC {
                guard let frame = r.bytes(at: offset + 4, count: 6) else { return nil }
                return ImageHeader(
                    format: .jpeg, width: Int(frame[3]) << 8 | Int(frame[4]), height: Int(frame[1]) << 8 | Int(frame[2]),
                    channels: Int(frame[5]), bitsPerSample: Int(frame[0]))
            }
            offset += 2 + length
        }
        return nil
    }

    private static func tiff(_ r: HeaderReader) -> ImageHeader? {
        guard let head = r.bytes(at: 0, count: 16) else { return nil }
        let big = head[0] == 0x4D
        let isBigTIFF = r.u16(head, 2, bigEndian: big) == 43
        let ifd = isBigTIFF ? Int64(bitPattern: r.u64(head, 8, bigEndian: big)) : Int64(r.u32(head, 4, bigEndian: big))
        let countSize = isBigTIFF ? 8 : 2, entrySize = isBigTIFF ? 20 : 12
        guard ifd > 0, let countBytes = r.bytes(at: ifd, count: countSize) else { return nil }
        let entries = isBigTIFF ? Int(min(r.u64(countBytes, 0, bigEndian: big), 4096)) : Int(r.u16(countBytes, 0, bigEndian: big))
        guard entries > 0, let table = r.bytes(at: ifd + Int64(countSize), count: entries * entrySize) else { return nil }
        var width: Int?, height: Int?, bits = 1, samples = 1, photometric = -1
        for index in 0..<entries {
            let base = index * entrySize
            let tag = r.u16(table, base, bigEndian: big), type = r.u16(table, base + 2, bigEndian: big)
            let valueAt = base + (isBigTIFF ? 12 : 8)
            // The first value, when it is stored inline (SHORT or LONG); BitsPerSample may be stored elsewhere.
            func first() -> Int? {
                switch type {
                case 3: return Int(r.u16(table, valueAt, bigEndian: big))
                case 4: return Int(r.u32(table, valueAt, bigEndian: big))
                case 16: return Int(clamping: r.u64(table, valueAt, bigEndian: big))
                default: return nil
                }
            }
            let count =
                isBigTIFF ? Int(clamping: r.u64(table, base + 4, bigEndian: big)) : Int(r.u32(table, base + 4, bigEndian: big))
            switch tag {
            case 256: width = first()
            case 257: height = first()
            case 258:
                if type == 3 && count * 2 > (isBigTIFF ? 8 : 4) {
                    let at =
                        isBigTIFF
                        ? Int64(bitPattern: r.u64(table, valueAt, bigEndian: big)) : Int64(r.u32(table, valueAt, bigEndian: big))
                    if let value = r.bytes(at: at, count: 2) { bits = Int(r.u16(value, 0, bigEndian: big)) }
                } else if let value = first() {
                    bits = value
                }
            case 262: photometric = first() ?? -1
            case 277: samples = first() ?? 1
            default: continue
            }
        }
        guard let width, let height else { return nil }
        let channels = photometric == 3 ? max(3, samples) : samples  // a palette decodes to RGB
        return ImageHeader(
            format: .tiff, width: width, height: height, channels: channels,
            bitsPerSample: photometric == 3 ? (bits > 8 ? 16 : 8) : bits)  // a 16-bit palette decodes to 16-bit RGB
    }
}

/// Small positioned reads from an open file.
private struct HeaderReader {
    let fd: Int32
    let size: Int64

    /// `count` bytes at `offset`, or nil when the file is shorter or the read fails.
    func bytes(at offset: Int64, count: Int) -> [UInt8]? {
        guard offset >= 0, count > 0, count <= 1 << 20, offset <= size - Int64(count) else { return nil }
        var buffer = [UInt8](repeating: 0, count: count)
        let read = buffer.withUnsafeMutableBytes { try? Syscall.pread(fd, into: $0, at: offset) }
        return read == count ? buffer : nil
    }

    func u16(_ b: [UInt8], _ at: Int, bigEndian: Bool) -> UInt16 {
        guard at + 2 <= b.count else { return 0 }
        return bigEndian ? UInt16(b[at]) << 8 | UInt16(b[at + 1]) : UInt16(b[at + 1]) << 8 | UInt16(b[at])
    }

    func u32(_ b: [UInt8], _ at: Int, bigEndian: Bool) -> UInt32 {
        guard at + 4 <= b.count else { return 0 }
        let v = (0..<4).reduce(UInt32(0)) { $0 | UInt32(b[at + $1]) << (8 * UInt32(bigEndian ? 3 - $1 : $1)) }
        return v
    }

    func u64(_ b: [UInt8], _ at: Int, bigEndian: Bool) -> UInt64 {
        guard at + 8 <= b.count else { return 0 }
        return (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[at + $1]) << (8 * UInt64(bigEndian ? 7 - $1 : $1)) }
    }
}
