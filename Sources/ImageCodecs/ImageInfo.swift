public import QuireCore
public import Raster

/// What a decode found out about a source file: its own layout, not the in-memory one.
///
/// Width and height describe the image as displayed: a file stored with an orientation that swaps its axes
/// (TIFF Orientation or EXIF Orientation 5–8) reports its stored height as `width`, the same size a full
/// decode's bitmap has, whether or not its pixels were kept.
public struct ImageInfo: Sendable, Equatable, Codable {
    /// The container format.
    public var format: ImageFormat
    /// Width in pixels, as displayed.
    public var width: Int
    /// Height in pixels, as displayed.
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
    /// The orientation the file stated (TIFF Orientation tag, JPEG EXIF Orientation); `.topLeft` when it
    /// stated none or a value outside 1...8. Decoded pixels, `width`, `height` and `resolution` already have
    /// it applied: this records what the decode turned or mirrored.
    public var orientation: Orientation
    /// Faults the codec found and worked around without losing a pixel, one sentence each, in the codec's own
    /// words: a JPEG with a few extraneous bytes before a marker (libjpeg's "Corrupt JPEG data: 3 extraneous
    /// bytes before marker 0xd9"), or an ICC profile whose APP2 chunks do not fit together and was dropped.
    /// The page is accepted and these are recorded with it, for review; faults that cost pixels (truncation,
    /// bad Huffman codes, missing scans) are ``DecodeError/corrupt(_:)`` instead. Empty for a clean file.
    public var warnings: [String]

    /// Makes an info value.
    public init(
        format: ImageFormat, width: Int, height: Int, bitsPerSample: Int, samplesPerPixel: Int,
        colorType: ColorType, compression: String, resolution: Resolution?, frames: Int = 1,
        iccProfile: [UInt8]? = nil, orientation: Orientation = .topLeft, warnings: [String] = []
    ) {
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
        self.orientation = orientation
        self.warnings = warnings
    }

    /// Decodes an info value; one encoded before `orientation` existed reads as `.topLeft`, and one encoded before
    /// `warnings` existed as having none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            format: try c.decode(ImageFormat.self, forKey: .format), width: try c.decode(Int.self, forKey: .width),
            height: try c.decode(Int.self, forKey: .height), bitsPerSample: try c.decode(Int.self, forKey: .bitsPerSample),
            samplesPerPixel: try c.decode(Int.self, forKey: .samplesPerPixel),
            colorType: try c.decode(ColorType.self, forKey: .colorType),
            compression: try c.decode(String.self, forKey: .compression),
            resolution: try c.decodeIfPresent(Resolution.self, forKey: .resolution),
            frames: try c.decode(Int.self, forKey: .frames),
            iccProfile: try c.decodeIfPresent([UInt8].self, forKey: .iccProfile),
            orientation: try c.decodeIfPresent(Orientation.self, forKey: .orientation) ?? .topLeft,
            warnings: try c.decodeIfPresent([String].self, forKey: .warnings) ?? [])
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
    /// True when the pixels went through a lossy conversion because the source layout has no exact in-memory
    /// form here: libtiff's 8-bit RGBA reader (YCbCr, LogLuv, palette, associated alpha…), or 16-bit CMYK turned
    /// into 16-bit RGB.
    public var converted: Bool

    /// Makes a decoded image.
    public init(bitmap: Bitmap, info: ImageInfo, converted: Bool) {
        self.bitmap = bitmap
        self.info = info
        self.converted = converted
    }
}
