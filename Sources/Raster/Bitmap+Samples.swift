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
        for y in 0..<height {
            for x in 0..<width {
                switch layout {
                case .bilevel:
                    let v = sample(x: x, y: y, channel: 0) == 1 ? 255 : 0
                    out += [v, v, v, 255]
                case .gray8, .gray16:
                    let v = sample(x: x, y: y, channel: 0)
                    out += [v, v, v, maxValue]
                case .grayAlpha8, .grayAlpha16:
                    let v = sample(x: x, y: y, channel: 0)
                    out += [v, v, v, sample(x: x, y: y, channel: 1)]
                case .rgb8, .rgb16:
                    out += [sample(x: x, y: y, channel: 0), sample(x: x, y: y, channel: 1),
                            sample(x: x, y: y, channel: 2), maxValue]
                case .rgba8, .rgba16:
                    out += (0..<4).map { sample(x: x, y: y, channel: $0) }
                case .cmyk8:
                    return nil
                }
            }
        }
        return out
    }
}
