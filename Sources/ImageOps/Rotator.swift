import Foundation
public import Raster
import Synchronization

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

    /// A deskew's turn: `page` turned by `degrees` exactly as ``rotate(_:degrees:fill:)`` turns it, and the gray
    /// working copy of the turned page, given `gray`, the copy of the page before the turn (`ColorConversion.toGray8`
    /// of it, or the page itself when it is gray). One turn serves both when the copy holds the page's own samples
    /// (a gray8 page, or a bilevel page's 0/255 expansion, which `rotate` turns on its way); a colour page's copy is
    /// converted again from the turned page, which costs less than a second turn; otherwise (a copy that is not
    /// the page's samples, as a 16-bit page's may be) the copy is turned too.
    public static func rotate(_ page: Bitmap, withGrayCopy gray: Bitmap, degrees: Double, fill: FillColor = .estimatedPaper)
        -> (page: Bitmap, gray: Bitmap)
    {
        switch page.layout {
        case .gray8 where sameSamples(page, gray):
            var turned = rotateEightBit(page, degrees: degrees, fill: fill)
            let page = turned
            turned.resolution = gray.resolution
            return (page, turned)
        case .bilevel where gray.layout == .gray8 && gray.width == page.width && gray.height == page.height:
            let expanded = ColorConversion.toGray8(page)
            guard sameSamples(expanded, gray) else { break }
            var turned = rotateEightBit(expanded, degrees: degrees, fill: fill)
            let page = ColorConversion.binarize(turned, level: 127)
            turned.resolution = gray.resolution
            return (page, turned)
        case .gray8, .bilevel:
            break
        default:
            let turned = rotate(page, degrees: degrees, fill: fill)
            return (turned, ColorConversion.toGray8(turned))
        }
        return (rotate(page, degrees: degrees, fill: fill), rotate(gray, degrees: degrees, fill: fill))
    }

    /// Whether two bitmaps hold the same samples in the same layout (resolution aside).
    static func sameSamples(_ a: Bitmap, _ b: Bitmap) -> Bool {
        guard a.width == b.width, a.height == b.height, a.layout == b.layout, a.bytesPerRow == b.bytesPerRow,
            a.bytes.count == b.bytes.count
        else { return false }
        return a.bytes.withUnsafeBytes { x in
            b.bytes.withUnsafeBytes { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
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
        var histograms = [Int](repeating: 0, count: 256 * channels)
        var total = 0
        bitmap.withBase { src in
            guard let src else { return }
            histograms.withUnsafeMutableBufferPointer { hb in
                let counts = hb.baseAddress!
                func add(_ row: UnsafePointer<UInt8>, _ x0: Int, _ x1: Int) {
                    for i in (x0 * channels)..<(x1 * channels) {
                        counts[(i % channels) << 8 | Int(row[i])] += 1
                    }
                    total += x1 - x0
                }
                for y in 0..<h {
                    let row = src + y * w * channels
                    if y < band || y >= h - band || 2 * band >= w {
                        add(row, 0, w)
                    } else {
                        add(row, 0, band)
                        add(row, w - band, w)
                    }
                }
            }
        }
        return (0..<channels).map { c in
            var seen = 0
            for v in 0..<256 {
                seen += histograms[c << 8 | v]
                if 2 * seen >= total { return v }
            }
            return 255
        }
    }

    static func rotateEightBit(_ bitmap: Bitmap, degrees: Double, fill: FillColor, runs: Bool = true) -> Bitmap {
        let w = bitmap.width, h = bitmap.height, channels = bitmap.layout.channels
        precondition(channels == 1 || channels == 3, "rotateEightBit takes gray8 or rgb8")
        let normalized = degrees.truncatingRemainder(dividingBy: 360)
        if normalized == 0 || w == 0 || h == 0 { return bitmap }
        let fillValues = fillSamples(bitmap, fill)
        let theta = degrees * .pi / 180
        let c = cos(theta), s = sin(theta)
        let cx = Double(w - 1) / 2, cy = Double(h - 1) / 2
        let one = 65536.0
        let stepX = Int((c * one).rounded()), stepY = Int((s * one).rounded())
        let rowSamples = w * channels

        // Per-sample weights of one run of outputs (see `interior`), reused across rows.
        let weights = UnsafeMutablePointer<UInt16>.allocate(capacity: 2 * rowSamples)
        defer { weights.deallocate() }
        return bitmap.withBase { src in
            Bitmap.build(width: w, height: h, layout: bitmap.layout, resolution: bitmap.resolution) { dst in
                guard let src else { return }
                fillValues.withUnsafeBufferPointer { fb in
                    let fillPointer = fb.baseAddress!
                    var touched = -1
                    var touchSum: UInt8 = 0
                    defer { touchSink.store(Int(touchSum), ordering: .relaxed) }
                    for oy in 0..<h {
                        // Source of output (ox, oy), 16.16 fixed point:
                        // x = cx + dx·cos − dy·sin, y = cy + dx·sin + dy·cos, with dx = ox − cx, dy = oy − cy.
                        let dy = Double(oy) - cy
                        let fx0 = Int(((cx - cx * c - dy * s) * one).rounded())
                        let fy0 = Int(((cy - cx * s + dy * c) * one).rounded())
                        let d = dst + oy * rowSamples
                        // Bring in, in order, the source rows this output row reaches for the first time: read
                        // along a diagonal band the misses come one after another, read along rows they overlap.
                        let lowest = (min(fy0, fy0 &+ (w - 1) &* stepY) >> 16) - 1
                        let deepest = min(h - 1, (max(fy0, fy0 &+ (w - 1) &* stepY) >> 16) + 2)
                        while touched < deepest {
                            touched += 1
                            if touched >= max(0, lowest) { touchSum &+= touch(src + touched * rowSamples, rowSamples) }
                        }
                        // Outputs whose 2×2 source neighbourhood lies wholly inside the image.
                        let inside = span(start: fx0, step: stepX, limit: (w - 1) << 16, count: w)
                            .clamped(to: span(start: fy0, step: stepY, limit: (h - 1) << 16, count: w))
                        var ox = 0
                        while ox < w {
                            if inside.contains(ox) {
                                let end = inside.upperBound
                                interior(src, d, rowSamples, channels, fx0, fy0, stepX, stepY, ox, end, runs ? weights : nil)
                                ox = end
                                continue
                            }
                            let fx = fx0 &+ ox &* stepX, fy = fy0 &+ ox &* stepY
                            let x = fx >> 16, y = fy >> 16
                            let wx = (fx >> 8) & 0xFF, wy = (fy >> 8) & 0xFF
                            let out = d + ox * channels
                            if x < -1 || y < -1 || x >= w || y >= h {
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
                            ox += 1
                        }
                    }
                }
            }
        }
    }

    /// One byte of each 64 of `count` bytes from `p`, combined: independent loads the processor overlaps, so a
    /// row comes into the cache at the memory's pace rather than one miss at a time.
    @inline(never)
    static func touch(_ p: UnsafePointer<UInt8>, _ count: Int) -> UInt8 {
        var sum: UInt8 = 0
        var i = 0
        while i < count {
            sum ^= p[i]
            i &+= 64
        }
        return sum &+ p[count - 1]
    }

    /// Where the touched bytes' combination goes, so the compiler keeps the loads.
    static let touchSink = Atomic<Int>(0)

    /// The outputs `i` in `0..<count` with `0 <= start + i·step < limit`.
    static func span(start: Int, step: Int, limit: Int, count: Int) -> Range<Int> {
        func floorDiv(_ a: Int, _ b: Int) -> Int { let q = a / b; return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q }
        func ceilDiv(_ a: Int, _ b: Int) -> Int { -floorDiv(-a, b) }
        var lo: Int, hi: Int
        if step == 0 {
            guard start >= 0 && start < limit else { return 0..<0 }
            (lo, hi) = (0, count)
        } else if step > 0 {
            lo = ceilDiv(-start, step)  // start + i·step >= 0
            hi = ceilDiv(limit - start, step)  // start + i·step < limit
        } else {
            lo = ceilDiv(limit - 1 - start, step)  // start + i·step <= limit − 1
            hi = floorDiv(-start, step) + 1  // start + i·step >= 0
        }
        lo = max(lo, 0)
        hi = min(hi, count)
        return lo < hi ? lo..<hi : 0..<0
    }

    /// Bilinear samples for outputs `from..<to` of one row, all of whose neighbourhoods are inside the image.
    ///
    /// A small turn (a deskew) reads each source row pair for dozens of outputs in a row, stepping exactly one
    /// pixel at a time: such a run is done by `run`, whose loop over samples the compiler vectorizes; a large
    /// turn, where runs are short, goes pixel by pixel. Both compute the same integers, so the same bytes
    /// (without `weights` every output goes pixel by pixel: the tests' reference).
    static func interior(
        _ src: UnsafePointer<UInt8>, _ d: UnsafeMutablePointer<UInt8>, _ rowSamples: Int, _ channels: Int,
        _ fx0: Int, _ fy0: Int, _ stepX: Int, _ stepY: Int, _ from: Int, _ to: Int,
        _ weights: UnsafeMutablePointer<UInt16>?
    ) {
        if let weights {
            // Every output's weights first, for the whole span: written well before the blend reads them back
            // as vectors (a vector load of values just stored one by one stalls on store forwarding).
            fillWeights(weights, weights + rowSamples, channels, fx0 + from * stepX, fy0 + from * stepY, to - from, stepX, stepY)
        }
        let excess = stepX - 65536  // how much less than one pixel each output steps in x (≤ 0 unless turned far)
        var ox = from
        while ox < to {
            let fx = fx0 + ox * stepX, fy = fy0 + ox * stepY
            let x = fx >> 16, y = fy >> 16
            // Outputs from here that read source rows y and y + 1 and columns x + j, x + j + 1.
            var n = to - ox
            if stepY > 0 {
                n = min(n, ((y + 1) << 16 - fy + stepY - 1) / stepY)
            } else if stepY < 0 {
                n = min(n, (fy - y << 16) / -stepY + 1)
            }
            if excess < 0 {
                n = min(n, (fx - x << 16) / -excess + 1)
            } else if excess > 0 {
                n = 1
            }
            if n >= 8, let weights {
                let p = src + y * rowSamples + x * channels
                let offset = (ox - from) * channels
                run(p, p + rowSamples, d + ox * channels, n * channels, channels, weights + offset, weights + rowSamples + offset)
                ox += n
            } else if channels == 1 {
                interiorGray(src, d, rowSamples, fx0, fy0, stepX, stepY, ox, ox + 1)
                ox += 1
            } else {
                interiorRGB(src, d, rowSamples, fx0, fy0, stepX, stepY, ox, ox + 1)
                ox += 1
            }
        }
    }

    /// The x and y weights (8-bit fractions) of `count` outputs from 16.16 position (`fx`, `fy`), once per sample.
    static func fillWeights(
        _ wxs: UnsafeMutablePointer<UInt16>, _ wys: UnsafeMutablePointer<UInt16>, _ channels: Int, _ fx: Int, _ fy: Int,
        _ count: Int, _ stepX: Int, _ stepY: Int
    ) {
        var fx = fx, fy = fy
        for j in 0..<count {
            let wx = UInt16(truncatingIfNeeded: (fx &>> 8) & 0xFF), wy = UInt16(truncatingIfNeeded: (fy &>> 8) & 0xFF)
            if channels == 3 {
                let i = 3 &* j
                wxs[i] = wx
                wxs[i &+ 1] = wx
                wxs[i &+ 2] = wx
                wys[i] = wy
                wys[i &+ 1] = wy
                wys[i &+ 2] = wy
            } else {
                wxs[j] = wx
                wys[j] = wy
            }
            fx = fx &+ stepX
            fy = fy &+ stepY
        }
    }

    /// `samples` outputs blending rows `p` and `q` at each sample and the one `channels` after it, with the
    /// weights in `wxs` and `wys`: a unit-stride loop the compiler vectorizes. The first stage stays in 16 bits
    /// (at most 255 · 256), the second in 32, exactly the integers of the pixel loop.
    @inline(__always)
    static func run(
        _ p: UnsafePointer<UInt8>, _ q: UnsafePointer<UInt8>, _ d: UnsafeMutablePointer<UInt8>, _ samples: Int,
        _ channels: Int, _ wxs: UnsafePointer<UInt16>, _ wys: UnsafePointer<UInt16>
    ) {
        for i in 0..<samples {
            let wx = wxs[i], wy = wys[i]
            let ix = 256 &- wx
            let top = UInt16(p[i]) &* ix &+ UInt16(p[i &+ channels]) &* wx
            let bottom = UInt16(q[i]) &* ix &+ UInt16(q[i &+ channels]) &* wx
            let sum = UInt32(top) &* UInt32(256 &- wy) &+ UInt32(bottom) &* UInt32(wy) &+ 32768
            d[i] = UInt8(truncatingIfNeeded: sum &>> 16)
        }
    }

    /// Bilinear samples of a gray8 image for outputs `from..<to` of one row, all of whose neighbourhoods are
    /// inside the image.
    @inline(__always)
    static func interiorGray(
        _ src: UnsafePointer<UInt8>, _ d: UnsafeMutablePointer<UInt8>, _ rowSamples: Int,
        _ fx0: Int, _ fy0: Int, _ stepX: Int, _ stepY: Int, _ from: Int, _ to: Int
    ) {
        var fx = fx0 &+ from &* stepX, fy = fy0 &+ from &* stepY
        for ox in from..<to {
            let wx = (fx &>> 8) & 0xFF, wy = (fy &>> 8) & 0xFF
            let ix = 256 &- wx, iy = 256 &- wy
            let p = src + ((fy &>> 16) &* rowSamples &+ (fx &>> 16))
            let top = Int(p[0]) &* ix &+ Int(p[1]) &* wx
            let bottom = Int(p[rowSamples]) &* ix &+ Int(p[rowSamples &+ 1]) &* wx
            d[ox] = UInt8(truncatingIfNeeded: (top &* iy &+ bottom &* wy &+ 32768) &>> 16)
            fx = fx &+ stepX
            fy = fy &+ stepY
        }
    }

    /// `interiorGray` for rgb8.
    @inline(__always)
    static func interiorRGB(
        _ src: UnsafePointer<UInt8>, _ d: UnsafeMutablePointer<UInt8>, _ rowSamples: Int,
        _ fx0: Int, _ fy0: Int, _ stepX: Int, _ stepY: Int, _ from: Int, _ to: Int
    ) {
        var fx = fx0 &+ from &* stepX, fy = fy0 &+ from &* stepY
        for ox in from..<to {
            let wx = (fx &>> 8) & 0xFF, wy = (fy &>> 8) & 0xFF
            let ix = 256 &- wx, iy = 256 &- wy
            let p = src + ((fy &>> 16) &* rowSamples &+ (fx &>> 16) &* 3)
            let q = p + rowSamples
            let out = d + ox &* 3
            for k in 0..<3 {
                let top = Int(p[k]) &* ix &+ Int(p[k &+ 3]) &* wx
                let bottom = Int(q[k]) &* ix &+ Int(q[k &+ 3]) &* wx
                out[k] = UInt8(truncatingIfNeeded: (top &* iy &+ bottom &* wy &+ 32768) &>> 16)
            }
            fx = fx &+ stepX
            fy = fy &+ stepY
        }
    }
}
