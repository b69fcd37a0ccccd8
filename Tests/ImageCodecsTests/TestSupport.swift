// Helpers shared by the ImageCodecs tests: the shared corpus, external reference tools (libtiff-tools,
// libjpeg-turbo's djpeg), independent header parsers, a hang guard and a tiny PNG writer.
import QuireCore
import Foundation
import ImageCodecs
import QuireTestSupport
import Raster
import Testing

// MARK: - Corpus (QuireTestSupport.Corpus)

extension Corpus.Entry: CustomTestStringConvertible {
    /// A corpus case is named by its path in the test report.
    public var testDescription: String { path }
}

// MARK: - External tools

enum Tool {
    typealias Output = Program.Output

    static func path(_ name: String) -> String? { Program.find(name) }

    static func available(_ names: String...) -> Bool { names.allSatisfy { path($0) != nil } }

    /// Runs a tool, output captured through temporary files (no pipe-buffer deadlock on large outputs).
    static func run(_ name: String, _ arguments: [String]) throws -> Output {
        guard let executable = path(name) else { throw ToolMissing(name: name) }
        return try Program.run(executable, arguments)
    }

    struct ToolMissing: Error { var name: String }
}

/// What `tiffinfo` says about the first directory of a TIFF.
struct TiffInfo {
    var width: Int
    var height: Int
    var photometric: String
    var bitsPerSample: Int
    var samplesPerPixel: Int
    var extraSamples: String?
    var directories: Int
    var raw: String

    static func read(_ path: String) throws -> TiffInfo? {
        let output = try Tool.run("tiffinfo", [path])
        return parse(output.text)
    }

    static func parse(_ text: String) -> TiffInfo? {
        var width: Int?, height: Int?, photometric: String?, bits = 1, samples = 1, extra: String?
        var directories = 0
        var inFirst = false
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("TIFF Directory at offset") {
                directories += 1
                inFirst = directories == 1
                continue
            }
            guard inFirst else { continue }
            if line.hasPrefix("Image Width:") {
                // "Image Width: W Image Length: H"
                let parts = line.split(separator: " ")
                if parts.count >= 6 { width = Int(parts[2]); height = Int(parts[5]) }
            } else if line.hasPrefix("Photometric Interpretation:") {
                photometric = String(line.dropFirst("Photometric Interpretation:".count)).trimmingCharacters(in: .whitespaces)
            } else if line.hasPrefix("Bits/Sample:") {
                bits = Int(line.dropFirst("Bits/Sample:".count).trimmingCharacters(in: .whitespaces)) ?? bits
            } else if line.hasPrefix("Samples/Pixel:") {
                samples = Int(line.dropFirst("Samples/Pixel:".count).trimmingCharacters(in: .whitespaces)) ?? samples
            } else if line.hasPrefix("Extra Samples:") {
                extra = String(line.dropFirst("Extra Samples:".count)).trimmingCharacters(in: .whitespaces)
            }
        }
        guard let width, let height, let photometric else { return nil }
        return TiffInfo(
            width: width, height: height, photometric: photometric, bitsPerSample: bits,
            samplesPerPixel: samples, extraSamples: extra, directories: directories, raw: text)
    }

    /// The colour type tiffinfo's description implies.
    var expectedColorType: ColorType {
        switch photometric {
        case "min-is-black", "min-is-white":
            if bitsPerSample == 1 && samplesPerPixel == 1 { return .bilevel }
            return extraSamples != nil ? .grayAlpha : .gray
        case "RGB color": return extraSamples != nil ? .rgba : .rgb
        case let p where p.hasPrefix("palette color"): return .palette
        case "separated": return .cmyk
        case "YCbCr": return .ycbcr
        default: return .other
        }
    }
}

/// The frame header of a JPEG, parsed here from the bytes (independent of libjpeg).
struct JPEGHeader: Equatable {
    var marker: UInt8
    var precision: Int
    var width: Int
    var height: Int
    var components: Int
    /// JFIF APP0 density: (unit, x, y).
    var density: (unit: Int, x: Int, y: Int)?

