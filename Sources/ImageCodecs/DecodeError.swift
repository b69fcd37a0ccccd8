/// Why a file could not be decoded. Each case carries the codec's own message.
public enum DecodeError: Error, Sendable, Equatable {
    /// The bytes start with no TIFF, PNG or JPEG signature.
    case unrecognizedFormat
    /// The data is damaged or truncated; the library's message says where.
    case corrupt(String)
    /// A valid file whose layout Quire does not take (12-bit JPEG, say).
    case unsupported(String)
    /// More pixels than the configured limit.
    case tooLarge(width: Int, height: Int, limit: Int)
    /// A TIFF holding several images where the policy wants one page per file.
    case multiPage(frames: Int)

    /// A stable machine-readable code.
    public var code: String {
        switch self {
        case .unrecognizedFormat: "unknown_format"
        case .corrupt: "corrupt"
        case .unsupported: "unsupported"
        case .tooLarge: "too_large"
        case .multiPage: "multi_page"
        }
    }

    /// One sentence for a person.
    public var message: String {
        switch self {
        case .unrecognizedFormat:
            "content does not start with a TIFF, PNG or JPEG signature"
        case .corrupt(let detail):
            "damaged or truncated image data: \(detail)"
        case .unsupported(let detail):
            "unsupported image layout: \(detail)"
        case .tooLarge(let width, let height, let limit):
            "image is \(width)×\(height) pixels, over the limit of \(limit) pixels"
        case .multiPage(let frames):
            "TIFF holds \(frames) images; the policy wants one page per file (set import.multi_page: accept to allow)"
        }
    }
}
