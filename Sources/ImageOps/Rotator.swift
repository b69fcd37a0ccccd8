import Foundation
public import Raster

/// Rotates an image about its centre by any angle, with bilinear interpolation, keeping its size.
///
/// Convention: positive `degrees` turn the content counter-clockwise as seen on screen, the same convention
/// as `SkewMeasurement.angle`, so `Rotator.rotate(page, degrees: -SkewDetector.measure(page).angle)`
/// straightens a page. Content pushed past the frame is lost; uncovered corners take the fill colour, and
/// pixels at the edge of the rotated content are blended with it.
///
/// Layouts: `.gray8` and `.rgb8` are rotated directly. Bilevel is rotated as gray and re-thresholded at 127,
/// giving bilevel. Other gray layouts give `.gray8`; other colour layouts give `.rgb8` (see
/// `ColorConversion`). Resolution is kept.
///
/// ```swift
/// let straight = Rotator.rotate(scan, degrees: -2.5)
/// let onWhite = Rotator.rotate(scan, degrees: 90, fill: .gray(255))
/// ```
public enum Rotator {
    /// The image turned by `degrees` (counter-clockwise positive) about its centre; same size as the input.
    public static func rotate(_ bitmap: Bitmap, degrees: Double, fill: FillColor = .estimatedPaper) -> Bitmap {
        switch bitmap.layout {
        case .gray8, .rgb8:
            return rotateEightBit(bitmap, degrees: degrees, fill: fill)
        case .bilevel:
            let gray = rotateEightBit(ColorConversion.toGray8(bitmap), degrees: degrees, fill: fill)
            return ColorConversion.binarize(gray, level: 127)
        case .gray16, .grayAlpha8, .grayAlpha16:
            return rotateEightBit(ColorConversion.toGray8(bitmap), degrees: degrees, fill: fill)
        case .rgb16, .rgba8, .rgba16, .cmyk8:
            return rotateEightBit(ColorConversion.toRGB8(bitmap), degrees: degrees, fill: fill)
        }
    }

    /// The fill colour as samples for a `.gray8` (one value) or `.rgb8` (three) image.
    static func fillSamples(_ bitmap: Bitmap, _ fill: FillColor) -> [Int] {
        let channels = bitmap.layout.channels
        switch fill {
        case .gray(let v):
            return [Int](repeating: Int(v), count: channels)
        case .rgb(let r, let g, let b):
            return channels == 1 ? [ColorConversion.luma(Int(r), Int(g), Int(b))] : [Int(r), Int(g), Int(b)]
        case .estimatedPaper:
            return frameMedian(bitmap)
        }
    }

    /// Per-channel median of the outer frame of a `.gray8` or `.rgb8` image.
    static func frameMedian(_ bitmap: Bitmap) -> [Int] {
        let w = bitmap.width, h = bitmap.height, channels = bitmap.layout.channels
        guard w > 0, h > 0 else { return [Int](repeating: 255, count: channels) }
        let band = max(1, min(w, h) / 100)
        var histograms = [[Int]](repeating: [Int](repeating: 0, count: 256), count: channels)
        var total = 0
        bitmap.withBase { src in
            guard let src else { return }
            for y in 0..<h {
                let row = src + y * w * channels
                let edgeRow = y < band || y >= h - band
                var x = 0
                while x < w {
                    for c in 0..<channels { histograms[c][Int(row[x * channels + c])] += 1 }
                    total += 1
                    // Inside the frame, jump from the left band to the right band.
                    x = (!edgeRow && x == band - 1) ? max(x + 1, w - band) : x + 1
                }
            }
        }
        return histograms.map { histogram in
            var seen = 0
            for v in 0..<256 {
                seen += histogram[v]
                if 2 * seen >= total { return v }
            }
            return 255
        }
    }

    static func rotateEightBit(_ bitmap: Bitmap, degrees: Double, fill: FillColor) -> Bitmap {
        let w = bitmap.width, h = bitmap.height, channels = bitmap.layout.channels
        let normalized = degrees.truncatingRemainder(dividingBy: 360)
        if normalized == 0 || w == 0 || h == 0 { return bitmap }
        let fillValues = fillSamples(bitmap, fill)
        let theta = degrees * .pi / 180
        let c = cos(theta), s = sin(theta)
        let cx = Double(w - 1) / 2, cy = Double(h - 1) / 2
        let one = 65536.0
        let stepX = Int((c * one).rounded()), stepY = Int((s * one).rounded())
        let rowSamples = w * channels

        return bitmap.withBase { src in
            Bitmap.build(width: w, height: h, layout: bitmap.layout, resolution: bitmap.resolution) { dst in
                guard let src else { return }
                fillValues.withUnsafeBufferPointer { fb in
                    let fillPointer = fb.baseAddress!
                    for oy in 0..<h {
                        // Source of output (ox, oy): x = cx + dx·cos − dy·sin, y = cy + dx·sin + dy·cos.
                        let dy = Double(oy) - cy
                        var fx = Int(((cx - cx * c - dy * s) * one).rounded())
                        var fy = Int(((cy - cx * s + dy * c) * one).rounded())
                        let d = dst + oy * rowSamples
                        for ox in 0..<w {
                            let x = fx >> 16, y = fy >> 16
                            let wx = (fx >> 8) & 0xFF, wy = (fy >> 8) & 0xFF
                            let out = d + ox * channels
                            if x >= 0 && y >= 0 && x < w - 1 && y < h - 1 {
                                let p = src + y * rowSamples + x * channels
                                for k in 0..<channels {
                                    let top = Int(p[k]) * (256 - wx) + Int(p[k + channels]) * wx
                                    let bottom = Int(p[k + rowSamples]) * (256 - wx)
                                        + Int(p[k + rowSamples + channels]) * wx
                                    out[k] = UInt8(truncatingIfNeeded: (top * (256 - wy) + bottom * wy + 32768) >> 16)
                                }
                            } else if x < -1 || y < -1 || x >= w || y >= h {
                                for k in 0..<channels { out[k] = UInt8(truncatingIfNeeded: fillPointer[k]) }
                            } else {
                                for k in 0..<channels {
                                    func at(_ xx: Int, _ yy: Int) -> Int {
                                        xx < 0 || yy < 0 || xx >= w || yy >= h
                                            ? fillPointer[k] : Int(src[yy * rowSamples + xx * channels + k])
                                    }
                                    let top = at(x, y) * (256 - wx) + at(x + 1, y) * wx
                                    let bottom = at(x, y + 1) * (256 - wx) + at(x + 1, y + 1) * wx
                                    out[k] = UInt8(truncatingIfNeeded: (top * (256 - wy) + bottom * wy + 32768) >> 16)
                                }
                            }
                            fx += stepX
                            fy += stepY
                        }
                    }
                }
            }
        }
    }
}
