public import Raster

/// Area-average resizing: each output pixel is the mean of the source area it covers, with source pixels
/// that straddle the footprint's edge weighted by the fraction inside it. Never nearest neighbour.
///
/// Works on `.gray8` and `.rgb8`; other layouts are converted first (bilevel, gray16 and gray+alpha to
/// `.gray8`; RGB16, RGBA and CMYK to `.rgb8`, see `ColorConversion`), so the result is always one of the
/// two. The filter is separable and exact in integers: vertical sums per output row, then horizontal sums,
/// divided once and rounded to nearest. A 2× reduction therefore yields exactly the rounded 2×2 block
/// means. Upscaling is allowed by `resize(_:width:height:)` but gives blocky results (each output pixel
/// takes the source pixel it falls in, blended at pixel boundaries); it is meant for reduction.
/// Resolution metadata is scaled by the same factor on each axis.
///
/// ```swift
/// let access = Resampler.resize(master, longestSide: 1600)
/// let thumb = Resampler.resize(access, longestSide: 200)
/// ```
public enum Resampler {
    /// Resizes so that the longer side is `longestSide` pixels, keeping the aspect ratio (the shorter side
    /// is rounded to nearest, at least 1). An image that already fits is only converted to 8 bits, unless
    /// `allowUpscaling` is true.
    public static func resize(_ bitmap: Bitmap, longestSide: Int, allowUpscaling: Bool = false) -> Bitmap {
        precondition(longestSide > 0, "longestSide must be positive")
        if !allowUpscaling, max(bitmap.width, bitmap.height) <= longestSide { return eightBit(bitmap) }
        let size = fittedSize(width: bitmap.width, height: bitmap.height, longestSide: longestSide)
        return resize(bitmap, width: size.width, height: size.height)
    }

    /// The size an image of `width` × `height` takes when its longer side becomes `longestSide`: the shorter
    /// side is scaled by the same factor and rounded to nearest (halves up), never below 1.
    public static func fittedSize(width: Int, height: Int, longestSide: Int) -> (width: Int, height: Int) {
        guard width > 0, height > 0 else { return (0, 0) }
        if width >= height {
            return (longestSide, max(1, (2 * height * longestSide + width) / (2 * width)))
        }
        return (max(1, (2 * width * longestSide + height) / (2 * height)), longestSide)
    }

