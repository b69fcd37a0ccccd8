import QuireCore
public import Raster

/// Deterministic scanner-like test pages: paper tone, sensor noise, lines of word-shaped strokes.
///
/// Used by `quire bench` and by tests that need realistic pages without shipping large files. The same
/// seed always gives the same pixels.
///
/// ```swift
/// let page = SyntheticPage.make(.gray, dpi: 300, seed: 7)   // 2480 × 3508, 8-bit
/// ```
public enum SyntheticPage {
    /// The colour mode of a generated page.
    public enum Mode: String, Sendable, CaseIterable {
        case bitonal, gray, colour
    }

    /// An A4 page (210 × 297 mm) at `dpi`.
    public static func make(_ mode: Mode, dpi: Int = 300, seed: UInt64 = 1, redSeal: Bool = false) -> Bitmap {
        let width = Int((210.0 / 25.4 * Double(dpi)).rounded())
        let height = Int((297.0 / 25.4 * Double(dpi)).rounded())
        return make(mode, width: width, height: height, dpi: dpi, seed: seed, redSeal: redSeal)
    }

    /// A page of any size.
    public static func make(_ mode: Mode, width: Int, height: Int, dpi: Int, seed: UInt64, redSeal: Bool = false) -> Bitmap {
        var rng = SplitMix(seed: seed)
        // Ink coverage: one byte per pixel, 0 = paper, 255 = full ink.
        var ink = [UInt8](repeating: 0, count: width * height)
        let margin = width / 9
        let lineHeight = max(8, dpi / 6)
        let glyph = max(4, dpi / 12)
        var y = margin
        while y + glyph < height - margin {
            var x = margin + (y == margin ? width / 4 : 0)
            let lineEnd = width - margin - Int(rng.next() % UInt64(max(1, width / 5)))
            while x < lineEnd {
                let word = glyph * (1 + Int(rng.next() % 4))
                let end = min(x + word, lineEnd)
                // A word: a run of glyph boxes made of strokes.
                var gx = x
                while gx + glyph / 2 < end {
                    let strokes = 2 + Int(rng.next() % 3)
                    for s in 0..<strokes {
                        let horizontal = (rng.next() & 1) == 0
                        let thickness = max(1, dpi / 100)
                        let offset = (s * glyph) / strokes
                        if horizontal {
                            fill(&ink, width, x0: gx, y0: y + offset, x1: gx + glyph - 1, y1: y + offset + thickness)
                        } else {
                            fill(&ink, width, x0: gx + offset, y0: y, x1: gx + offset + thickness, y1: y + glyph - 1)
                        }
                    }
                    gx += glyph + glyph / 6
                }
                x = end + glyph / 2
            }
            y += lineHeight
            if rng.next() % 9 == 0 { y += lineHeight }  // paragraph break
        }

        let resolution = Resolution(x: Double(dpi), y: Double(dpi))
        switch mode {
        case .bitonal:
            var page = Bitmap(width: width, height: height, layout: .bilevel, resolution: resolution)
            let stride = page.bytesPerRow
            page.bytes.withUnsafeMutableBufferPointer { out in
                for i in out.indices { out[i] = 0xFF }
                for yy in 0..<height {
                    for xx in 0..<width where ink[yy * width + xx] > 127 {
                        out[yy * stride + xx >> 3] &= ~(0x80 >> UInt8(xx & 7))
                    }
                }
            }
            return page
        case .gray:
            var page = Bitmap(width: width, height: height, layout: .gray8, resolution: resolution)
            page.bytes.withUnsafeMutableBufferPointer { out in
                for i in 0..<(width * height) {
                    let noise = Int(rng.next() & 7) - 3
                    let paper = 236 + noise
                    let value = paper - (Int(ink[i]) * (paper - 28)) / 255
                    out[i] = UInt8(clamping: value)
                }
            }
            return page
        case .colour:
            var page = Bitmap(width: width, height: height, layout: .rgb8, resolution: resolution)
            let cx = width * 3 / 4, cy = height * 4 / 5, r = dpi * 2 / 3
            page.bytes.withUnsafeMutableBufferPointer { out in
                for yy in 0..<height {
                    for xx in 0..<width {
                        let i = yy * width + xx
                        let noise = Int(rng.next() & 7) - 3
                        var rgb = (240 + noise, 236 + noise, 226 + noise)
                        let k = Int(ink[i])
                        rgb = (rgb.0 - k * (rgb.0 - 30) / 255, rgb.1 - k * (rgb.1 - 30) / 255, rgb.2 - k * (rgb.2 - 34) / 255)
                        if redSeal {
                            let d2 = (xx - cx) * (xx - cx) + (yy - cy) * (yy - cy)
                            if d2 < r * r && d2 > (r - dpi / 25) * (r - dpi / 25) { rgb = (200, 30, 35) }
                        }
                        out[i * 3] = UInt8(clamping: rgb.0)
                        out[i * 3 + 1] = UInt8(clamping: rgb.1)
                        out[i * 3 + 2] = UInt8(clamping: rgb.2)
                    }
                }
            }
            return page
        }
    }

    private static func fill(_ ink: inout [UInt8], _ width: Int, x0: Int, y0: Int, x1: Int, y1: Int) {
        let height = ink.count / width
        for y in max(0, y0)...min(height - 1, max(y0, y1)) {
            for x in max(0, x0)...min(width - 1, max(x0, x1)) { ink[y * width + x] = 255 }
        }
    }
}
