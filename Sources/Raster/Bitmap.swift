/// An image held in memory: one pixel layout, rows packed top to bottom.
///
/// Every decoder yields a `Bitmap` and every encoder takes one, so image operations never depend on the
/// file format a page arrived in. Samples are stored in host byte order; bilevel images are packed eight
/// pixels to a byte, most significant bit first, with 0 meaning black and 1 white. The unused bits that pad
/// a bilevel row to a whole byte are 0 in every bitmap a decoder returns (see `zeroRowPadding()`), so two
/// bitmaps with the same pixels compare equal.
///
/// ```swift
/// var page = Bitmap(width: 2480, height: 3508, layout: .gray8)
/// page[row: 0].withUnsafeBufferPointer { print($0.count) } // 2480
/// ```
public struct Bitmap: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// How each pixel is stored.
    public let layout: PixelLayout
    /// Bytes from the start of one row to the next.
    public let bytesPerRow: Int
    /// The sample bytes, `bytesPerRow * height` of them.
    public var bytes: [UInt8]
    /// Resolution, when the source said.
    public var resolution: Resolution?

    /// Makes a bitmap of the given size, filled with zero bytes (black).
    public init(width: Int, height: Int, layout: PixelLayout, resolution: Resolution? = nil) {
        precondition(width >= 0 && height >= 0, "negative bitmap size")
        self.width = width
        self.height = height
        self.layout = layout
        self.bytesPerRow = layout.bytesPerRow(width: width)
        self.bytes = [UInt8](repeating: 0, count: bytesPerRow * height)
        self.resolution = resolution
    }

    /// Wraps existing sample bytes; `bytes.count` must be `layout.bytesPerRow(width:) * height`.
    public init(width: Int, height: Int, layout: PixelLayout, bytes: [UInt8], resolution: Resolution? = nil) {
        let stride = layout.bytesPerRow(width: width)
        precondition(bytes.count == stride * height, "bitmap byte count does not match its size")
        self.width = width
        self.height = height
        self.layout = layout
        self.bytesPerRow = stride
        self.bytes = bytes
        self.resolution = resolution
    }

    /// Number of pixels.
    public var pixelCount: Int { width * height }

    /// Sets the bits that pad each bilevel row to a whole byte to 0; other layouts have no padding.
    public mutating func zeroRowPadding() {
        let used = width % 8
        guard layout == .bilevel, used != 0, height > 0 else { return }
        let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - used))
        let stride = bytesPerRow
        bytes.withUnsafeMutableBufferPointer { p in
            for y in 0..<height { p[y * stride + stride - 1] &= mask }
        }
    }

    /// The bytes of one row.
    public subscript(row y: Int) -> ArraySlice<UInt8> {
        bytes[(y * bytesPerRow)..<((y + 1) * bytesPerRow)]
    }
}

/// How a pixel's samples are stored in a `Bitmap`.
public enum PixelLayout: String, Sendable, Equatable, CaseIterable, Codable {
    /// 1 bit per pixel, packed MSB first; 0 is black, 1 is white.
    case bilevel
    /// 8-bit gray, 0 black.
    case gray8
    /// 16-bit gray in host byte order.
    case gray16
    /// 8-bit gray then 8-bit alpha.
    case grayAlpha8
    /// 16-bit gray then 16-bit alpha.
    case grayAlpha16
    /// 8-bit red, green, blue.
    case rgb8
    /// 16-bit red, green, blue.
    case rgb16
    /// 8-bit red, green, blue, alpha (not premultiplied).
    case rgba8
    /// 16-bit red, green, blue, alpha (not premultiplied).
    case rgba16
    /// 8-bit cyan, magenta, yellow, black as stored by the source (Adobe JPEGs store them inverted).
    case cmyk8

    /// Samples per pixel.
    public var channels: Int {
        switch self {
        case .bilevel, .gray8, .gray16: 1
        case .grayAlpha8, .grayAlpha16: 2
        case .rgb8, .rgb16: 3
        case .rgba8, .rgba16, .cmyk8: 4
        }
    }

    /// Bits per sample.
    public var bitsPerSample: Int {
        switch self {
        case .bilevel: 1
        case .gray8, .grayAlpha8, .rgb8, .rgba8, .cmyk8: 8
        case .gray16, .grayAlpha16, .rgb16, .rgba16: 16
        }
    }

    /// Whether the last sample is alpha.
    public var hasAlpha: Bool {
        switch self {
        case .grayAlpha8, .grayAlpha16, .rgba8, .rgba16: true
        default: false
        }
    }

    /// Bytes in one row of `width` pixels (bilevel rows are padded to a whole byte).
    public func bytesPerRow(width: Int) -> Int {
        (width * channels * bitsPerSample + 7) / 8
    }
}

/// Pixel density of a scan.
public struct Resolution: Sendable, Equatable, Codable {
    /// Horizontal dots per inch.
    public var x: Double
    /// Vertical dots per inch.
    public var y: Double

    /// Makes a resolution in dots per inch.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// Makes a resolution from dots per centimetre.
    public init(xPerCentimetre x: Double, yPerCentimetre y: Double) {
        self.init(x: x * 2.54, y: y * 2.54)
    }

    /// The lower of the two densities, rounded to the nearest whole dpi: what a policy minimum compares to.
    public var effectiveDPI: Int { Int(min(x, y).rounded()) }
}