    /// Resizes to exactly `width` × `height` pixels (aspect ratio not preserved).
    public static func resize(_ bitmap: Bitmap, width: Int, height: Int) -> Bitmap {
        precondition(width > 0 && height > 0, "target size must be positive")
        let source = eightBit(bitmap)
        let sw = source.width, sh = source.height
        var resolution = source.resolution
        if var r = resolution {
            r.x *= Double(width) / Double(max(1, sw))
            r.y *= Double(height) / Double(max(1, sh))
            resolution = r
        }
        if sw == width && sh == height {
            var copy = source
            copy.resolution = resolution
            return copy
        }
        precondition(sw > 0 && sh > 0, "cannot resize an empty bitmap")
        let channels = source.layout.channels
        let rowSamples = sw * channels
        let vertical = BoxTaps(source: sh, destination: height)
        let horizontal = BoxTaps(source: sw, destination: width)
        let denominator = UInt64(sw) * UInt64(sh)
        let half = denominator / 2
        // The rounded mean ⌊(sum + half) / denominator⌋ without a 64-bit division per sample (a third of the
        // resampler's time on an A4 colour page) and without Swift's checked Double → Int conversion (another
        // quarter). With n = sum + half < 257 · d, v = n / d + 0.5 / d lies at least 0.5 / d inside
        // [⌊n / d⌋, ⌊n / d⌋ + 1), so v − 0.5 is at least 0.5 / d from any half-integer and rounds to nearest as
        // ⌊n / d⌋. In doubles, n · (1 / d) + (0.5 / d − 0.5) is within 1e-13 of v − 0.5, far inside that margin
        // for d below 2^40 (a 1,000,000² source), and adding 1.5 · 2^52 rounds it to an integer held in the
        // low bits of the result. ResamplerExactnessTests checks it against the integer division.
        let reciprocal = 1 / Double(denominator)
        let offset = 0.5 * reciprocal - 0.5
        let magic = 6_755_399_441_055_744.0
        let exactInDoubles = denominator < 1 << 40
        @inline(__always) func divide(_ sum: UInt64) -> UInt8 {
            let n = sum &+ half
            guard exactInDoubles else { return UInt8(truncatingIfNeeded: n / denominator) }
            // n < 257 · d < 2^49: converting it as a signed integer is one instruction (UInt64 → Double is several).
            let x = Double(Int64(bitPattern: n)) * reciprocal + offset
            return UInt8(truncatingIfNeeded: (x + magic).bitPattern)
        }
        let narrow = height < 1 << 16
        // Column sums of one output row, plus zeros the padded taps of the last pixels read.
        let taps = horizontal.widest
        let paddedWeights = horizontal.padded(to: taps)
        var accumulator = [UInt32](repeating: 0, count: rowSamples + taps * channels)

        return source.withBase { src in
            Bitmap.build(width: width, height: height, layout: source.layout, resolution: resolution) { dst in
                guard let src else { return }
                accumulator.withUnsafeMutableBufferPointer { accBuffer in
                    let acc = accBuffer.baseAddress!
                    vertical.weights.withUnsafeBufferPointer { vw in
                        paddedWeights.withUnsafeBufferPointer { hw in
                            let pw = hw.baseAddress!
                            horizontal.first.withUnsafeBufferPointer { hf in
                                for oy in 0..<height {
                                    // Vertical: weighted sum of the source rows under this output row.
                                    let t0 = vertical.offsets[oy], t1 = vertical.offsets[oy + 1]
                                    var row = vertical.first[oy]
                                    // A weight is at most the output height: below 2^16 it is multiplied as
                                    // a 16-bit number, which the vectorized loop does in 16-bit lanes.
                                    for t in t0..<t1 {
                                        let s = src + row * rowSamples
                                        if narrow {
                                            addRow(s, UInt16(truncatingIfNeeded: vw[t]), into: acc, rowSamples, first: t == t0)
                                        } else {
                                            addRow(s, vw[t], into: acc, rowSamples, first: t == t0)
                                        }
                                        row += 1
                                    }
                                    // Horizontal: weighted sum of the column sums under each output pixel,
                                    // over a fixed number of taps (the padded ones weigh 0): no branch to
                                    // mispredict between pixels of two and three taps.
                                    let d = dst + oy * width * channels
                                    if channels == 3 {
                                        for ox in 0..<width {
                                            var k = hf[ox] &* 3
                                            let w0 = pw + ox &* taps
                                            var r: UInt64 = 0, g: UInt64 = 0, b: UInt64 = 0
                                            for t in 0..<taps {
                                                let w = UInt64(w0[t])
                                                r &+= w &* UInt64(acc[k]); g &+= w &* UInt64(acc[k &+ 1]);
                                                b &+= w &* UInt64(acc[k &+ 2])
                                                k &+= 3
                                            }
                                            let out = d + ox &* 3
                                            out[0] = divide(r); out[1] = divide(g); out[2] = divide(b)
                                        }
                                    } else {
                                        for ox in 0..<width {
                                            let k = hf[ox], w0 = pw + ox &* taps
                                            var sum: UInt64 = 0
                                            for t in 0..<taps { sum &+= UInt64(w0[t]) &* UInt64(acc[k &+ t]) }
                                            d[ox] = divide(sum)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// One source row's samples times `weight`, stored into (the first row of an output row) or added to `acc`.
    @inline(__always)
    static func addRow<Weight: FixedWidthInteger & UnsignedInteger>(
        _ s: UnsafePointer<UInt8>, _ weight: Weight, into acc: UnsafeMutablePointer<UInt32>, _ count: Int, first: Bool
    ) {
        if first {
            for i in 0..<count { acc[i] = UInt32(weight) &* UInt32(s[i]) }
        } else {
            for i in 0..<count { acc[i] = acc[i] &+ UInt32(weight) &* UInt32(s[i]) }
        }
    }

    /// The bitmap as `.gray8` or `.rgb8`, whichever keeps its colour.
    static func eightBit(_ bitmap: Bitmap) -> Bitmap {
        switch bitmap.layout {
        case .gray8, .rgb8: bitmap
        case .bilevel, .gray16, .grayAlpha8, .grayAlpha16: ColorConversion.toGray8(bitmap)
        case .rgb16, .rgba8, .rgba16, .cmyk8: ColorConversion.toRGB8(bitmap)
        }
    }
}
