// Round trips through Quire's own encoders and decoder, on bitmaps generated here: every layout and TIFF
// compression, tags checked with tiffinfo, JPEG checked with djpeg, PNG written by a tiny independent writer,
// and the damaged-input contract (truncated, mislabelled and empty data throw, never crash).
import QuireCore
import Foundation
import ImageCodecs
import Raster
import QuireTestSupport
import Testing

// MARK: - Test pages

enum Pages {
    static let width = 203  // odd, and not a multiple of 8: bilevel rows end in padding bits
    static let height = 97  // not a multiple of any strip height used here

    /// "Text-like" blocks: short dark bars on lines, with gaps, like words on a page.
    static func ink(_ x: Int, _ y: Int) -> Bool {
        let line = y / 12, inLine = y % 12
        guard inLine >= 3 && inLine < 10, x >= 8, x < width - 8 else { return false }
        let word = (x + line * 7) / 23
        return (x + line * 7) % 23 < 17 && (word * 31 + line * 17) % 5 != 0 && (x / 3 + inLine) % 4 != 0
    }

    /// A bitmap whose sample (x, y, c) is `value(x, y, c)`, clipped to the layout's range.
    static func make(
        _ layout: PixelLayout, width: Int = width, height: Int = height,
        resolution: Resolution? = Resolution(x: 300, y: 300),
        _ value: (Int, Int, Int) -> Int
    ) -> Bitmap {
        var bitmap = Bitmap(width: width, height: height, layout: layout, resolution: resolution)
        let stride = bitmap.bytesPerRow
        for y in 0..<height {
            for x in 0..<width {
                switch layout.bitsPerSample {
                case 1:
                    if value(x, y, 0) & 1 == 1 { bitmap.bytes[y * stride + x / 8] |= 0x80 >> UInt8(x % 8) }
                case 8:
                    for c in 0..<layout.channels {
                        bitmap.bytes[y * stride + x * layout.channels + c] = UInt8(clamping: value(x, y, c))
                    }
                default:
                    for c in 0..<layout.channels {
                        let v = UInt16(clamping: value(x, y, c))
                        let i = y * stride + (x * layout.channels + c) * 2
                        bitmap.bytes[i] = UInt8(v & 0xFF)  // host (little-endian) order, as Bitmap stores it
                        bitmap.bytes[i + 1] = UInt8(v >> 8)
                    }
                }
            }
        }
        return bitmap
    }

    /// A page in the given layout: a gradient with text-like blocks, distinct per channel.
    static func page(_ layout: PixelLayout, resolution: Resolution? = Resolution(x: 300, y: 300)) -> Bitmap {
        let wide = layout.bitsPerSample == 16
        return make(layout, resolution: resolution) { x, y, c in
            if layout == .bilevel { return ink(x, y) ? 0 : 1 }  // 1 is white
            let isAlpha = layout.hasAlpha && c == layout.channels - 1
            if isAlpha { return wide ? (x * 65_535 / (width - 1)) : (y * 255 / (height - 1)) }
            let gradient = wide ? (x * 65_535 / (width - 1)) ^ (y * 37 + c * 4099) : (x * 255 / (width - 1) + c * 60 + y) % 256
            return ink(x, y) ? (wide ? 1_000 + c : 12 + c) : gradient
        }
    }

    static let allLayouts = PixelLayout.allCases
}

struct TIFFVariant: Sendable, CustomTestStringConvertible {
    var compression: TIFFEncoder.Compression
    var predictor: Bool
    var rowsPerStrip: Int?
    var testDescription: String {
        "\(compression.rawValue)\(predictor ? "+predictor" : ""), rows/strip \(rowsPerStrip.map(String.init) ?? "auto")"
    }

    static let all: [TIFFVariant] = TIFFEncoder.Compression.allCases.flatMap { compression in
        [false, true].flatMap { predictor in
            [nil, 7].map { TIFFVariant(compression: compression, predictor: predictor, rowsPerStrip: $0) }
        }
    }
}

