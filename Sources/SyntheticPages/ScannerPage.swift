import QuireCore
import Foundation
import QuireCore
public import ImageCodecs
public import Raster

/// Pages as a document scanner delivers them: the model behind `quire bench run --pages-kind realistic`.
///
/// An A4 page at 300 dpi (2480 × 3508) carries what a real scan carries and what the simple
/// `SyntheticPage` lacks, because every one of these costs a compressor, a resampler or an analysis time:
///
/// - **paper texture**: a smooth random field (6 px cells, bilinear) of ±6 levels over the paper tone;
/// - **uneven illumination**: a vignette (up to ~11% darker in the corners) and a linear gradient across
///   the page (~5%);
/// - **sensor noise**: near-Gaussian, independent per pixel and per channel (σ ≈ 2.3 levels);
/// - **skew**: the content is turned by ±0.5–2° (chosen by the seed; `Page.skewDegrees`), sampled
///   bilinearly, so stroke edges are anti-aliased as an optical scan's are;
/// - **text**: a heading, lines of glyph-sized clusters of horizontal, vertical and diagonal strokes,
///   paragraph breaks, a signature block and a page number; about one line in four in **faded ink**
///   (lighter; brown in colour);
/// - **colour**: a red 红头 rule under the heading and a red seal (a ring with characters round it and a star,
///   stamp ink uneven) over the signature block.
///
/// Bitonal pages are the gray page thresholded at 128, as a scanner's bitonal mode does. Kinds and the files
/// they become (`encode(_:as:)`): `.gray` 8-bit uncompressed TIFF (~8.7 MB), `.colour` 24-bit uncompressed TIFF
/// (~26 MB), `.bitonal` CCITT G4 TIFF, `.jpeg` colour baseline JPEG, quality 88, 4:2:0 (libjpeg's default
/// sampling). The same seed always gives the same bytes. Drawing an A4 page takes a few tenths of a second in a
/// release build.
///
/// ```swift
/// let page = ScannerPage.make(.colour, seed: 3)        // 2480 × 3508 rgb8, skewed by page.skewDegrees
/// let file = try ScannerPage.encode(page.bitmap, as: .colour)
/// ```
public enum ScannerPage {
    /// What a scanner delivers: the page type of a benchmark row.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        /// 8-bit gray, uncompressed TIFF.
        case gray
        /// 24-bit RGB, uncompressed TIFF, with a red seal and faded ink.
        case colour
        /// The gray page thresholded, CCITT G4 TIFF.
        case bitonal
        /// A colour page as the scanner's JPEG, quality 88, 4:2:0.
        case jpeg

