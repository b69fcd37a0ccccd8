public import Raster

/// What a decode found out about a source file: its own layout, not the in-memory one.
public struct ImageInfo: Sendable, Equatable, Codable {
    /// The container format.
    public var format: ImageFormat
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Bits per sample in the file (1, 2, 4, 8, 12, 16…).
    public var bitsPerSample: Int
    /// Samples per pixel in the file, alpha included.
    public var samplesPerPixel: Int
    /// The colour type of the file.
    public var colorType: ColorType
    /// Compression scheme, in the format's own terms (`lzw`, `ccitt-g4`, `deflate`, `baseline`, `progressive`…).
    public var compression: String
    /// Resolution from TIFF tags, PNG pHYs or JPEG JFIF/EXIF; nil when the file does not say.
    public var resolution: Resolution?
    /// Images in the file (TIFF directories); 1 for PNG and JPEG.
    public var frames: Int
    /// An embedded ICC profile, if any.
    public var iccProfile: [UInt8]?

    /// Makes an info value.
    public init(format: ImageFormat, width: Int, height: Int, bitsPerSample: Int, samplesPerPixel: Int,
                colorType: ColorType, compression: String, resolution: Resolution?, frames: Int = 1,
                iccProfile: [UInt8]? = nil) {
        self.format = format
        self.width = width
        self.height = height
        self.bitsPerSample = bitsPerSample
        self.samplesPerPixel = samplesPerPixel
        self.colorType = colorType
        self.compression = compression
        self.resolution = resolution
        self.frames = frames
        self.iccProfile = iccProfile
    }
}

/// The colour type of a source image, as recorded in the ledger and technical metadata.
public enum ColorType: String, Sendable, Codable, CaseIterable {
    /// 1-bit black and white (黑白二值).
    case bilevel
    /// Grayscale (灰度).
    case gray
    /// Grayscale with alpha.
    case grayAlpha = "gray-alpha"
    /// RGB colour (彩色).
    case rgb
    /// RGB with alpha.
    case rgba
    /// Indexed colour with a palette.
    case palette
    /// CMYK.
    case cmyk
    /// Luminance/chrominance (JPEG YCbCr, TIFF YCbCr).
    case ycbcr
    /// Other photometric interpretations (CIELab, LogLuv…), decoded through a conversion.
    case other
}

/// A decoded page: its pixels and what the file said about them.
public struct DecodedImage: Sendable {
    /// The pixels.
    public var bitmap: Bitmap
    /// The source's own description.
    public var info: ImageInfo
    /// True when the pixels went through a lossy 8-bit RGBA conversion because the source layout has no
    /// exact in-memory form here (LogLuv, floating point, separate planes…).
    public var converted: Bool

    /// Makes a decoded image.
    public init(bitmap: Bitmap, info: ImageInfo, converted: Bool) {
        self.bitmap = bitmap
        self.info = info
        self.converted = converted
    }
}