private func compressionName(_ c: TIFFEncoder.Compression) -> String {
    switch c {
    case .none: "none"
    case .lzw: "lzw"
    case .deflate: "deflate"
    case .packbits: "packbits"
    case .g4: "ccitt-g4"
    }
}

// MARK: - TIFF

@Suite("Codec round trips", .timeLimit(.minutes(5)))
struct CodecRoundTripTests {
    @Test(
        "TIFF round trip is exact for every layout and compression",
        arguments: Pages.allLayouts, TIFFVariant.all)
    func tiffRoundTrip(_ layout: PixelLayout, _ variant: TIFFVariant) throws {
        let scratch = try ScratchFolder("codec")
        let source = Pages.page(layout)
        let path = scratch.path("page.tif")
        let options = TIFFEncoder.Options(
            compression: variant.compression, predictor: variant.predictor,
            rowsPerStrip: variant.rowsPerStrip)
        if variant.compression == .g4 && layout != .bilevel {
            #expect(throws: EncodeError.self) { try TIFFEncoder.write(source, to: path, options: options) }
            return
        }
        try TIFFEncoder.write(source, to: path, options: options)
        // The encoder must not touch its input (libtiff's predictor and bit order work in place).
        #expect(source == Pages.page(layout), "TIFFEncoder modified the source bitmap")

        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(ImageFormat.sniff(data.prefix(8)) == .tiff)
        let decoded = try ImageDecoder.decode(data)
        #expect(decoded.converted == false)
        #expect(decoded.bitmap.layout == layout)
        #expect(decoded.info.compression == compressionName(variant.compression))
        #expect(decoded.info.resolution == Resolution(x: 300, y: 300))
        #expect(decoded.info.frames == 1)
        #expect(decoded.info.bitsPerSample == layout.bitsPerSample)
        #expect(decoded.info.samplesPerPixel == layout.channels)
        if decoded.bitmap.bytes != source.bytes {
            let index = zip(decoded.bitmap.bytes, source.bytes).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? -1
            Issue.record("pixels differ; first at byte \(index) (row \(index / source.bytesPerRow))")
        }
        #expect(decoded.bitmap == source)
    }

    @Test(
        "Predictor and strip layout are what was asked for", .enabled(if: Tool.available("tiffinfo")),
        arguments: [PixelLayout.gray8, .rgb16], [TIFFEncoder.Compression.lzw, .deflate])
    func predictorIsWritten(_ layout: PixelLayout, _ compression: TIFFEncoder.Compression) throws {
        let scratch = try ScratchFolder("codec")
        for predictor in [true, false] {
            let path = scratch.path("p\(predictor).tif")
            try TIFFEncoder.write(
                Pages.page(layout), to: path,
                options: .init(compression: compression, predictor: predictor, rowsPerStrip: 7))
            let info = try Tool.run("tiffinfo", [path]).text
            #expect(info.contains("Predictor: horizontal differencing") == predictor, "\(info)")
            #expect(info.contains("Rows/Strip: 7"))
        }
    }

