public import Raster
import QuireCore

/// Conversions between pixel layouts: to 8-bit gray, to 8-bit RGB, to 8 bits per sample, and to bilevel.
///
/// The rules, applied the same way by every conversion:
/// - 16-bit samples (host byte order, little-endian) become 8-bit by rounding: `(v * 255 + 32767) / 65535`.
/// - Alpha is composited on white: `c' = (c * a + max * (max - a)) / max`, rounded.
/// - Gray from colour is ITU-R BT.601 luma, `Y = 0.299 R + 0.587 G + 0.114 B`, computed in integers as
///   `(19595 R + 38470 G + 7471 B + 32768) >> 16` (the weights sum to 65536, so white stays 255).
/// - Bilevel pixels read as 0 (black) or 255 (white).
/// - CMYK becomes RGB by the naive multiplicative rule `R = (255 - C) * (255 - K) / 255` (likewise G from M,
///   B from Y); pass `cmykInverted: true` for sources that store CMYK inverted (Adobe JPEGs).
///   No colour management is applied.
///
/// ```swift
/// let gray = ColorConversion.toGray8(scan)
/// let bitonal = ColorConversion.toBilevel(gray)              // Otsu threshold
/// let fixed = ColorConversion.toBilevel(gray, threshold: .fixed(140))
/// ```
public enum ColorConversion {
    /// The image as 8-bit gray (`.gray8`); a `.gray8` input is returned unchanged.
    public static func toGray8(_ bitmap: Bitmap, cmykInverted: Bool = false) -> Bitmap {
        if bitmap.layout == .gray8 { return bitmap }
        let w = bitmap.width, h = bitmap.height, stride = bitmap.bytesPerRow, layout = bitmap.layout
        return bitmap.withBase { src in
            Bitmap.build(width: w, height: h, layout: .gray8, resolution: bitmap.resolution) { dst in
                guard let src else { return }
                for y in 0..<h {
                    grayRow(layout, src + y * stride, dst + y * w, w, cmykInverted)
                }
            }
        }
    }

    /// The image as 8-bit RGB (`.rgb8`); an `.rgb8` input is returned unchanged.
    public static func toRGB8(_ bitmap: Bitmap, cmykInverted: Bool = false) -> Bitmap {
        if bitmap.layout == .rgb8 { return bitmap }
        let w = bitmap.width, h = bitmap.height, stride = bitmap.bytesPerRow, layout = bitmap.layout
        if layout.channels <= 2 {
            // Gray first, then replicate.
            let gray = toGray8(bitmap)
            return gray.withBase { src in
                Bitmap.build(width: w, height: h, layout: .rgb8, resolution: bitmap.resolution) { dst in
                    guard let src else { return }
                    for i in 0..<(w * h) {
                        let v = src[i]
                        dst[3 * i] = v; dst[3 * i + 1] = v; dst[3 * i + 2] = v
                    }
                }
            }
        }
        return bitmap.withBase { src in
            Bitmap.build(width: w, height: h, layout: .rgb8, resolution: bitmap.resolution) { dst in
                guard let src else { return }
                for y in 0..<h {
                    rgbRow(layout, src + y * stride, dst + y * w * 3, w, cmykInverted)
                }
            }
        }
    }

    /// The image at 8 bits per sample with the same channels: 16-bit layouts are rounded down to their 8-bit
    /// counterparts, bilevel becomes `.gray8`, and 8-bit layouts (including `.cmyk8`) are returned unchanged.
    public static func toEightBit(_ bitmap: Bitmap) -> Bitmap {
        let target: PixelLayout
        switch bitmap.layout {
        case .bilevel: return toGray8(bitmap)
        case .gray8, .grayAlpha8, .rgb8, .rgba8, .cmyk8: return bitmap
        case .gray16: target = .gray8
        case .grayAlpha16: target = .grayAlpha8
        case .rgb16: target = .rgb8
        case .rgba16: target = .rgba8
        }
        let w = bitmap.width, h = bitmap.height, stride = bitmap.bytesPerRow
        let samples = w * bitmap.layout.channels
        return bitmap.withBase { src in
            Bitmap.build(width: w, height: h, layout: target, resolution: bitmap.resolution) { dst in
                guard let src else { return }
                for y in 0..<h {
                    let s = src + y * stride, d = dst + y * samples
                    for i in 0..<samples { d[i] = UInt8(truncatingIfNeeded: reduce16(read16(s, i))) }
                }
            }
        }
    }

    /// The image as bilevel (`.bilevel`, 0 = black): gray values at or below the threshold become black.
    /// A bilevel input is returned unchanged.
    public static func toBilevel(
        _ bitmap: Bitmap, threshold: ThresholdMethod = .otsu,
        cmykInverted: Bool = false
    ) -> Bitmap {
        if bitmap.layout == .bilevel { return bitmap }
        let gray = toGray8(bitmap, cmykInverted: cmykInverted)
        let level: UInt8
        switch threshold {
        case .otsu: level = otsuThreshold(gray)
        case .fixed(let value): level = value
        }
        return binarize(gray, level: level)
    }

