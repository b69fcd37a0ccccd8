// Valid TIFF layouts libtiff's RGBA reader has no conversion for (16-bit CMYK, 2- and 4-bit RGB, 16-bit palette,
// 16-bit samples in separate planes): read exactly, never called damaged. The files are written here by a
// minimal TIFF writer independent of libtiff, so the expected pixels come from the sample values themselves;
// tiffcp makes compressed, tiled and contiguous copies of them, read again.
import Foundation
import ImageCodecs
import Raster
import QuireTestSupport
import Testing

/// A minimal little-endian TIFF writer: uncompressed strips, any bit depth, either planar configuration.
struct MiniTIFF: Sendable, CustomTestStringConvertible {
    var name: String
    var width = 19, height = 7, rowsPerStrip = 3
    var bits: Int
    var photometric: Int  // 0 min-is-white, 1 min-is-black, 2 RGB, 3 palette, 5 separated
    var samples: Int
    var separate = false
    var alpha = false  // the last sample is unassociated alpha (ExtraSamples = 2)

    var testDescription: String { name }
    var maximum: Int { (1 << bits) - 1 }

    /// The sample at (x, y, c): a pattern that reaches 0 and the maximum and differs per channel.
    func sample(_ x: Int, _ y: Int, _ c: Int) -> Int {
        if x == 0 { return 0 }
        if x == width - 1 { return maximum }
        return (x * 2_654_435_761 &+ y * 40_503 &+ c * 9_973 &+ (x * y) << 3) & maximum
    }

    /// The palette's entry `i`: (red, green, blue), 16 bits each.
    static func paletteEntry(_ i: Int) -> (Int, Int, Int) {
        ((i * 37) & 0xFFFF, (0xFFFF - i) & 0xFFFF, (i * 7919) & 0xFFFF)
    }