    @Test(
        "8-bit Predictor 2 in tiles and strips written by tiffcp decodes to the source pixels; check() agrees",
        .enabled(if: Tool.available("tiffcp")),
        arguments: [PixelLayout.gray8, .grayAlpha8, .rgb8, .rgba8, .cmyk8], ["zip:2", "lzw:2"])
    func predictorFromAnotherWriter(_ layout: PixelLayout, _ scheme: String) throws {
        let scratch = try ScratchFolder("codec")
        let source = Pages.page(layout)
        try TIFFEncoder.write(source, to: scratch.path("plain.tif"), options: .init(compression: .none, predictor: false))
        // Tiles of 48 × 32 do not divide the page, so edge tiles are partly outside it.
        for (name, layoutArguments) in [("tiled", ["-t", "-w", "48", "-l", "32"]), ("stripped", ["-s", "-r", "5"])] {
            let out = scratch.path("\(name).tif")
            let run = try Tool.run("tiffcp", ["-c", scheme] + layoutArguments + [scratch.path("plain.tif"), out])
            try #require(run.status == 0, "tiffcp failed: \(run.stderr)")
            let data = try Data(contentsOf: URL(fileURLWithPath: out))
            #expect(try Tool.run("tiffinfo", [out]).text.contains("Predictor: horizontal differencing"))
            let decoded = try ImageDecoder.decode(data)
            #expect(decoded.bitmap == source, "\(name) \(scheme)")
            #expect(try ImageDecoder.check(data) == decoded.info)
            // A damaged compressed stream is still refused by both.
            var damaged = data
            damaged[damaged.count / 3] ^= 0x55
            let decodeVerdict = Result { () throws(DecodeError) in try ImageDecoder.decode(damaged).info }
            let checkVerdict = Result { () throws(DecodeError) in try ImageDecoder.check(damaged) }
            #expect(decodeVerdict == checkVerdict)
        }
    }

