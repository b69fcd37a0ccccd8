/// Technical metadata of one page image (the preservation master as delivered).
public struct PageMetadata: Sendable, Hashable, Codable {
    /// The page number, from 1.
    public var page: Int
    /// The file's path relative to the delivery.
    public var path: String
    /// The container format (`tiff`, `jpeg`, `png`, `jp2`…).
    public var format: String
    /// The compression scheme (`ccitt-g4`, `lzw`, `deflate`, `baseline`…), when known.
    public var compression: String?
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Bits per sample (1 for bitonal, 8 for gray and colour…).
    public var bitsPerSample: Int
    /// The colour mode (`bilevel`, `gray`, `rgb`…).
    public var colourMode: String
    /// The resolution, when the file records one.
    public var resolution: PageResolution?
    /// The file size in bytes.
    public var sizeBytes: Int64
    /// Digests: algorithm (`sha256`, `sm3`, `md5`…) → lowercase hex.
    public var digests: [String: String]

    /// Makes page metadata.
    public init(
        page: Int, path: String, format: String, compression: String? = nil, width: Int, height: Int,
        bitsPerSample: Int, colourMode: String, resolution: PageResolution? = nil, sizeBytes: Int64,
        digests: [String: String] = [:]
    ) {
        self.page = page
        self.path = path
        self.format = format
        self.compression = compression
        self.width = width
        self.height = height
        self.bitsPerSample = bitsPerSample
        self.colourMode = colourMode
        self.resolution = resolution
        self.sizeBytes = sizeBytes
        self.digests = digests
    }

    enum CodingKeys: String, CodingKey {
        case page, path, format, compression, width, height, resolution, digests
        case bitsPerSample = "bits_per_sample"
        case colourMode = "colour_mode"
        case sizeBytes = "size_bytes"
    }
}