    /// Packs row `y` of `channels` (every sample, or one plane) at `bits` bits, MSB first, whole bytes a row.
    func row(_ y: Int, channels: [Int]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: (width * channels.count * bits + 7) / 8)
        var i = 0
        for x in 0..<width {
            for c in channels {
                let v = sample(x, y, c)
                switch bits {
                case 16: out[2 * i] = UInt8(v & 0xFF); out[2 * i + 1] = UInt8(v >> 8)
                case 8: out[i] = UInt8(v)
                default:
                    let bit = i * bits
                    out[bit / 8] |= UInt8(v << (8 - bits - bit % 8))
                }
                i += 1
            }
        }
        return out
    }

    func encode() -> Data {
        var data: [UInt8] = [0x49, 0x49, 42, 0, 0, 0, 0, 0]
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16(v >> 16) }
        var offsets: [Int] = [], counts: [Int] = []
        let planes = separate ? Array(0..<samples).map { [$0] } : [Array(0..<samples)]
        for plane in planes {
            for start in stride(from: 0, to: height, by: rowsPerStrip) {
                offsets.append(data.count)
                let bytes = (start..<min(start + rowsPerStrip, height)).flatMap { row($0, channels: plane) }
                data += bytes
                counts.append(bytes.count)
            }
        }
        if data.count % 2 == 1 { data.append(0) }
        // (tag, type, values): type 3 SHORT, 4 LONG, 5 RATIONAL.
        var entries: [(Int, Int, [Int])] = [
            (256, 4, [width]), (257, 4, [height]), (258, 3, Array(repeating: bits, count: samples)), (259, 3, [1]),
            (262, 3, [photometric]), (273, 4, offsets), (277, 3, [samples]), (278, 4, [rowsPerStrip]),
            (279, 4, counts), (282, 5, [300, 1]), (283, 5, [300, 1]), (284, 3, [separate ? 2 : 1]), (296, 3, [2]),
        ]
        if photometric == 3 {
            let n = 1 << bits
            let map = (0..<n).map { Self.paletteEntry($0) }
            entries.append((320, 3, map.map(\.0) + map.map(\.1) + map.map(\.2)))
        }
        if photometric == 5 { entries.append((332, 3, [1])) }
        if alpha { entries.append((338, 3, [2])) }
        // Out-of-line values first, then the directory.
        var encoded: [(Int, Int, Int, [UInt8])] = []
        for (tag, type, values) in entries.sorted(by: { $0.0 < $1.0 }) {
            let bytes: [UInt8] =
                switch type {
                case 3: values.flatMap(u16)
                default: values.flatMap(u32)
                }
            let count = type == 5 ? values.count / 2 : values.count
            if bytes.count <= 4 {
                encoded.append((tag, type, count, bytes + [UInt8](repeating: 0, count: 4 - bytes.count)))
            } else {
                let offset = data.count
                data += bytes
                if data.count % 2 == 1 { data.append(0) }
                encoded.append((tag, type, count, u32(offset)))
            }
        }
        let ifd = data.count
        data.replaceSubrange(4..<8, with: u32(ifd))
        data += u16(encoded.count)
        for (tag, type, count, value) in encoded { data += u16(tag) + u16(type) + u32(count) + value }
        data += u32(0)
        return Data(data)
    }

    /// The bitmap the decoder must give: samples below 8 bits scaled to 8 (v × 255 / max), 16-bit palette
    /// indices looked up, 16-bit CMYK as R = (65535 − C)(65535 − K) / 65535, min-is-white gray inverted.
    func expected() -> Bitmap {
        let wide = bits == 16
        let layout: PixelLayout
        switch (photometric, samples, alpha) {
        case (3, _, _): layout = .rgb16
        case (5, _, _): layout = wide ? .rgb16 : .cmyk8
        case (2, 4, true): layout = wide ? .rgba16 : .rgba8
        case (2, _, _): layout = wide ? .rgb16 : .rgb8
        case (_, 2, true): layout = wide ? .grayAlpha16 : .grayAlpha8
        default: layout = wide ? .gray16 : .gray8
        }
        return Pages.make(layout, width: width, height: height) { x, y, c in
            if photometric == 3 {
                let entry = Self.paletteEntry(sample(x, y, 0))
                return [entry.0, entry.1, entry.2][c]
            }
            if photometric == 5 && wide {
                let k = 65_535 - sample(x, y, 3)
                return ((65_535 - sample(x, y, c)) * k + 32_767) / 65_535
            }
            var v = sample(x, y, c)
            if photometric == 0 && c == 0 { v = maximum - v }
            return bits < 8 ? v * 255 / maximum : v
        }
    }
}

@Suite("TIFF verdicts on layouts libtiff's RGBA reader cannot convert")
struct TIFFVerdictTests {
    static let layouts: [MiniTIFF] = [
        MiniTIFF(name: "16-bit CMYK", bits: 16, photometric: 5, samples: 4),
        MiniTIFF(name: "16-bit CMYK, planar separate", bits: 16, photometric: 5, samples: 4, separate: true),
        MiniTIFF(name: "8-bit CMYK, planar separate", bits: 8, photometric: 5, samples: 4, separate: true),
        MiniTIFF(name: "2-bit RGB", bits: 2, photometric: 2, samples: 3),
        MiniTIFF(name: "4-bit RGB", bits: 4, photometric: 2, samples: 3),
        MiniTIFF(name: "4-bit RGB, planar separate", bits: 4, photometric: 2, samples: 3, separate: true),
        MiniTIFF(name: "2-bit RGBA", bits: 2, photometric: 2, samples: 4, alpha: true),
        MiniTIFF(name: "16-bit palette", bits: 16, photometric: 3, samples: 1),
        MiniTIFF(name: "16-bit RGB, planar separate", bits: 16, photometric: 2, samples: 3, separate: true),
        MiniTIFF(name: "16-bit RGBA, planar separate", bits: 16, photometric: 2, samples: 4, separate: true, alpha: true),
        MiniTIFF(name: "8-bit RGB, planar separate", bits: 8, photometric: 2, samples: 3, separate: true),
        MiniTIFF(name: "16-bit gray+alpha, planar separate", bits: 16, photometric: 1, samples: 2, separate: true, alpha: true),
        MiniTIFF(name: "4-bit gray+alpha", bits: 4, photometric: 1, samples: 2, alpha: true),
        MiniTIFF(
            name: "2-bit min-is-white gray+alpha, planar separate", bits: 2, photometric: 0, samples: 2, separate: true,
            alpha: true),
    ]