    @Test(
        "Resolution tags round-trip",
        arguments: [Resolution(x: 300, y: 300), Resolution(x: 400, y: 200), Resolution(x: 600, y: 600)])
    func tiffResolution(_ resolution: Resolution) throws {
        let scratch = try ScratchFolder("codec")
        let path = scratch.path("r.tif")
        try TIFFEncoder.write(Pages.page(.gray8, resolution: resolution), to: path, options: .init())
        let decoded = try ImageDecoder.decode(Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(decoded.info.resolution == resolution)
        #expect(decoded.bitmap.resolution == resolution)
        if Tool.available("tiffinfo") {
            let info = try Tool.run("tiffinfo", [path]).text
            #expect(info.contains("Resolution: \(Int(resolution.x)), \(Int(resolution.y)) pixels/inch"), "\(info)")
        }
    }

    @Test("A bitmap without resolution writes no resolution tags")
    func tiffNoResolution() throws {
        let scratch = try ScratchFolder("codec")
        let path = scratch.path("n.tif")
        try TIFFEncoder.write(Pages.page(.gray8, resolution: nil), to: path, options: .init())
        let decoded = try ImageDecoder.decode(Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(decoded.info.resolution == nil)
    }

    @Test("Descriptive tags and ICC profile are visible to tiffinfo and to the decoder", .enabled(if: Tool.available("tiffinfo")))
    func tiffTags() throws {
        let scratch = try ScratchFolder("codec")
        let path = scratch.path("tags.tif")
        let icc = (0..<588).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let options = TIFFEncoder.Options(
            compression: .deflate, imageDescription: "Fonds 0012, item 0034, page 5",
            software: "Quire test", make: "ScanCo", model: "Archivist 9000",
            dateTime: "2024:05:17 09:30:00", artist: "Reading Room 2", iccProfile: icc)
        try TIFFEncoder.write(Pages.page(.rgb8), to: path, options: options)
        let info = try Tool.run("tiffinfo", [path]).text
        for line in [
            "ImageDescription: Fonds 0012, item 0034, page 5", "Software: Quire test", "Make: ScanCo",
            "Model: Archivist 9000", "DateTime: 2024:05:17 09:30:00", "Artist: Reading Room 2",
            "ICC Profile: <present>, 588 bytes", "Resolution: 300, 300 pixels/inch",
            "Compression Scheme: AdobeDeflate", "Photometric Interpretation: RGB color",
        ] {
            #expect(info.contains(line), "tiffinfo lacks \"\(line)\":\n\(info)")
        }
        let decoded = try ImageDecoder.decode(Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(decoded.info.iccProfile == icc)
    }

    @Test("Bilevel pages are written min-is-white and read back with 1 = white")
    func bilevelPhotometric() throws {
        let scratch = try ScratchFolder("codec")
        let path = scratch.path("b.tif")
        let page = Pages.page(.bilevel)
        try TIFFEncoder.write(page, to: path, options: .init(compression: .g4))
        if Tool.available("tiffinfo") {
            let info = try Tool.run("tiffinfo", [path]).text
            #expect(info.contains("Photometric Interpretation: min-is-white"))
            #expect(info.contains("Compression Scheme: CCITT Group 4"))
        }
        let decoded = try ImageDecoder.decode(Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(decoded.info.colorType == .bilevel)
        #expect(decoded.bitmap.sample(x: 0, y: 0, channel: 0) == 1, "the page margin is white")
        let inked = (0..<Pages.width).first { Pages.ink($0, 5) }!
        #expect(decoded.bitmap.sample(x: inked, y: 5, channel: 0) == 0, "ink is black")
    }

    @Test(
        "Big-endian and BigTIFF copies (made by tiffcp) decode to the same pixels", .enabled(if: Tool.available("tiffcp")),
        arguments: [["-B"], ["-8"], ["-8", "-B"]], [PixelLayout.gray16, .rgba16, .bilevel])
    func tiffcpVariants(_ flags: [String], _ layout: PixelLayout) throws {
        let scratch = try ScratchFolder("codec")
        let source = Pages.page(layout)
        try TIFFEncoder.write(source, to: scratch.path("in.tif"), options: .init(compression: .none))
        let run = try Tool.run("tiffcp", flags + ["-c", "lzw", scratch.path("in.tif"), scratch.path("out.tif")])
        try #require(run.status == 0, "tiffcp: \(run.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: scratch.path("out.tif")))
        #expect((data.first == 0x4D) == flags.contains("-B"))
        #expect((data[2] == 0x2B || data[3] == 0x2B) == flags.contains("-8"))
        let decoded = try ImageDecoder.decode(data)
        #expect(decoded.bitmap == source)
        // The directory is written last: losing the final bytes must be noticed, BigTIFF included.
        let cut = try #require(guardedDecode(Data(data.prefix(data.count - 4))))
        guard case .failure(.corrupt(let detail)) = cut else {
            Issue.record("\(flags) copy without its last 4 bytes gave \(cut)")
            return
        }
        #expect(!detail.isEmpty)
    }

    @Test("A TIFF missing only its last bytes (an out-of-line tag value) is corrupt, not silently short of a tag")
    func tiffCutInTagValues() throws {
        let scratch = try ScratchFolder("codec")
        let path = scratch.path("t.tif")
        try TIFFEncoder.write(Pages.page(.gray8), to: path, options: .init(compression: .lzw))
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        for cut in 1...8 {
            let result = try #require(guardedDecode(Data(data.prefix(data.count - cut))))
            guard case .failure(.corrupt(let detail)) = result else {
                Issue.record("TIFF without its last \(cut) bytes gave \(result)")
                continue
            }
            #expect(detail.contains("past the end of the file"), "\(detail)")
        }
    }

    @Test("Bilevel padding bits are 0 after decoding, whatever the file held")
    func bilevelPadding() throws {
        let page = Pages.page(.bilevel)
        // The same pixels with every padding bit set in the file.
        let rows = (0..<page.height).map { y -> [UInt8] in
            var row = Array(page[row: y])
            row[row.count - 1] |= UInt8(0xFF >> (page.width % 8))
            return row
        }
        let png = MiniPNG.encode(width: page.width, height: page.height, bitDepth: 1, colorType: 0, rows: rows)
        let decoded = try ImageDecoder.decode(png)
        #expect(decoded.bitmap.bytes == page.bytes)
        var copy = Bitmap(
            width: page.width, height: page.height, layout: .bilevel,
            bytes: rows.flatMap { $0 }, resolution: page.resolution)
        #expect(copy != page)
        copy.zeroRowPadding()
        #expect(copy == page)
    }

    @Test("The same input gives the same bytes")
    func tiffDeterministic() throws {
        let scratch = try ScratchFolder("codec")
        let options = TIFFEncoder.Options(compression: .lzw, software: "Quire")
        try TIFFEncoder.write(Pages.page(.rgb8), to: scratch.path("a.tif"), options: options)
        try TIFFEncoder.write(Pages.page(.rgb8), to: scratch.path("b.tif"), options: options)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: scratch.path("a.tif")))
                == Data(contentsOf: URL(fileURLWithPath: scratch.path("b.tif"))))
    }

    @Test("Writing where no file can be created throws")
    func unwritablePath() {
        let page = Pages.page(.gray8)
        #expect(throws: EncodeError.self) {
            try TIFFEncoder.write(page, to: "/nonexistent-quire-dir/x.tif", options: .init())
        }
        #expect(throws: EncodeError.self) { try JPEGEncoder.write(page, to: "/nonexistent-quire-dir/x.jpg") }
    }