    static func == (a: JPEGHeader, b: JPEGHeader) -> Bool {
        a.marker == b.marker && a.precision == b.precision && a.width == b.width && a.height == b.height
            && a.components == b.components
    }

    static func parse(_ data: Data) -> JPEGHeader? {
        let b = [UInt8](data)
        guard b.count > 4, b[0] == 0xFF, b[1] == 0xD8 else { return nil }
        var i = 2
        var density: (Int, Int, Int)?
        while i + 4 <= b.count {
            guard b[i] == 0xFF else { return nil }
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }
            let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            let body = i + 4
            if marker == 0xE0, length >= 14, body + 12 <= b.count, Array(b[body..<body + 5]) == Array("JFIF\0".utf8) {
                density = (Int(b[body + 7]), Int(b[body + 8]) << 8 | Int(b[body + 9]), Int(b[body + 10]) << 8 | Int(b[body + 11]))
            }
            let isSOF = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isSOF, body + 6 <= b.count {
                return JPEGHeader(
                    marker: marker, precision: Int(b[body]),
                    width: Int(b[body + 3]) << 8 | Int(b[body + 4]),
                    height: Int(b[body + 1]) << 8 | Int(b[body + 2]),
                    components: Int(b[body + 5]), density: density)
            }
            i += 2 + length
        }
        return nil
    }
}

/// The IHDR of a PNG, parsed here from the bytes.
struct PNGHeader {
    var width: Int
    var height: Int
    var bitDepth: Int
    var colorType: Int
    var interlaced: Bool

    static func parse(_ data: Data) -> PNGHeader? {
        let b = [UInt8](data.prefix(33))
        guard b.count >= 29, Array(b[12..<16]) == Array("IHDR".utf8) else { return nil }
        func u32(_ o: Int) -> Int { Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3]) }
        return PNGHeader(width: u32(16), height: u32(20), bitDepth: Int(b[24]), colorType: Int(b[25]), interlaced: b[28] != 0)
    }

    var expectedColorType: ColorType {
        switch colorType {
        case 0: bitDepth == 1 ? .bilevel : .gray
        case 2: .rgb
        case 3: .palette
        case 4: .grayAlpha
        default: .rgba
        }
    }
}

/// A binary PNM (P5 gray / P6 RGB, maxval 255) as written by `djpeg -pnm`.
struct PNM {
    var width: Int
    var height: Int
    var channels: Int
    var pixels: [UInt8]

    static func parse(_ data: Data) -> PNM? {
        let b = [UInt8](data)
        var i = 0
        func token() -> String? {
            while i < b.count {
                if b[i] == UInt8(ascii: "#") {
                    while i < b.count && b[i] != 0x0A { i += 1 }
                } else if b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 {
                    i += 1
                } else {
                    break
                }
            }
            let start = i
            while i < b.count, !(b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09) { i += 1 }
            return start < i ? String(decoding: b[start..<i], as: UTF8.self) : nil
        }
        guard let magic = token(), magic == "P5" || magic == "P6",
            let w = token().flatMap(Int.init), let h = token().flatMap(Int.init),
            let maxval = token().flatMap(Int.init), maxval == 255
        else { return nil }
        i += 1  // the single whitespace after maxval
        let channels = magic == "P5" ? 1 : 3
        guard b.count - i == w * h * channels else { return nil }
        return PNM(width: w, height: h, channels: channels, pixels: Array(b[i...]))
    }
}

// MARK: - Hang guard

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T?
    var value: T? {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}

/// Runs `body` on its own thread and gives up after `seconds`, so a decoder that hangs fails the test
/// instead of stalling the run (the stuck thread is abandoned).
func withDeadline<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () -> T) -> T? {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        box.value = body()
        done.signal()
    }
    thread.stackSize = 16 << 20
    thread.start()
    guard done.wait(timeout: .now() + seconds) == .success else { return nil }
    return box.value
}

/// Decodes with a deadline; `nil` means the decoder did not finish in time.
func guardedDecode(
    _ data: Data, as format: ImageFormat? = nil, options: DecodeOptions = DecodeOptions(acceptMultiPage: true),
    seconds: Double = 30
) -> Result<DecodedImage, DecodeError>? {
    withDeadline(seconds: seconds) {
        Result { () throws(DecodeError) -> DecodedImage in
            if let format { return try ImageDecoder.decode(data, as: format, options: options) }
            return try ImageDecoder.decode(data, options: options)
        }
    }
}