        /// The file extension of the delivered file.
        public var fileExtension: String { self == .jpeg ? "jpg" : "tif" }
    }

    /// A generated page and the skew put into it.
    public struct Page: Sendable {
        /// The pixels: `.gray8`, `.rgb8` (colour and JPEG) or `.bilevel`.
        public var bitmap: Bitmap
        /// How far the content is turned, in degrees, in `SkewMeasurement`'s convention (counter-clockwise
        /// positive): `Rotator.rotate(page, degrees: -skewDegrees)` straightens it.
        public var skewDegrees: Double
    }

    /// JPEG quality of `.jpeg` pages (scanners' "high" setting).
    public static let jpegQuality = 88

    /// An A4 page (210 × 297 mm) at `dpi`.
    public static func make(_ kind: Kind, seed: UInt64, dpi: Int = 300) -> Page {
        let width = Int((210.0 / 25.4 * Double(dpi)).rounded())
        let height = Int((297.0 / 25.4 * Double(dpi)).rounded())
        return make(kind, width: width, height: height, dpi: dpi, seed: seed)
    }

    /// The skew a page of `seed` gets: 0.5–2° either way.
    public static func skew(seed: UInt64) -> Double {
        var rng = SplitMix(seed: seed &* 0x2545_F491_4F6C_DD1D ^ 0x5CA1_AB1E)
        let magnitude = 0.5 + 1.5 * Double(rng.next() % 10_001) / 10_000
        let degrees = rng.next() & 1 == 0 ? magnitude : -magnitude
        return (degrees * 1000).rounded() / 1000
    }

    /// A page of any size (`dpi` scales strokes, glyphs and the seal).
    public static func make(_ kind: Kind, width: Int, height: Int, dpi: Int, seed: UInt64) -> Page {
        precondition(width >= 64 && height >= 64 && dpi >= 50, "page too small to draw")
        let colour = kind == .colour || kind == .jpeg
        let degrees = skew(seed: seed)
        var rng = SplitMix(seed: seed ^ 0x51CA_77E2_0000_0000)
        let layers = drawLayers(
            width: width, height: height, dpi: dpi, colour: colour,
            seal: kind == .colour || (kind == .jpeg && seed & 1 == 1), rng: &rng)
        let resolution = Resolution(x: Double(dpi), y: Double(dpi))
        let gray = compose(layers, width: width, height: height, colour: colour, degrees: degrees, rng: &rng)
        var bitmap = Bitmap(width: width, height: height, layout: colour ? .rgb8 : .gray8, bytes: gray, resolution: resolution)
        if kind == .bitonal { bitmap = threshold(bitmap, at: 128) }
        return Page(bitmap: bitmap, skewDegrees: degrees)
    }

    /// The page as the file a scanner writes for `kind` (see the type's documentation).
    public static func encode(_ bitmap: Bitmap, as kind: Kind, name: String = "page") throws(EncodeError) -> [UInt8] {
        let scanner = (make: "Fujitsu", model: "fi-7160")
        switch kind {
        case .gray, .colour:
            return try TIFFEncoder.encode(
                bitmap,
                options: .init(
                    compression: .none, predictor: false, make: scanner.make,
                    model: scanner.model, rowsPerStrip: 64), name: name)
        case .bitonal:
            return try TIFFEncoder.encode(
                bitmap, options: .init(compression: .g4, make: scanner.make, model: scanner.model), name: name)
        case .jpeg:
            return try JPEGEncoder.encode(bitmap, options: .init(quality: jpegQuality), name: name)
        }
    }

    // MARK: Drawing

    /// Ink drawn in the page's own (unturned) frame: coverage 0…255 per pixel, the ink tone of each row
    /// (0 black, 1 faded), and the seal's coverage in its box.
    struct Layers {
        var ink: [UInt8]
        var tone: [UInt8]
        var red: [UInt8]
        var redBox: (x: Int, y: Int, size: Int)
        /// The red rule under the heading (colour pages).
        var rule: (y: Int, thickness: Int, x0: Int, x1: Int)?
    }

    static func drawLayers(width: Int, height: Int, dpi: Int, colour: Bool, seal: Bool, rng: inout SplitMix) -> Layers {
        var ink = [UInt8](repeating: 0, count: width * height)
        var tone = [UInt8](repeating: 0, count: height)
        let margin = width * 3 / 25  // ~25 mm
        let glyph = max(5, dpi / 10)  // ~2.5 mm body text
        let lineHeight = glyph * 19 / 10
        let stroke = max(1, dpi / 90)
        var redRule: (y: Int, thickness: Int)?

        ink.withUnsafeMutableBufferPointer { buffer in
            let canvas = Canvas(pixels: buffer.baseAddress!, width: width, height: height)
            // Heading: larger glyphs, centred; for colour a red rule under it (a 红头 letterhead).
            let headGlyph = glyph * 16 / 10
            let headCount = 6 + Int(rng.next() % 8)
            let headWidth = headCount * (headGlyph + headGlyph / 5)
            var y = margin
            var x = (width - headWidth) / 2
            for _ in 0..<headCount {
                drawGlyph(canvas, x: x, y: y, size: headGlyph, stroke: stroke + 1, coverage: 255, rng: &rng)
                x += headGlyph + headGlyph / 5
            }
            y += headGlyph + lineHeight / 2
            redRule = (y, max(2, dpi / 60))
            y += lineHeight

            // Body: lines of words; paragraphs start indented, a fourth of the lines are faded.
            let signatureTop = height - margin - 5 * lineHeight
            var indent = true
            while y + glyph < signatureTop {
                let faded = rng.next() % 4 == 0
                let coverage: UInt8 = faded ? 150 : 255
                if faded { for row in max(0, y - glyph / 2)..<min(height, y + glyph + glyph / 2) { tone[row] = 1 } }
                var x = margin + (indent ? 2 * (glyph + glyph / 6) : 0)
                let lineEnd = width - margin - (rng.next() % 6 == 0 ? Int(rng.next() % UInt64(width / 3)) : 0)
                while x + glyph < lineEnd {
                    drawGlyph(canvas, x: x, y: y, size: glyph, stroke: stroke, coverage: coverage, rng: &rng)
                    x += glyph + glyph / 6
                    if rng.next() % 7 == 0 { x += glyph / 2 }  // punctuation gap
                }
                indent = rng.next() % 6 == 0
                y += lineHeight
                if indent { y += lineHeight / 2 }
            }
            // Signature block (right) and page number (centre, bottom).
            var sx = width - margin - 10 * glyph
            for _ in 0..<8 {
                drawGlyph(canvas, x: sx, y: signatureTop + lineHeight, size: glyph, stroke: stroke, coverage: 255, rng: &rng)
                sx += glyph + glyph / 6
            }
            sx = width - margin - 12 * glyph
            for _ in 0..<10 {
                drawGlyph(canvas, x: sx, y: signatureTop + 2 * lineHeight, size: glyph, stroke: stroke, coverage: 255, rng: &rng)
                sx += glyph + glyph / 6
            }
            for i in 0..<3 {
                drawGlyph(
                    canvas, x: width / 2 - glyph * 3 / 2 + i * glyph, y: height - margin / 2, size: glyph * 3 / 4,
                    stroke: stroke, coverage: 255, rng: &rng)
            }
        }

        // Red: the rule and the seal, in their own layer (a box over the signature block, and the rule).
        var red: [UInt8] = []
        var box = (x: 0, y: 0, size: 0)
        if colour {
            let radius = dpi * 7 / 10
            box = (x: width - margin - 8 * glyph - radius, y: height - margin - 5 * lineHeight - radius / 2, size: 2 * radius + 2)
            box.x = max(0, min(width - box.size, box.x))
            box.y = max(0, min(height - box.size, box.y))
            red = [UInt8](repeating: 0, count: box.size * box.size)
            if seal { drawSeal(&red, size: box.size, radius: radius, dpi: dpi, rng: &rng) }
        }
        let rule = colour ? redRule.map { (y: $0.y, thickness: $0.thickness, x0: margin, x1: width - margin) } : nil
        return Layers(ink: ink, tone: tone, red: red, redBox: box, rule: rule)
    }

    /// Draws a glyph-sized cluster of 3–6 strokes (horizontal, vertical, diagonal) with its top left at (x, y).
    static func drawGlyph(_ canvas: Canvas, x: Int, y: Int, size: Int, stroke: Int, coverage: UInt8, rng: inout SplitMix) {
        let strokes = 3 + Int(rng.next() % 4)
        for _ in 0..<strokes {
            let r = rng.next()
            let a = Int(r & 0xFF) * size / 256, b = Int((r >> 8) & 0xFF) * size / 256
            let length = size / 3 + Int((r >> 16) & 0xFF) * (size * 2 / 3) / 256
            switch (r >> 24) % 5 {
            case 0, 1:
                canvas.fill(
                    x0: x + min(a, size - length), y0: y + b, x1: x + min(a, size - length) + length, y1: y + b + stroke, coverage
                )
            case 2, 3:
                canvas.fill(
                    x0: x + a, y0: y + min(b, size - length), x1: x + a + stroke, y1: y + min(b, size - length) + length, coverage
                )
            default:
                let down = (r >> 32) & 1 == 0
                let x0 = x + min(a, size - length), y0 = y + (down ? min(b, size - length) : max(b, length))
                for t in 0..<length {
                    let py = down ? y0 + t : y0 - t
                    canvas.fill(x0: x0 + t, y0: py, x1: x0 + t + stroke, y1: py + stroke, coverage)
                }
            }
        }
    }

    /// A seal: a ring, characters round its upper part, a five-pointed star, in uneven stamp ink.
    static func drawSeal(_ red: inout [UInt8], size: Int, radius: Int, dpi: Int, rng: inout SplitMix) {
        let centre = Double(size) / 2
        let ring = Double(max(3, dpi / 25))
        let outer = Double(radius), inner = outer - ring
        let star = outer * 0.28
        let glyphRing = (inner - ring - outer * 0.22, inner - ring)
        var blotches = [UInt8](repeating: 0, count: (size / 4 + 1) * (size / 4 + 1))
        for i in blotches.indices { blotches[i] = UInt8(150 + rng.next() % 106) }
        // Characters round the top: short radial and tangential strokes on the glyph ring, every ~17°.
        var marks: [(Double, Double)] = []
        for k in 0..<12 { marks.append((Double.pi * (1.05 + Double(k) * 0.9 / 11), Double(rng.next() % 1000) / 1000)) }
        red.withUnsafeMutableBufferPointer { out in
            for y in 0..<size {
                let dy = Double(y) - centre
                for x in 0..<size {
                    let dx = Double(x) - centre
                    let d = (dx * dx + dy * dy).squareRoot()
                    var inked = d <= outer && d >= inner
                    if !inked, d < glyphRing.1, d > glyphRing.0 {
                        let angle = atan2(dy, dx) + (dy < 0 ? 0 : 2 * Double.pi)
                        for (a, shape) in marks where abs(angle - a) < 0.11 {
                            let along = (angle - a) * d, across = d - (glyphRing.0 + glyphRing.1) / 2
                            inked =
                                abs(across) < ring * 0.6 && abs(along) < outer * 0.07
                                || abs(along) < ring * 0.6 && shape > 0.3
                                || abs(along + across) < ring * 0.5 && shape > 0.6
                        }
                    }
                    if !inked, d < star {
                        // A five-pointed star: radius varies with the angle between points.
                        let angle = atan2(dy, dx) + Double.pi / 2
                        let phase = abs((angle * 5 / (2 * Double.pi)).truncatingRemainder(dividingBy: 1) - 0.5) * 2
                        inked = d < star * (0.38 + 0.62 * phase * phase)
                    }
                    if inked { out[y * size + x] = blotches[(y / 4) * (size / 4 + 1) + x / 4] }
                }
            }
        }
    }

    // MARK: Composing

    /// The page's samples: paper tone × illumination + texture, ink and seal over it, turned by `degrees`,
    /// with sensor noise.
    static func compose(_ layers: Layers, width: Int, height: Int, colour: Bool, degrees: Double, rng: inout SplitMix) -> [UInt8]
    {
        let channels = colour ? 3 : 1
        // Illumination (Q8 darkening): vignette plus a gradient falling to the right and down.
        let columnShade = (0..<width).map { x -> Int32 in
            let n = Double(x) / Double(width - 1) - 0.5
            return Int32((256 * (0.09 * n * n * 4 * 0.5 + 0.05 * (n + 0.5))).rounded())
        }
        let rowShade = (0..<height).map { y -> Int32 in
            let n = Double(y) / Double(height - 1) - 0.5
            return Int32((256 * (0.09 * n * n * 4 * 0.5 + 0.02 * (n + 0.5))).rounded())
        }
        // Paper texture: random levels on a 6 px grid, interpolated.
        let cell = 6
        let gridW = width / cell + 2, gridH = height / cell + 2
        var grid = [Int32](repeating: 0, count: gridW * gridH)
        for i in grid.indices { grid[i] = Int32(rng.next() % 13) - 6 }
        let paper: [Int32] = colour ? [238, 232, 216] : [232]
        let inkTone: [[Int32]] = colour ? [[38, 40, 58], [128, 100, 78]] : [[34], [34]]
        let sealTone: [Int32] = [196, 40, 44]

        // Output (x, y) samples the unturned layers at (u, v), turned by −degrees: the content shows turned by
        // +degrees (counter-clockwise positive, as SkewDetector measures).
        let radians = -degrees * Double.pi / 180
        let c = cos(radians), s = sin(radians)
        let cx = Double(width - 1) / 2, cy = Double(height - 1) / 2
        let du = Int((c * 65536).rounded()), dv = Int((-s * 65536).rounded())
        var out = [UInt8](repeating: 0, count: width * height * channels)
        var texture = [Int32](repeating: 0, count: gridW)
        let box = layers.redBox, rule = layers.rule
        var noiseBits: UInt64 = 0, noiseLeft = 0

        layers.ink.withUnsafeBufferPointer { inkBuffer in
            layers.red.withUnsafeBufferPointer { redBuffer in
                out.withUnsafeMutableBufferPointer { outBuffer in
                    let ink = inkBuffer.baseAddress!, dst = outBuffer.baseAddress!
                    let red = redBuffer.baseAddress
                    for y in 0..<height {
                        let gy = y / cell, fy = Int32(y % cell)
                        for gx in 0..<gridW {
                            texture[gx] = (grid[gy * gridW + gx] * (Int32(cell) - fy) + grid[(gy + 1) * gridW + gx] * fy)
                        }
                        let dy = Double(y) - cy
                        var u = Int(((c * -cx + s * dy + cx) * 65536).rounded())
                        var v = Int(((-s * -cx + c * dy + cy) * 65536).rounded())
                        let rowLight = 256 - rowShade[y]
                        for x in 0..<width {
                            let iu = u >> 16, iv = v >> 16
                            var coverage: Int32 = 0, sealCoverage: Int32 = 0, toneIndex = 0
                            if iu >= 0 && iu < width - 1 && iv >= 0 && iv < height - 1 {
                                let p = ink + iv * width + iu
                                let a = Int32(p[0]), b = Int32(p[1]), c0 = Int32(p[width]), d = Int32(p[width + 1])
                                if a | b | c0 | d != 0 {
                                    let fu = Int32((u >> 8) & 0xFF), fv = Int32((v >> 8) & 0xFF)
                                    let top = a * 256 + (b - a) * fu, bottom = c0 * 256 + (d - c0) * fu
                                    coverage = (top * 256 + (bottom - top) * fv) >> 16
                                }
                                toneIndex = Int(layers.tone[iv])
                                if let red {
                                    let ru = iu - box.x, rv = iv - box.y
                                    if ru >= 0 && rv >= 0 && ru < box.size && rv < box.size {
                                        sealCoverage = Int32(red[rv * box.size + ru])
                                    }
                                }
                                if let rule, iv >= rule.y, iv < rule.y + rule.thickness, iu >= rule.x0, iu < rule.x1 {
                                    sealCoverage = 235
                                }
                            }
                            let gx = x / cell, fx = Int32(x % cell)
                            let grain = (texture[gx] * (Int32(cell) - fx) + texture[gx + 1] * fx) / Int32(cell * cell)
                            let light = rowLight - columnShade[x]
                            for ch in 0..<channels {
                                var value = (paper[ch] * light) >> 8 + grain
                                if coverage != 0 { value -= (coverage * (value - inkTone[toneIndex][ch]) + 128) >> 8 }
                                if sealCoverage != 0 { value -= (sealCoverage * (value - value * sealTone[ch] / 255) + 128) >> 8 }
                                if noiseLeft == 0 { noiseBits = rng.next(); noiseLeft = 4 }
                                let n = Int32(noiseBits & 0xFF) + Int32((noiseBits >> 8) & 0xFF) - 255
                                noiseBits >>= 16; noiseLeft -= 1
                                value += n >> 5
                                dst[(y * width + x) * channels + ch] = UInt8(clamping: value)
                            }
                            u += du
                            v += dv
                        }
                    }
                }
            }
        }
        return out
    }

    /// A bilevel page from a gray one: darker than `level` is black.
    static func threshold(_ gray: Bitmap, at level: UInt8) -> Bitmap {
        var page = Bitmap(width: gray.width, height: gray.height, layout: .bilevel, resolution: gray.resolution)
        let stride = page.bytesPerRow, width = gray.width
        gray.bytes.withUnsafeBufferPointer { src in
            page.bytes.withUnsafeMutableBufferPointer { out in
                for y in 0..<gray.height {
                    for byte in 0..<stride {
                        var bits: UInt8 = 0
                        for bit in 0..<8 {
                            let x = byte * 8 + bit
                            // 1 is white; row padding stays 0.
                            if x < width && src[y * width + x] >= level { bits |= 0x80 >> UInt8(bit) }
                        }
                        out[y * stride + byte] = bits
                    }
                }
            }
        }
        return page
    }
}

/// A page-sized coverage buffer to draw rectangles into (clipped to the page).
struct Canvas {
    let pixels: UnsafeMutablePointer<UInt8>
    let width: Int
    let height: Int

    /// Fills [x0, x1) × [y0, y1) with at least `coverage`.
    func fill(x0: Int, y0: Int, x1: Int, y1: Int, _ coverage: UInt8) {
        let xa = max(0, x0), xb = min(width, x1), ya = max(0, y0), yb = min(height, y1)
        guard xa < xb, ya < yb else { return }
        for y in ya..<yb {
            let row = pixels + y * width
            for x in xa..<xb where row[x] < coverage { row[x] = coverage }
        }
    }
}