    @Test("An empty bitmap is refused, not written as a broken TIFF")
    func emptyBitmap() throws {
        let scratch = try ScratchFolder("codec")
        #expect(throws: EncodeError.self) {
            try TIFFEncoder.write(Bitmap(width: 0, height: 0, layout: .gray8), to: scratch.path("e.tif"), options: .init())
        }
        #expect(throws: EncodeError.self) {
            try JPEGEncoder.write(Bitmap(width: 0, height: 5, layout: .gray8), to: scratch.path("e.jpg"))
        }
    }

    // MARK: JPEG

    @Test(
        "JPEG: djpeg decodes what JPEGEncoder wrote; the decoder reads the JFIF density back",
        arguments: [PixelLayout.gray8, .rgb8], [false, true])
    func jpegRoundTrip(_ layout: PixelLayout, _ progressive: Bool) throws {
        let scratch = try ScratchFolder("codec")
        let path = scratch.path("page.jpg")
        let source = Pages.page(layout)
        try JPEGEncoder.write(source, to: path, options: .init(quality: 92, progressive: progressive))
        #expect(source == Pages.page(layout), "JPEGEncoder modified the source bitmap")
        let data = try Data(contentsOf: URL(fileURLWithPath: path))

        let header = try #require(JPEGHeader.parse(data))
        #expect(header.width == Pages.width && header.height == Pages.height)
        #expect(header.components == layout.channels)
        #expect(header.marker == (progressive ? 0xC2 : 0xC0))
        #expect(header.density?.unit == 1 && header.density?.x == 300 && header.density?.y == 300)

        let decoded = try ImageDecoder.decode(data)
        #expect(decoded.info.format == .jpeg)
        #expect(decoded.info.resolution == Resolution(x: 300, y: 300))
        #expect(decoded.bitmap.layout == layout)
        #expect(decoded.info.colorType == (layout == .gray8 ? .gray : .ycbcr))
        #expect(decoded.info.compression == (progressive ? "progressive" : "baseline"))

        // Lossy, but close where JPEG keeps full resolution: luma (chroma is subsampled 4:2:0, and the test
        // page's colour text has sharp chroma edges on purpose).
        func luma(_ b: Bitmap, _ x: Int, _ y: Int) -> Double {
            if b.layout == .gray8 { return Double(b.sample(x: x, y: y, channel: 0)) }
            return 0.299 * Double(b.sample(x: x, y: y, channel: 0)) + 0.587 * Double(b.sample(x: x, y: y, channel: 1))
                + 0.114 * Double(b.sample(x: x, y: y, channel: 2))
        }
        var error = 0.0
        for y in 0..<source.height { for x in 0..<source.width { error += abs(luma(decoded.bitmap, x, y) - luma(source, x, y)) } }
        let mean = error / Double(source.pixelCount)
        #expect(mean < 4, "mean absolute luma error \(mean)")

        if Tool.available("djpeg") {
            let run = try Tool.run("djpeg", ["-pnm", path])
            #expect(run.status == 0, "djpeg: \(run.stderr)")
            let pnm = try #require(PNM.parse(run.stdout))
            #expect(pnm.width == Pages.width && pnm.height == Pages.height && pnm.channels == layout.channels)
            #expect(pnm.pixels == decoded.bitmap.bytes, "our decode differs from djpeg's")
        }
    }

    @Test("JPEG density round-trips, unequal axes included", arguments: [Resolution(x: 200, y: 200), Resolution(x: 72, y: 144)])
    func jpegDensity(_ resolution: Resolution) throws {
        let scratch = try ScratchFolder("codec")
        let path = scratch.path("d.jpg")
        try JPEGEncoder.write(Pages.page(.gray8, resolution: resolution), to: path)
        let decoded = try ImageDecoder.decode(Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(decoded.info.resolution == resolution)
    }

    @Test("JPEGEncoder refuses layouts JPEG cannot hold", arguments: [PixelLayout.bilevel, .gray16, .rgba8, .rgb16, .cmyk8])
    func jpegRefusesLayouts(_ layout: PixelLayout) throws {
        let scratch = try ScratchFolder("codec")
        let error = #expect(throws: EncodeError.self) { try JPEGEncoder.write(Pages.page(layout), to: scratch.path("x.jpg")) }
        #expect(error?.message.isEmpty == false)
        #expect(!FileManager.default.fileExists(atPath: scratch.path("x.jpg")))
    }

    // MARK: PNG (written by the independent MiniPNG writer)

    @Test("PNG decode of every colour type matches the bitmap the PNG was made from")
    func pngDecode() throws {
        let w = Pages.width, h = Pages.height
        let gray = Pages.page(.gray8)
        let rgb = Pages.page(.rgb8)
        let gray16 = Pages.page(.gray16)
        let bilevel = Pages.page(.bilevel)
        let rgba16 = Pages.page(.rgba16)
        func rows(_ b: Bitmap, bigEndian16: Bool = false) -> [[UInt8]] {
            (0..<b.height).map { y in
                var row = Array(b[row: y])
                if bigEndian16 { for i in stride(from: 0, to: row.count, by: 2) { row.swapAt(i, i + 1) } }
                return row
            }
        }
        let cases: [(String, Data, Bitmap)] = [
            (
                "gray8", MiniPNG.encode(width: w, height: h, bitDepth: 8, colorType: 0, rows: rows(gray), pixelsPerMetre: 11_811),
                gray
            ),
            (
                "rgb8", MiniPNG.encode(width: w, height: h, bitDepth: 8, colorType: 2, rows: rows(rgb), pixelsPerMetre: 11_811),
                rgb
            ),
            (
                "gray16",
                MiniPNG.encode(
                    width: w, height: h, bitDepth: 16, colorType: 0, rows: rows(gray16, bigEndian16: true), pixelsPerMetre: 11_811
                ), gray16
            ),
            (
                "rgba16",
                MiniPNG.encode(
                    width: w, height: h, bitDepth: 16, colorType: 6, rows: rows(rgba16, bigEndian16: true), pixelsPerMetre: 11_811
                ), rgba16
            ),
            (
                "bilevel",
                MiniPNG.encode(width: w, height: h, bitDepth: 1, colorType: 0, rows: rows(bilevel), pixelsPerMetre: 11_811),
                bilevel
            ),
        ]
        for (name, data, expected) in cases {
            let decoded = try ImageDecoder.decode(data)
            #expect(decoded.bitmap.layout == expected.layout, "\(name)")
            #expect(decoded.bitmap.bytes == expected.bytes, "\(name): pixels differ")
            // 11,811 pixels per metre is 299.9994 dpi.
            #expect(decoded.info.resolution?.effectiveDPI == 300, "\(name)")
        }
    }

    @Test("PNG palette images expand to RGB")
    func pngPalette() throws {
        let palette: [UInt8] = [0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255]
        let rows: [[UInt8]] = (0..<4).map { y in (0..<8).map { x in UInt8((x + y) % 4) } }
        let data = MiniPNG.encode(width: 8, height: 4, bitDepth: 8, colorType: 3, rows: rows, palette: palette)
        let decoded = try ImageDecoder.decode(data)
        #expect(decoded.info.colorType == .palette)
        #expect(decoded.bitmap.layout == .rgb8)
        for y in 0..<4 {
            for x in 0..<8 {
                let index = (x + y) % 4
                for c in 0..<3 {
                    #expect(decoded.bitmap.sample(x: x, y: y, channel: c) == Int(palette[index * 3 + c]))
                }
            }
        }
    }

    // MARK: Damaged, mislabelled and empty input

    /// One valid file of each format, made here.
    private func samples() throws -> [(ImageFormat, Data)] {
        let scratch = try ScratchFolder("codec")
        try TIFFEncoder.write(Pages.page(.gray8), to: scratch.path("t.tif"), options: .init(compression: .lzw))
        try JPEGEncoder.write(Pages.page(.rgb8), to: scratch.path("j.jpg"))
        let gray = Pages.page(.gray8)
        let png = MiniPNG.encode(
            width: gray.width, height: gray.height, bitDepth: 8, colorType: 0,
            rows: (0..<gray.height).map { Array(gray[row: $0]) })
        return [
            (.tiff, try Data(contentsOf: URL(fileURLWithPath: scratch.path("t.tif")))),
            (.jpeg, try Data(contentsOf: URL(fileURLWithPath: scratch.path("j.jpg")))),
            (.png, png),
        ]
    }

    /// A little-endian baseline TIFF with its directory first and its uncompressed strip after, so a cut
    /// keeps the directory and loses pixels.
    private func directoryFirstTIFF(width: Int, height: Int) -> Data {
        var b = [UInt8]()
        func u16(_ v: Int) { b += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func u32(_ v: Int) { u16(v & 0xFFFF); u16(v >> 16) }
        b += [0x49, 0x49, 0x2A, 0x00]; u32(8)
        let entries: [(Int, Int, Int)] = [
            (256, 3, width), (257, 3, height), (258, 3, 8), (259, 3, 1), (262, 3, 1),
            (273, 4, 8 + 2 + 9 * 12 + 4), (277, 3, 1), (278, 3, height), (279, 4, width * height),
        ]
        u16(entries.count)
        for (tag, type, value) in entries {
            u16(tag); u16(type); u32(1)
            if type == 3 { u16(value); u16(0) } else { u32(value) }
        }
        u32(0)
        b += (0..<(width * height)).map { UInt8(truncatingIfNeeded: $0) }
        return Data(b)
    }

    @Test("A TIFF with its directory first decodes whole, and throws .corrupt when cut")
    func directoryFirstTruncated() throws {
        let whole = directoryFirstTIFF(width: 64, height: 48)
        let decoded = try ImageDecoder.decode(whole)
        #expect(decoded.bitmap.bytes == (0..<(64 * 48)).map { UInt8(truncatingIfNeeded: $0) })
        let cut = whole.prefix(whole.count / 2)
        let result = try #require(guardedDecode(Data(cut)))
        guard case .failure(.corrupt(let detail)) = result else {
            Issue.record("a TIFF cut inside its strip gave \(result)")
            return
        }
        #expect(!detail.isEmpty)
    }

    @Test(
        "Damaged compressed strip data is caught",
        arguments: [
            (PixelLayout.bilevel, TIFFEncoder.Compression.g4),
            (.gray8, .lzw), (.gray8, .deflate),
        ])
    func damagedStrip(_ layout: PixelLayout, _ compression: TIFFEncoder.Compression) throws {
        let scratch = try ScratchFolder("codec")
        let path = scratch.path("d.tif")
        try TIFFEncoder.write(Pages.page(layout), to: path, options: .init(compression: compression, predictor: false))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // libtiff writes the strip right after the header and the directory after the strip.
        let directory = Int(bytes[4]) | Int(bytes[5]) << 8 | Int(bytes[6]) << 16 | Int(bytes[7]) << 24
        let middle = (8 + directory) / 2
        for i in middle..<(middle + 16) { bytes[i] ^= 0xA5 }
        let result = try #require(guardedDecode(Data(bytes)))
        guard case .failure(.corrupt(let detail)) = result else {
            Issue.record("\(compression) strip with 16 damaged bytes gave \(result)")
            return
        }
        #expect(!detail.isEmpty)
    }

    @Test("Copies cut at 50% throw .corrupt with a message")
    func truncated() throws {
        for (format, data) in try samples() {
            let cut = Data(data.prefix(data.count / 2))
            let result = try #require(guardedDecode(cut), "\(format): decoder did not finish")
            guard case .failure(.corrupt(let detail)) = result else {
                Issue.record("\(format) cut at 50% gave \(result)")
                continue
            }
            #expect(!detail.isEmpty, "\(format)")
            #expect(!DecodeError.corrupt(detail).message.isEmpty)
        }
    }

    @Test("Every prefix of a small file is refused or decoded, never a crash")
    func everyPrefix() throws {
        for (format, data) in try samples() {
            let step = max(1, data.count / 97)
            for length in stride(from: 0, to: data.count, by: step) {
                let result = try #require(
                    guardedDecode(Data(data.prefix(length)), as: format, seconds: 10),
                    "\(format) cut at \(length) hung")
                if case .failure(let error) = result { #expect(!error.message.isEmpty) }
                if case .success = result {
                    Issue.record("\(format) cut at \(length) of \(data.count) bytes decoded as if whole")
                }
            }
        }
    }

    @Test("Bytes decoded as a format they are not throw, not crash")
    func lyingInput() throws {
        for (actual, data) in try samples() {
            for claimed in ImageFormat.allCases where claimed != actual {
                let result = try #require(guardedDecode(data, as: claimed), "\(actual) as \(claimed) hung")
                guard case .failure(let error) = result else {
                    Issue.record("\(actual) bytes decoded as \(claimed)")
                    continue
                }
                #expect(error.code == "corrupt", "\(actual) as \(claimed): \(error)")
                #expect(!error.message.isEmpty)
            }
            // Sniffing is by content, so the honest call still works.
            #expect(ImageFormat.sniff(data.prefix(8)) == actual)
            #expect(throws: Never.self) { try ImageDecoder.decode(data) }
        }
    }

    @Test("Zero-length and signature-only data throw")
    func emptyData() throws {
        #expect(throws: DecodeError.unrecognizedFormat) { try ImageDecoder.decode(Data()) }
        for format in ImageFormat.allCases {
            #expect(throws: DecodeError.corrupt("file is empty")) { try ImageDecoder.decode(Data(), as: format) }
        }
        let signatures: [[UInt8]] = [
            [0x49, 0x49, 0x2A, 0x00], [0x4D, 0x4D, 0x00, 0x2A], [0x49, 0x49, 0x2B, 0x00],
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], [0xFF, 0xD8, 0xFF],
        ]
        for signature in signatures {
            let result = try #require(guardedDecode(Data(signature)))
            guard case .failure(let error) = result else {
                Issue.record("signature \(signature) alone decoded")
                continue
            }
            #expect(error.code == "corrupt", "\(signature): \(error)")
        }
        #expect(throws: DecodeError.unrecognizedFormat) { try ImageDecoder.decode(Data("GIF89a".utf8)) }
    }

    @Test("Data slices that do not start at index 0 decode")
    func dataSlice() throws {
        for (format, data) in try samples() {
            let padded = Data([1, 2, 3, 4, 5]) + data
            let slice = padded[5...]
            #expect(slice.startIndex == 5)
            let decoded = try ImageDecoder.decode(slice)
            #expect(decoded.info.format == format)
        }
    }

    @Test("Pixel limit is checked before decoding")
    func pixelLimit() throws {
        for (format, data) in try samples() {
            #expect(throws: DecodeError.tooLarge(width: Pages.width, height: Pages.height, limit: 1_000), "\(format)") {
                try ImageDecoder.decode(data, options: DecodeOptions(maxPixels: 1_000))
            }
        }
    }
}
