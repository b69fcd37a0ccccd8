public import Raster
import QuireCore

/// Tells blank pages (and blank backs of pages) from pages that carry marks, ignoring scanner dust.
///
/// Method, on the image converted to gray:
/// 1. Inspect only the area inside a margin (default 5% of each side).
/// 2. Paper level = the median gray of that area; ink = pixels at least `inkContrast` (64) levels darker.
/// 3. Group ink pixels into 8-connected marks (run-length union–find). Marks whose bounding box is under
///    `minimumMarkSize` (1 mm) on both sides are specks of dust and are dropped.
/// 4. Divide the area into square cells (`cellSize`, 2 mm) and count the cells any remaining mark touches.
///    `inkFraction` = touched cells / all cells; the page is blank when it is below the threshold
///    (default 0.001, about 13 cells of 2 mm on an A4 page: a word or two of text).
///
/// Millimetres come from the bitmap's resolution, or, without one, from assuming the long side is A4's
/// 297 mm. Run `BorderCrop` first if dark borders may reach past the margin. Show-through from the back of
/// thin paper darker than the contrast limit counts as ink.
///
/// ```swift
/// let result = BlankPageDetector.analyse(page)
/// if result.isBlank { flagForReview(page) }
/// ```
public enum BlankPageDetector {
    /// Analyses `image` (any layout) with the default criteria and the given ink-fraction threshold.
    public static func analyse(_ image: Bitmap, inkFraction: Double) -> BlankAnalysis {
        analyse(image, criteria: BlankPageCriteria(inkFraction: inkFraction))
    }

    /// Analyses `image` (any layout).
    public static func analyse(_ image: Bitmap, criteria: BlankPageCriteria = BlankPageCriteria()) -> BlankAnalysis {
        let gray = ColorConversion.toGray8(image)
        let w = gray.width, h = gray.height
        let mx = Int(Double(w) * criteria.margin), my = Int(Double(h) * criteria.margin)
        let iw = w - 2 * mx, ih = h - 2 * my
        guard iw > 0, ih > 0 else {
            return BlankAnalysis(isBlank: true, inkFraction: 0, inkPixelFraction: 0, markCount: 0, speckCount: 0)
        }
        let density = gray.densityOrA4Guess
        let minimumX = max(2, Int((criteria.minimumMarkSize * density.x / 25.4).rounded()))
        let minimumY = max(2, Int((criteria.minimumMarkSize * density.y / 25.4).rounded()))
        let cellW = max(1, Int((criteria.cellSize * density.x / 25.4).rounded()))
        let cellH = max(1, Int((criteria.cellSize * density.y / 25.4).rounded()))

        // Paper level and ink limit.
        var counts = ByteHistogram()
        gray.withBase { src in
            guard let src else { return }
            for y in my..<(my + ih) { counts.add(src + y * w + mx, count: iw) }
        }
        let histogram = counts.counts
        var seen = 0, paper = 255
        for v in 0..<256 {
            seen += histogram[v]
            if 2 * seen >= iw * ih { paper = v; break }
        }
        let limit = paper - criteria.inkContrast
        var runs = InkRuns()
        if limit >= 0 {
            gray.withBase { src in
                guard let src else { return }
                runs.collect(src, stride: w, x0: mx, y0: my, width: iw, height: ih, limit: UInt8(limit))
            }
        }
        let components = runs.components()

        // Keep marks, drop specks; mark the cells the kept runs touch.
        var keep = [Bool](repeating: false, count: components.count)
        var marks = 0
        for (i, c) in components.enumerated() where c.maxX - c.minX + 1 >= minimumX || c.maxY - c.minY + 1 >= minimumY {
            keep[i] = true
            marks += 1
        }
        let cellsX = (iw + cellW - 1) / cellW, cellsY = (ih + cellH - 1) / cellH
        var cells = [Bool](repeating: false, count: cellsX * cellsY)
        var inkPixels = 0, touched = 0
        for r in 0..<runs.count where keep[runs.label[r]] {
            let y = Int(runs.y[r]), x0 = Int(runs.x0[r]), x1 = Int(runs.x1[r])
            inkPixels += x1 - x0 + 1
            let base = (y / cellH) * cellsX
            for cx in (x0 / cellW)...(x1 / cellW) where !cells[base + cx] {
                cells[base + cx] = true
                touched += 1
            }
        }
        let fraction = Double(touched) / Double(cellsX * cellsY)
        return BlankAnalysis(
            isBlank: fraction < criteria.inkFraction, inkFraction: fraction,
            inkPixelFraction: Double(inkPixels) / Double(iw * ih),
            markCount: marks, speckCount: components.count - marks)
    }
}
