import Foundation
public import Raster

/// Measures the skew of a text page by the projection-profile method.
///
/// The image is converted to gray, area-averaged down to about `workingWidth` pixels wide, and binarised
/// with Otsu's threshold; the ink pixels, less a 2% frame along the edges, become a point cloud. For a
/// candidate angle θ each point `(x, y)` (relative to the centre, y down) is projected onto the page's row
/// axis, `r = x·sin θ + y·cos θ`, and spread linearly over the two nearest histogram bins. The score is the
/// sum of squared bin counts, largest when text lines fall into few rows. The search is coarse (0.5° steps
/// over ±`maxAngle`, on a quarter of the points), then fine (0.05° steps over ±0.5° around the best, on
/// all points), then a parabola through the best fine step and its neighbours.
///
/// Run `BorderCrop` first: straight dark scanner borders pull the answer towards 0°.
///
/// ```swift
/// let skew = SkewDetector.measure(page)
/// if abs(skew.angle) > 0.1, skew.confidence > 0.3 {
///     page = Rotator.rotate(page, degrees: -skew.angle)
/// }
/// ```
public enum SkewDetector {
    /// Measures the skew of `image` (any layout) within ±`maxAngle` degrees.
    public static func measure(_ image: Bitmap, maxAngle: Double = 10, workingWidth: Int = 1000) -> SkewMeasurement {
        precondition(maxAngle > 0 && maxAngle < 45, "maxAngle must be in (0, 45)")
        let points = inkPoints(image, workingWidth: workingWidth)
        let count = points.x.count
        guard count >= 64 else { return SkewMeasurement(angle: 0, confidence: 0, inkPixels: count) }
        var profile = Profile(points: points)

        // Coarse: 0.5° steps on every fourth point.
        let steps = Int((maxAngle / 0.5).rounded(.down))
        var coarse = [Double]()
        var bestCoarse = 0.0, bestCoarseScore = -1.0
        for k in -steps...steps {
            let angle = Double(k) * 0.5
            let score = profile.score(degrees: angle, stride: 4)
            coarse.append(score)
            if score > bestCoarseScore { bestCoarseScore = score; bestCoarse = angle }
        }
        let median = coarse.sorted()[coarse.count / 2]
        let confidence = bestCoarseScore > 0 ? max(0, min(1, 1 - median / bestCoarseScore)) : 0

        // Fine: 0.05° steps over ±0.5° around the coarse best, then a parabola through the peak.
        var fine = [Double]()
        let fineStep = 0.05
        for k in -10...10 { fine.append(profile.score(degrees: bestCoarse + Double(k) * fineStep, stride: 1)) }
        var peak = 0
        for k in 1..<fine.count where fine[k] > fine[peak] { peak = k }
        var angle = bestCoarse + Double(peak - 10) * fineStep
        if peak > 0 && peak < fine.count - 1 {
            let a = fine[peak - 1], b = fine[peak], c = fine[peak + 1]
            let denominator = a - 2 * b + c
            if denominator < 0 {
                let shift = 0.5 * (a - c) / denominator
                angle += max(-0.5, min(0.5, shift)) * fineStep
            }
        }
        angle = max(-maxAngle, min(maxAngle, angle))
        return SkewMeasurement(angle: (angle * 1000).rounded() / 1000, confidence: confidence, inkPixels: count)
    }

    /// Ink pixels of the binarised working copy, as coordinates relative to its centre.
    static func inkPoints(_ image: Bitmap, workingWidth: Int) -> (x: [Float], y: [Float]) {
        var gray = ColorConversion.toGray8(image)
        if gray.width > workingWidth {
            let height = max(1, (2 * gray.height * workingWidth + gray.width) / (2 * gray.width))
            gray = Resampler.resize(gray, width: workingWidth, height: height)
        }
        let w = gray.width, h = gray.height
        guard w > 8, h > 8 else { return ([], []) }
        let level = ColorConversion.otsuThreshold(histogram: ColorConversion.histogram(gray))
        let frameX = max(1, w / 50), frameY = max(1, h / 50)
        let cx = Float(w - 1) / 2, cy = Float(h - 1) / 2
        var xs = [Float](), ys = [Float]()
        gray.withBase { src in
            guard let src else { return }
            for y in frameY..<(h - frameY) {
                let row = src + y * w
                for x in frameX..<(w - frameX) where row[x] <= level {
                    xs.append(Float(x) - cx)
                    ys.append(Float(y) - cy)
                }
            }
        }
        // A page that is mostly "ink" is a photo or an inverted scan: no text lines to measure.
        if xs.count > (w - 2 * frameX) * (h - 2 * frameY) / 2 { return ([], []) }
        return (xs, ys)
    }
}
