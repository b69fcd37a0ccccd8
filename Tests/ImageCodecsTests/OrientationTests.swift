// Page orientation: TIFFs with each Orientation tag value (1–8) and JPEGs with each EXIF Orientation, written
// by Python Pillow, decoded by Quire and compared pixel for pixel with Pillow's own answer: its transposes of
// the stored image (TIFF) and its decode plus `ImageOps.exif_transpose` (JPEG).
import Foundation
import ImageCodecs
import Raster
import QuireTestSupport
import Testing

/// The Pillow peer: writes the files and the expected display pixels into a scratch directory.
enum PillowOrientationFiles {
    /// Kinds of TIFF written for every orientation, with how their expected pixels are stored.
    static let tiffKinds = [
        "gray", "gray-lzw", "gray-tiled", "rgb", "rgb-tiled", "rgba", "gray16", "bilevel",
        "bilevel-g4", "palette",
    ]

    static let script = #"""
        import sys, random, subprocess
        from PIL import Image, ImageOps
        out = sys.argv[1]
        W, H = 37, 21  # asymmetric, odd, not a multiple of 8: every flip and turn differs, bilevel rows are padded
        METHOD = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
                  5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
                  8: Image.Transpose.ROTATE_90}
        def shown(im, o):
            return im if o == 1 else im.transpose(METHOD[o])
        def write(name, displayed):
            with open(f"{out}/{name}.raw", "wb") as f: f.write(displayed.tobytes())
            with open(f"{out}/{name}.size", "w") as f: f.write(f"{displayed.size[0]} {displayed.size[1]}")
        rnd = random.Random(7)
        def noise(mode, sample):
            im = Image.new(mode, (W, H)); im.putdata([sample() for _ in range(W * H)]); return im
        gray = noise("L", lambda: rnd.randrange(256))
        rgb = noise("RGB", lambda: tuple(rnd.randrange(256) for _ in range(3)))
        rgba = noise("RGBA", lambda: tuple(rnd.randrange(256) for _ in range(3)) + (rnd.randrange(1, 256),))
        gray16 = noise("I;16", lambda: rnd.randrange(65536))
        bilevel = noise("L", lambda: rnd.choice((0, 255))).convert("1")
        palette = noise("P", lambda: rnd.randrange(16))
        palette.putpalette([rnd.randrange(256) for _ in range(16 * 3)])
        for o in range(1, 9):
            tag = {274: o}
            gray.save(f"{out}/gray-{o}.tif", tiffinfo=tag); write(f"gray-{o}", shown(gray, o))
            gray.save(f"{out}/gray-lzw-{o}.tif", tiffinfo=tag, compression="tiff_lzw"); write(f"gray-lzw-{o}", shown(gray, o))
            subprocess.run(["tiffcp", "-t", "-w", "16", "-l", "16", f"{out}/gray-lzw-{o}.tif", f"{out}/gray-tiled-{o}.tif"], check=True)
            write(f"gray-tiled-{o}", shown(gray, o))
            rgb.save(f"{out}/rgb-{o}.tif", tiffinfo=tag); write(f"rgb-{o}", shown(rgb, o))
            subprocess.run(["tiffcp", "-t", "-w", "16", "-l", "16", f"{out}/rgb-{o}.tif", f"{out}/rgb-tiled-{o}.tif"], check=True)
            write(f"rgb-tiled-{o}", shown(rgb, o))
            rgba.save(f"{out}/rgba-{o}.tif", tiffinfo=tag); write(f"rgba-{o}", shown(rgba, o))
            gray16.save(f"{out}/gray16-{o}.tif", tiffinfo=tag); write(f"gray16-{o}", shown(gray16, o))
            bilevel.save(f"{out}/bilevel-{o}.tif", tiffinfo=tag); write(f"bilevel-{o}", shown(bilevel, o).convert("L"))
            bilevel.save(f"{out}/bilevel-g4-{o}.tif", tiffinfo=tag, compression="group4")
            write(f"bilevel-g4-{o}", shown(bilevel, o).convert("L"))
            palette.save(f"{out}/palette-{o}.tif", tiffinfo=tag); write(f"palette-{o}", shown(palette, o).convert("RGB"))
            # PNG with an eXIf chunk (written before the image data), gray, RGB and bilevel; pHYs 300 x 150 dpi.
            for kind, im in (("l", gray), ("rgb", rgb), ("1", bilevel)):
                exif = Image.Exif(); exif[0x0112] = o
                im.save(f"{out}/png-{kind}-{o}.png", exif=exif, dpi=(300, 150))
                write(f"png-{kind}-{o}", shown(im, o).convert("L") if kind == "1" else shown(im, o))
            # JPEG: flat 8 x 8 blocks (little coding loss), 4:4:4 chroma; the reference is Pillow's decode turned
            # upright by exif_transpose, and its decode as stored, to show a wrong turn would be caught.
            for mode in ("L", "RGB"):
                blocks = Image.new(mode, (6, 4))
                blocks.putdata([rnd.randrange(256) if mode == "L" else tuple(rnd.randrange(256) for _ in range(3)) for _ in range(24)])
                page = blocks.resize((48, 32), Image.Resampling.NEAREST)
                exif = Image.Exif(); exif[0x0112] = o
                name = f"jpeg-{mode.lower()}-{o}"
                page.save(f"{out}/{name}.jpg", exif=exif, quality=100, subsampling=0)
                decoded = Image.open(f"{out}/{name}.jpg"); decoded.load()
                write(name, ImageOps.exif_transpose(decoded))
                write(f"{name}-stored", decoded)
        # Resolution follows the turn: 300 dpi across, 150 down, stored lying on its side.
        gray.save(f"{out}/dpi-6.tif", tiffinfo={274: 6}, dpi=(300, 150))
        """#

    /// Runs the script once into a fresh directory shared by the tests; the error when python3 with Pillow or
    /// libtiff's tools are missing.
    static let directory: Result<ScratchFolder, any Error> = Result {
        guard Tool.available("env", "tiffcp", "tiffset") else { throw Tool.ToolMissing(name: "env, tiffcp or tiffset") }
        let dir = try ScratchFolder("codec")
        // The python3 on PATH (a pyenv or venv one may be the one with Pillow), not /usr/bin's.
        let run = try Tool.run("env", ["python3", "-c", script, dir.url.path])
        guard run.status == 0 else { throw PillowFailed(stderr: run.stderr) }
        return dir
    }

    struct PillowFailed: Error { var stderr: String }

    /// The expected display pixels written by the script, with their size.
    static func expected(_ name: String, in dir: ScratchFolder) throws -> (width: Int, height: Int, bytes: [UInt8]) {
        let size = try String(contentsOfFile: dir.path("\(name).size"), encoding: .utf8).split(separator: " ").map { Int($0)! }
        return (size[0], size[1], [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.path("\(name).raw")))))
    }
}

@Suite struct OrientationTests {
    static let orientations = Array(1...8)

    /// The bitmap's samples in the layout Pillow's `tobytes()` gives for the expected image: bilevel as 8-bit
    /// 0/255, a converted (RGBA-reader) palette image as RGB, every other layout as stored.
    static func comparable(_ bitmap: Bitmap, dropAlpha: Bool = false) -> [UInt8] {
        switch bitmap.layout {
        case .bilevel:
            var out = [UInt8]()
            for y in 0..<bitmap.height {
                for x in 0..<bitmap.width { out.append(bitmap.sample(x: x, y: y, channel: 0) == 1 ? 255 : 0) }
            }
            return out
        case .rgba8 where dropAlpha:
            var out = [UInt8]()
            for i in stride(from: 0, to: bitmap.bytes.count, by: 4) { out += bitmap.bytes[i..<(i + 3)] }
            return out
        default:
            return bitmap.bytes
        }
    }

    @Test(arguments: PillowOrientationFiles.tiffKinds, orientations)
    func tiffIsDecodedUpright(kind: String, orientation: Int) throws {
        let dir = try PillowOrientationFiles.directory.get()
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.path("\(kind)-\(orientation).tif")))
        let expected = try PillowOrientationFiles.expected("\(kind)-\(orientation)", in: dir)
        let image = try ImageDecoder.decode(data)

        #expect(image.info.orientation.rawValue == orientation)
        #expect((image.bitmap.width, image.bitmap.height) == (expected.width, expected.height))
        #expect((image.info.width, image.info.height) == (expected.width, expected.height))
        let layout: PixelLayout =
            switch kind {
            case "gray", "gray-lzw", "gray-tiled": .gray8
            case "rgb", "rgb-tiled": .rgb8
            case "rgba", "palette": .rgba8
            case "gray16": .gray16
            default: .bilevel
            }
        #expect(image.bitmap.layout == layout)
        #expect(image.converted == (kind == "palette"), "only the palette file goes through libtiff's RGBA reader")
        #expect(Self.comparable(image.bitmap, dropAlpha: kind == "palette") == expected.bytes)
        if image.bitmap.layout == .bilevel {
            var padded = image.bitmap
            padded.zeroRowPadding()
            #expect(padded.bytes == image.bitmap.bytes, "bilevel row padding stays 0 after the turn")
        }

        // The pixel-less check reports what the full decode reports.
        let checked = try ImageDecoder.check(data)
        #expect(checked == image.info)
    }

    /// The RGBA reader (palette file) and the exact path agree for every orientation: the palette file's stored
    /// pixels, written by Quire as exact RGB with the same Orientation tag (set by libtiff's `tiffset`), decode to
    /// the same upright image.
    @Test(arguments: orientations)
    func rgbaReaderAndExactPathAgree(orientation: Int) throws {
        let dir = try PillowOrientationFiles.directory.get()
        let converted = try ImageDecoder.decode(
            try Data(contentsOf: URL(fileURLWithPath: dir.path("palette-\(orientation).tif"))))
        #expect(converted.converted)
        // Every palette file stores the same pixels; the one tagged 1 shows them as stored.
        let stored = try ImageDecoder.decode(try Data(contentsOf: URL(fileURLWithPath: dir.path("palette-1.tif")))).bitmap
        let storedRGB = Bitmap(
            width: stored.width, height: stored.height, layout: .rgb8,
            bytes: Self.comparable(stored, dropAlpha: true), resolution: stored.resolution)
        let twinPath = dir.path("palette-as-rgb-\(orientation).tif")
        try TIFFEncoder.write(storedRGB, to: twinPath, options: .init(compression: .none))
        let set = try Tool.run("tiffset", ["-s", "274", "\(orientation)", twinPath])
        #expect(set.status == 0, "\(set.stderr)")
        let exact = try ImageDecoder.decode(try Data(contentsOf: URL(fileURLWithPath: twinPath)))
        #expect(!exact.converted && exact.info.orientation.rawValue == orientation)
        #expect((exact.info.width, exact.info.height) == (converted.info.width, converted.info.height))
        #expect(Self.comparable(converted.bitmap, dropAlpha: true) == exact.bitmap.bytes)
    }

    @Test(arguments: ["l", "rgb"], orientations)
    func jpegExifOrientationIsApplied(mode: String, orientation: Int) throws {
        let dir = try PillowOrientationFiles.directory.get()
        let name = "jpeg-\(mode)-\(orientation)"
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.path("\(name).jpg")))
        let expected = try PillowOrientationFiles.expected(name, in: dir)
        let stored = try PillowOrientationFiles.expected("\(name)-stored", in: dir)
        let image = try ImageDecoder.decode(data)

        #expect(image.info.orientation.rawValue == orientation)
        #expect((image.info.width, image.info.height) == (expected.width, expected.height))
        #expect((image.bitmap.width, image.bitmap.height) == (expected.width, expected.height))
        #expect(image.bitmap.layout == (mode == "l" ? .gray8 : .rgb8))
        // Two libjpeg builds may round an IDCT differently; the blocks are far apart, a turn is not.
        let difference = zip(image.bitmap.bytes, expected.bytes).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(image.bitmap.bytes.count == expected.bytes.count)
        #expect(difference <= 2, "largest sample difference from Pillow: \(difference)")
        if orientation != 1 && stored.width == expected.width {
            let asStored = zip(image.bitmap.bytes, stored.bytes).map { abs(Int($0) - Int($1)) }.max() ?? 0
            #expect(asStored > 40, "the stored image must differ from the upright one, or this test proves nothing")
        }
        #expect(try ImageDecoder.check(data) == image.info)
    }

    @Test(arguments: ["l", "rgb", "1"], orientations)
    func pngExifOrientationIsApplied(kind: String, orientation: Int) throws {
        let dir = try PillowOrientationFiles.directory.get()
        let name = "png-\(kind)-\(orientation)"
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.path("\(name).png")))
        let expected = try PillowOrientationFiles.expected(name, in: dir)
        let image = try ImageDecoder.decode(data)
        #expect(image.info.orientation.rawValue == orientation)
        #expect((image.info.width, image.info.height) == (expected.width, expected.height))
        #expect(Self.comparable(image.bitmap) == expected.bytes, "pixels differ from Pillow's transpose")
        // pHYs says 300 across and 150 down as stored; a quarter turn swaps them.
        let swaps = [5, 6, 7, 8].contains(orientation)
        let dpi = try #require(image.info.resolution)
        #expect((dpi.x.rounded(), dpi.y.rounded()) == (swaps ? (150, 300) : (300, 150)))
        #expect(try ImageDecoder.check(data) == image.info)
    }

    @Test func resolutionFollowsATurn() throws {
        let dir = try PillowOrientationFiles.directory.get()
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.path("dpi-6.tif")))
        let image = try ImageDecoder.decode(data)
        #expect(image.info.orientation == .rightTop)
        #expect(image.info.resolution == Resolution(x: 150, y: 300))
        #expect(image.bitmap.resolution == Resolution(x: 150, y: 300))
        #expect(try ImageDecoder.check(data).resolution == Resolution(x: 150, y: 300))
    }

    /// Orientation applied by hand to Quire's own bitmaps, every layout: each display pixel is the stored pixel
    /// the TIFF 6.0 definition names (first row/column → page side), written out here case by case.
    @Test(arguments: PixelLayout.allCases)
    func everyLayoutTurnsLosslessly(layout: PixelLayout) {
        let (w, h) = (11, 5)
        var stored = Bitmap(width: w, height: h, layout: layout, resolution: Resolution(x: 300, y: 200))
        for i in stored.bytes.indices { stored.bytes[i] = UInt8(truncatingIfNeeded: i &* 37 &+ 11) }
        stored.zeroRowPadding()
        for o in Orientation.allCases {
            let shown = stored.applyingOrientation(o)
            let turned = o.rawValue >= 5
            #expect((shown.width, shown.height) == (turned ? (h, w) : (w, h)))
            #expect(shown.resolution == (turned ? Resolution(x: 200, y: 300) : Resolution(x: 300, y: 200)))
            for y in 0..<shown.height {
                for x in 0..<shown.width {
                    // Where display pixel (x, y) comes from, from the tag's meaning rather than Orientation's code.
                    let (sx, sy): (Int, Int) =
                        switch o.rawValue {
                        case 1: (x, y)  // row 0 top, column 0 left
                        case 2: (w - 1 - x, y)  // row 0 top, column 0 right
                        case 3: (w - 1 - x, h - 1 - y)  // row 0 bottom, column 0 right
                        case 4: (x, h - 1 - y)  // row 0 bottom, column 0 left
                        case 5: (y, x)  // row 0 left, column 0 top
                        case 6: (y, h - 1 - x)  // row 0 right, column 0 top
                        case 7: (w - 1 - y, h - 1 - x)  // row 0 right, column 0 bottom
                        default: (w - 1 - y, x)  // row 0 left, column 0 bottom
                        }
                    for c in 0..<layout.channels {
                        if shown.sample(x: x, y: y, channel: c) != stored.sample(x: sx, y: sy, channel: c) {
                            Issue.record("\(layout) orientation \(o.rawValue): pixel (\(x), \(y)) channel \(c)")
                            return
                        }
                    }
                }
            }
            var padded = shown
            padded.zeroRowPadding()
            #expect(padded == shown)
        }
    }
}