    @Test("Decoded exactly, with the file's own description", arguments: layouts)
    func decodesExactly(_ layout: MiniTIFF) throws {
        let data = layout.encode()
        let image = try ImageDecoder.decode(data)
        let expected = layout.expected()
        #expect(image.bitmap.layout == expected.layout)
        #expect(image.bitmap == expected, "\(layout.name): pixels differ from the samples written")
        #expect(image.info.bitsPerSample == layout.bits && image.info.samplesPerPixel == layout.samples)
        let colorType: ColorType =
            switch layout.photometric {
            case 2: layout.alpha ? .rgba : .rgb
            case 3: .palette
            case 5: .cmyk
            default: layout.alpha ? .grayAlpha : .gray
            }
        #expect(image.info.colorType == colorType)
        #expect(image.converted == (layout.photometric == 5 && layout.bits == 16), "only 16-bit CMYK to RGB is lossy")
        #expect(try ImageDecoder.check(data) == image.info, "check() reaches decode()'s verdict")
    }

    @Test(
        "Compressed (LZW, deflate with predictor), tiled and contiguous copies by tiffcp decode to the same pixels",
        .enabled(if: Tool.available("tiffcp")), arguments: layouts)
    func tiffcpCopies(_ layout: MiniTIFF) throws {
        let scratch = try ScratchFolder("codec")
        let source = scratch.path("source.tif")
        try layout.encode().write(to: URL(fileURLWithPath: source))
        let expected = layout.expected()
        var variants: [[String]] = [["-c", "lzw"]]
        // tiffcp tiles separate planes only at 8 bits (below, it refuses; at 16 it writes tiles whose byte counts
        // libtiff's own RGBA reader rejects and whose samples are not the source's), and changes the planar
        // configuration only at 8 bits.
        if !layout.separate || layout.bits == 8 {
            variants += [["-t", "-w", "16", "-l", "16"], ["-c", "zip", "-t", "-w", "16", "-l", "16"]]
        }
        if layout.bits >= 8 { variants.append(["-c", "zip:p2"]) }  // libtiff's predictor takes 8, 16, 32 and 64 bits
        if layout.separate && layout.bits == 8 { variants.append(["-p", "contig"]) }
        for flags in variants {
            let copy = scratch.path("copy.tif")
            let run = try Tool.run("tiffcp", flags + [source, copy])
            try #require(run.status == 0, "tiffcp \(flags): \(run.stderr)")
            let image = try ImageDecoder.decode(try Data(contentsOf: URL(fileURLWithPath: copy)))
            #expect(image.bitmap == expected, "\(layout.name), tiffcp \(flags.joined(separator: " ")): pixels differ")
        }
    }

    @Test("A valid layout nothing here converts is unsupported, with the layout named, never corrupt")
    func unsupportedLayoutIsNamed() throws {
        // CMYK with an alpha sample, 16 bits: neither read here nor by libtiff's RGBA reader.
        let layout = MiniTIFF(name: "16-bit CMYK+alpha", bits: 16, photometric: 5, samples: 5, alpha: true)
        #expect {
            try ImageDecoder.decode(layout.encode())
        } throws: { error in
            guard case DecodeError.unsupported(let detail) = error else { return false }
            return detail.contains("16-bit CMYK (separated) with 1 extra sample") && detail.contains("not supported")
        }
    }
}
