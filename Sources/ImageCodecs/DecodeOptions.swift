/// Limits and choices for a decode.
public struct DecodeOptions: Sendable, Equatable {
    /// Largest image accepted, in pixels (width × height). The default, 400 million, is an A0 sheet at 600 dpi.
    public var maxPixels: Int
    /// Whether a TIFF with several images is decoded (every image checked) or rejected.
    public var acceptMultiPage: Bool

    /// Makes options.
    public init(maxPixels: Int = 400_000_000, acceptMultiPage: Bool = false) {
        self.maxPixels = maxPixels
        self.acceptMultiPage = acceptMultiPage
    }
}