    /// Otsu's threshold of an image (converted to 8-bit gray first if needed): the gray level `t` that
    /// maximises the between-class variance of {v ≤ t} and {v > t}. An image of one gray level gives 127,
    /// so a uniform light page stays white and a uniform dark page black.
    public static func otsuThreshold(_ bitmap: Bitmap) -> UInt8 {
        otsuThreshold(histogram: histogram(toGray8(bitmap)))
    }

    /// Otsu's threshold for a 256-bin gray histogram.
    public static func otsuThreshold(histogram: [Int]) -> UInt8 {
        precondition(histogram.count == 256, "a gray histogram has 256 bins")
        let total = histogram.reduce(0, +)
        guard total > 0 else { return 127 }
        var sumAll = 0.0
        for i in 0..<256 { sumAll += Double(i) * Double(histogram[i]) }
        var weightBelow = 0.0, sumBelow = 0.0
        var best = -1.0, bestLevel = 0
        let n = Double(total)
        var lowest = 255, highest = 0
        for i in 0..<256 where histogram[i] > 0 {
            lowest = min(lowest, i); highest = max(highest, i)
        }
        if lowest == highest { return 127 }  // one level: no split, decide by the midpoint
        for t in 0..<255 {
            weightBelow += Double(histogram[t])
            if weightBelow == 0 { continue }
            let weightAbove = n - weightBelow
            if weightAbove == 0 { break }
            sumBelow += Double(t) * Double(histogram[t])
            let meanBelow = sumBelow / weightBelow
            let meanAbove = (sumAll - sumBelow) / weightAbove
            let between = weightBelow * weightAbove * (meanBelow - meanAbove) * (meanBelow - meanAbove)
            if between > best { best = between; bestLevel = t }
        }
        return UInt8(bestLevel)
    }

    /// The 256-bin histogram of a `.gray8` image.
    public static func histogram(_ gray: Bitmap) -> [Int] {
        precondition(gray.layout == .gray8, "histogram needs a gray8 bitmap")
        var histogram = ByteHistogram()
        gray.withBase { src in
            guard let src else { return }
            histogram.add(src, count: gray.pixelCount)
        }
        return histogram.counts
    }

    /// A `.gray8` image packed to bilevel: values ≤ `level` black (0), others white (1); padding bits 0.
    static func binarize(_ gray: Bitmap, level: UInt8) -> Bitmap {
        let w = gray.width, h = gray.height
        let stride = PixelLayout.bilevel.bytesPerRow(width: w)
        return gray.withBase { src in
            Bitmap.build(width: w, height: h, layout: .bilevel, resolution: gray.resolution) { dst in
                guard let src else { return }
                for y in 0..<h {
                    let s = src + y * w, d = dst + y * stride
                    // Whole bytes without a branch per pixel (text edges would mispredict them).
                    let whole = w / 8
                    for bx in 0..<whole {
                        let p = s + bx &* 8
                        var byte: UInt8 = 0
                        for k in 0..<8 { byte |= (p[k] > level ? 0x80 : 0) &>> UInt8(k) }
                        d[bx] = byte
                    }
                    for bx in whole..<stride {
                        var byte: UInt8 = 0
                        let x0 = bx * 8
                        let n = min(8, w - x0)
                        for k in 0..<n where s[x0 + k] > level { byte |= 0x80 >> UInt8(k) }
                        d[bx] = byte
                    }
                }
            }
        }
    }

    // MARK: - Row kernels

    /// For each bilevel byte (most significant bit first, 1 = white), its eight gray samples (0 or 255) as they lie
    /// in memory.
    static let bilevelExpansion: [UInt64] = (0..<256).map { value in
        var word: UInt64 = 0
        for k in 0..<8 where (value >> (7 - k)) & 1 == 1 { word |= 0xFF << (8 * UInt64(k)) }
        return word.littleEndian
    }

    @inline(__always) static func read16(_ p: UnsafePointer<UInt8>, _ i: Int) -> Int {
        Int(p[2 * i]) | Int(p[2 * i + 1]) << 8
    }

    @inline(__always) static func reduce16(_ v: Int) -> Int { (v * 255 + 32767) / 65535 }

    @inline(__always) static func luma(_ r: Int, _ g: Int, _ b: Int) -> Int {
        (19595 * r + 38470 * g + 7471 * b + 32768) >> 16
    }

    @inline(__always) static func over8(_ c: Int, _ a: Int) -> Int { (c * a + 255 * (255 - a) + 127) / 255 }

    @inline(__always) static func over16(_ c: Int, _ a: Int) -> Int {
        (c * a + 65535 * (65535 - a) + 32767) / 65535
    }