// MARK: - A minimal PNG writer (stored deflate blocks), independent of libpng

enum MiniPNG {
    /// Encodes raw scanlines (already packed at `bitDepth`, 16-bit samples big-endian as PNG wants).
    static func encode(
        width: Int, height: Int, bitDepth: Int, colorType: Int, rows: [[UInt8]],
        pixelsPerMetre: Int? = nil, palette: [UInt8]? = nil
    ) -> Data {
        var out = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var ihdr = [UInt8]()
        ihdr += be32(width) + be32(height) + [UInt8(bitDepth), UInt8(colorType), 0, 0, 0]
        chunk("IHDR", ihdr, into: &out)
        if let ppm = pixelsPerMetre { chunk("pHYs", be32(ppm) + be32(ppm) + [1], into: &out) }
        if let palette { chunk("PLTE", palette, into: &out) }
        var raw = [UInt8]()
        for row in rows { raw.append(0); raw += row }  // filter type 0 (None)
        chunk("IDAT", zlibStored(raw), into: &out)
        chunk("IEND", [], into: &out)
        return out
    }

    static func be32(_ v: Int) -> [UInt8] {
        [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }

    static func chunk(_ type: String, _ body: [UInt8], into out: inout Data) {
        let typeBytes = Array(type.utf8)
        out.append(contentsOf: be32(body.count))
        out.append(contentsOf: typeBytes)
        out.append(contentsOf: body)
        out.append(contentsOf: be32(Int(crc32(typeBytes + body))))
    }

    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65_535, data.count - offset)
            let final: UInt8 = offset + n == data.count ? 1 : 0
            out += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[offset..<offset + n]
            offset += n
        } while offset < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        return out + be32(Int(b << 16 | a))
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

// MARK: - A minimal reader for uncompressed, contiguous TIFFs (tiff2rgba output), independent of ImageCodecs

struct RawTIFF {
    var width: Int
    var height: Int
    var samplesPerPixel: Int
    var pixels: [UInt8]

    /// Reads the first directory of an uncompressed 8-bit chunky TIFF.
    static func read(_ data: Data) -> RawTIFF? {
        let b = [UInt8](data)
        guard b.count >= 8 else { return nil }
        let little = b[0] == 0x49
        func u16(_ o: Int) -> Int { little ? Int(b[o]) | Int(b[o + 1]) << 8 : Int(b[o]) << 8 | Int(b[o + 1]) }
        func u32(_ o: Int) -> Int { little ? u16(o) | u16(o + 2) << 16 : u16(o) << 16 | u16(o + 2) }
        let ifd = u32(4)
        guard ifd + 2 <= b.count else { return nil }
        var tags: [Int: [Int]] = [:]
        for i in 0..<u16(ifd) {
            let e = ifd + 2 + i * 12
            let tag = u16(e), type = u16(e + 2), count = u32(e + 4)
            let size = type == 3 ? 2 : type == 4 ? 4 : 0
            guard size > 0 else { continue }
            let base = count * size <= 4 ? e + 8 : u32(e + 8)
            tags[tag] = (0..<count).map { size == 2 ? u16(base + $0 * 2) : u32(base + $0 * 4) }
        }
        guard let w = tags[256]?.first, let h = tags[257]?.first, tags[259]?.first ?? 1 == 1,
            let offsets = tags[273], let counts = tags[279], offsets.count == counts.count
        else { return nil }
        let spp = tags[277]?.first ?? 1
        var pixels = [UInt8]()
        pixels.reserveCapacity(w * h * spp)
        for (o, n) in zip(offsets, counts) {
            guard o + n <= b.count else { return nil }
            pixels += b[o..<o + n]
        }
        guard pixels.count >= w * h * spp else { return nil }
        return RawTIFF(width: w, height: h, samplesPerPixel: spp, pixels: Array(pixels.prefix(w * h * spp)))
    }
}
