extension Bitmap {
    /// One sample as stored (a bilevel pixel reads 0 or 1), at pixel (x, y), channel `c`.
    public func sample(x: Int, y: Int, channel c: Int) -> Int {
        switch layout.bitsPerSample {
        case 1:
            let byte = bytes[y * bytesPerRow + x >> 3]
            return Int((byte >> (7 - UInt8(x & 7))) & 1)
        case 8:
            return Int(bytes[y * bytesPerRow + x * layout.channels + c])
        default:
            let index = y * bytesPerRow + (x * layout.channels + c) * 2
            return Int(UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8)
        }
    }

    /// The image as red, green, blue, alpha samples per pixel, at the bitmap's own depth (bilevel and
    /// 8-bit layouts give 0...255, 16-bit layouts 0...65535). CMYK is not converted and yields nil.
    public func rgbaSamples() -> [Int]? {
        if layout == .cmyk8 { return nil }
        let maxValue = layout.bitsPerSample == 16 ? 65535 : 255
        var out = [Int]()
        out.reserveCapacity(pixelCount * 4)
        // Appends sample by sample: an array literal per pixel allocated once per pixel, which made a
        // page-sized bitmap take seconds in debug builds.
        for y in 0..<height {
            for x in 0..<width {
                switch layout {
                case .bilevel:
                    let v = sample(x: x, y: y, channel: 0) == 1 ? 255 : 0
                    out.append(v); out.append(v); out.append(v); out.append(255)
                case .gray8, .gray16:
                    let v = sample(x: x, y: y, channel: 0)
                    out.append(v); out.append(v); out.append(v); out.append(maxValue)
                case .grayAlpha8, .grayAlpha16:
                    let v = sample(x: x, y: y, channel: 0)
                    out.append(v); out.append(v); out.append(v); out.append(sample(x: x, y: y, channel: 1))
                case .rgb8, .rgb16:
                    for c in 0..<3 { out.append(sample(x: x, y: y, channel: c)) }
                    out.append(maxValue)
                case .rgba8, .rgba16:
                    for c in 0..<4 { out.append(sample(x: x, y: y, channel: c)) }
                case .cmyk8:
                    return nil
                }
            }
        }
        return out
    }
}