    @inline(__always) static func cmykToRGB(_ s: UnsafePointer<UInt8>, _ inverted: Bool) -> (Int, Int, Int) {
        var c = Int(s[0]), m = Int(s[1]), y = Int(s[2]), k = Int(s[3])
        if inverted { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k }
        let kk = 255 - k
        return (((255 - c) * kk + 127) / 255, ((255 - m) * kk + 127) / 255, ((255 - y) * kk + 127) / 255)
    }

    static func grayRow(
        _ layout: PixelLayout, _ s: UnsafePointer<UInt8>, _ d: UnsafeMutablePointer<UInt8>,
        _ w: Int, _ cmykInverted: Bool
    ) {
        switch layout {
        case .gray8:
            d.update(from: s, count: w)
        case .bilevel:
            // Eight pixels per source byte, from a table of their eight output bytes.
            let whole = w / 8
            bilevelExpansion.withUnsafeBufferPointer { table in
                let out = UnsafeMutableRawPointer(d)
                for i in 0..<whole { out.storeBytes(of: table[Int(s[i])], toByteOffset: i &* 8, as: UInt64.self) }
            }
            for x in (whole * 8)..<w { d[x] = (s[x >> 3] >> (7 - UInt8(x & 7))) & 1 == 1 ? 255 : 0 }
        case .gray16:
            for x in 0..<w { d[x] = UInt8(truncatingIfNeeded: reduce16(read16(s, x))) }
        case .grayAlpha8:
            for x in 0..<w { d[x] = UInt8(truncatingIfNeeded: over8(Int(s[2 * x]), Int(s[2 * x + 1]))) }
        case .grayAlpha16:
            for x in 0..<w {
                d[x] = UInt8(truncatingIfNeeded: reduce16(over16(read16(s, 2 * x), read16(s, 2 * x + 1))))
            }
        case .rgb8:
            for x in 0..<w {
                d[x] = UInt8(truncatingIfNeeded: luma(Int(s[3 * x]), Int(s[3 * x + 1]), Int(s[3 * x + 2])))
            }
        case .rgba8:
            for x in 0..<w {
                let a = Int(s[4 * x + 3])
                let v = luma(over8(Int(s[4 * x]), a), over8(Int(s[4 * x + 1]), a), over8(Int(s[4 * x + 2]), a))
                d[x] = UInt8(truncatingIfNeeded: v)
            }
        case .rgb16:
            for x in 0..<w {
                let v = luma(read16(s, 3 * x), read16(s, 3 * x + 1), read16(s, 3 * x + 2))
                d[x] = UInt8(truncatingIfNeeded: reduce16(v))
            }
        case .rgba16:
            for x in 0..<w {
                let a = read16(s, 4 * x + 3)
                let v = luma(
                    over16(read16(s, 4 * x), a), over16(read16(s, 4 * x + 1), a),
                    over16(read16(s, 4 * x + 2), a))
                d[x] = UInt8(truncatingIfNeeded: reduce16(v))
            }
        case .cmyk8:
            for x in 0..<w {
                let (r, g, b) = cmykToRGB(s + 4 * x, cmykInverted)
                d[x] = UInt8(truncatingIfNeeded: luma(r, g, b))
            }
        }
    }

    static func rgbRow(
        _ layout: PixelLayout, _ s: UnsafePointer<UInt8>, _ d: UnsafeMutablePointer<UInt8>,
        _ w: Int, _ cmykInverted: Bool
    ) {
        switch layout {
        case .rgb8:
            d.update(from: s, count: 3 * w)
        case .rgba8:
            for x in 0..<w {
                let a = Int(s[4 * x + 3])
                for c in 0..<3 { d[3 * x + c] = UInt8(truncatingIfNeeded: over8(Int(s[4 * x + c]), a)) }
            }
        case .rgb16:
            for i in 0..<(3 * w) { d[i] = UInt8(truncatingIfNeeded: reduce16(read16(s, i))) }
        case .rgba16:
            for x in 0..<w {
                let a = read16(s, 4 * x + 3)
                for c in 0..<3 {
                    d[3 * x + c] = UInt8(truncatingIfNeeded: reduce16(over16(read16(s, 4 * x + c), a)))
                }
            }
        case .cmyk8:
            for x in 0..<w {
                let (r, g, b) = cmykToRGB(s + 4 * x, cmykInverted)
                d[3 * x] = UInt8(truncatingIfNeeded: r)
                d[3 * x + 1] = UInt8(truncatingIfNeeded: g)
                d[3 * x + 2] = UInt8(truncatingIfNeeded: b)
            }
        case .bilevel, .gray8, .gray16, .grayAlpha8, .grayAlpha16:
            preconditionFailure("gray layouts are converted through toGray8")
        }
    }
}
