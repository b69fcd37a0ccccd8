public import Ledger
public import Policy
public import QuireCore

/// Why an import could not run at all (as opposed to files it quarantined, which are findings).
public enum ImportError: Error, Sendable, CustomStringConvertible {
    /// The delivery folder is missing or unreadable.
    case deliveryUnreadable(path: String, reason: String)
    /// The pipeline's naming rule or settings cannot be used.
    case policy(PolicyError)
    /// The ledger failed.
    case ledger(LedgerError)
    /// The batch id is taken by another delivery.
    case batchConflict(batch: String, registeredDelivery: String, givenDelivery: String)

    public var description: String {
        switch self {
        case .deliveryUnreadable(let path, let reason):
            "cannot read delivery \(path): \(reason)"
        case .policy(let error):
            error.description
        case .ledger(let error):
            error.description
        case .batchConflict(let batch, let registered, let given):
            "batch '\(batch)' in this workspace is the delivery \(registered), not \(given); give another --batch name or use another --workspace"
        }
    }
}

extension ImportError: QuireErrorConvertible {
    /// A pipeline the import cannot use exits 2 (its file, line and key named); anything else exits 3.
    public var quireError: QuireError {
        switch self {
        case .policy(let error): error.quireError
        default: QuireError(.couldNotRun, stage: .import, message: description)
        }
    }
}

/// Stable reason codes for quarantined files; documented in the README.
public enum QuarantineReason: String, Sendable, CaseIterable, Codable {
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
}
