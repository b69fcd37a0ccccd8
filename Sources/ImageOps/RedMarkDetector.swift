public import Raster

/// Detects red letterheads (红头) and seals (印章): pages DA/T 31-2017 §9.3 requires to be kept in colour.
///
/// Every pixel is tested with `RedPixelRule` (default: R > 120, R − G > 60, R − B > 50 in 8-bit sRGB) and
/// the page has significant red when at least `significantFraction` (default 0.0005) of its pixels are red.
/// `.rgb8` and `.rgba8` (composited on white) are read directly; 16-bit and CMYK colour layouts are
/// converted to `.rgb8` first; gray and bilevel images have no red by definition.
///
/// ```swift
/// let red = RedMarkDetector.analyse(scan)
/// let mode = red.hasSignificantRed ? "colour" : "gray"
/// ```
public enum RedMarkDetector {
    /// Analyses `image` (any layout) under `rule`.
    public static func analyse(_ image: Bitmap, rule: RedPixelRule = RedPixelRule()) -> RedAnalysis {
        let source: Bitmap
        switch image.layout {
        case .bilevel, .gray8, .gray16, .grayAlpha8, .grayAlpha16:
            return RedAnalysis(redFraction: 0, redPixels: 0, hasSignificantRed: false)
        case .rgb8, .rgba8: source = image
        case .rgb16, .rgba16, .cmyk8: source = ColorConversion.toRGB8(image)
        }
        let w = source.width, h = source.height, stride = source.bytesPerRow
        let alpha = source.layout == .rgba8
        let minR = rule.minimumRed, minRG = rule.minimumRedOverGreen, minRB = rule.minimumRedOverBlue
        var count = 0
        source.withBase { src in
            guard let src else { return }
            for y in 0..<h {
                let row = src + y * stride
                var rowCount = 0
                if alpha {
                    for x in 0..<w {
                        let a = Int(row[4 * x + 3])
                        let r = ColorConversion.over8(Int(row[4 * x]), a)
                        let g = ColorConversion.over8(Int(row[4 * x + 1]), a)
                        let b = ColorConversion.over8(Int(row[4 * x + 2]), a)
                        if r > minR && r - g > minRG && r - b > minRB { rowCount += 1 }
                    }
                } else {
                    for x in 0..<w {
                        let r = Int(row[3 * x]), g = Int(row[3 * x + 1]), b = Int(row[3 * x + 2])
                        rowCount &+= (r > minR && r - g > minRG && r - b > minRB) ? 1 : 0
                    }
                }
                count += rowCount
            }
        }
        let fraction = w * h > 0 ? Double(count) / Double(w * h) : 0
        return RedAnalysis(
            redFraction: fraction, redPixels: count,
            hasSignificantRed: fraction >= rule.significantFraction && count > 0)
    }
}
