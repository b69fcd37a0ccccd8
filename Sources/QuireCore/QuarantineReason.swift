/// Stable reason codes for files the import holds back (quarantines); documented in the README.
public enum QuarantineReason: String, Sendable, CaseIterable, Codable, CodingKeyRepresentable, CustomStringConvertible {
    /// A zero-byte file.
    case emptyFile = "empty_file"
    /// Content with no TIFF, PNG or JPEG signature.
    case unknownFormat = "unknown_format"
    /// The extension names another format than the content's signature.
    case extensionMismatch = "extension_mismatch"
    /// A format the pipeline does not accept.
    case formatNotAllowed = "format_not_allowed"
    /// Damaged or truncated image data.
    case corrupt
    /// A valid file in a layout Quire does not take.
    case unsupported
    /// More pixels than the pipeline's limit.
    case tooLarge = "too_large"
    /// A multi-image TIFF where the pipeline wants one page per file.
    case multiPage = "multi_page"
    /// The same bytes as a page already registered.
    case duplicate
    /// A second file for a (档号, page) slot already taken.
    case duplicatePage = "duplicate_page"
    /// A path the naming rule cannot map to a 档号 and page.
    case unparseableName = "unparseable_name"
    /// A symbolic link pointing outside the delivery (not followed).
    case linkOutside = "link_outside_delivery"
    /// A link to a directory (not followed).
    case directoryLink = "directory_link"
    /// A device, FIFO or socket.
    case notAFile = "not_a_file"
    /// A file or folder that could not be read.
    case unreadable

    /// The stored spelling.
    public var description: String { rawValue }
}
