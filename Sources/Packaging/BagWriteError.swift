public import QuireCore
public import DurableIO
public import Fixity

/// Why ``BagWriter`` did not produce a bag. Nothing with the final name exists after any of these.
public enum BagWriteError: Error, Sendable, CustomStringConvertible {
    /// The bag name is empty, contains `/`, starts with `.`, or is otherwise unusable.
    case invalidName(String)
    /// Something already has the final name.
    case destinationExists(String)
    /// Another write of the same bag is running in this process.
    case busy(String)
    /// A payload entry is unusable (path not under `data/`, `..`, duplicate, source not a regular file, …).
    case invalidPayload(bagPath: String, reason: String)
    /// A payload entry has no digest for a manifest algorithm, or one of the wrong length.
    case missingDigest(bagPath: String, algorithm: DigestAlgorithm)
    /// A file's size differs from the entry's `size`.
    case sizeMismatch(bagPath: String, expected: UInt64, actual: UInt64)
    /// A bag-info field is unusable.
    case invalidBagInfo(label: String, reason: String)
    /// An extra tag file is unusable.
    case invalidTagFile(path: String, reason: String)
    /// No manifest algorithm was given.
    case noManifestAlgorithm
    /// A file-system step failed.
    case io(DurableFileError)
    /// The finished temporary bag did not verify; it was removed.
    case verificationFailed(BagReport)

    /// One line for a person, naming the bag, payload path or field at fault when there is one.
    public var description: String {
        switch self {
        case .invalidName(let name): "invalid bag name \"\(name)\""
        case .destinationExists(let path): "\(path) already exists"
        case .busy(let path): "another write of \(path) is in progress"
        case .invalidPayload(let path, let reason): "payload \(path): \(reason)"
        case .missingDigest(let path, let algorithm): "payload \(path) has no valid \(algorithm.rawValue) digest"
        case .sizeMismatch(let path, let expected, let actual): "payload \(path) is \(actual) bytes, expected \(expected)"
        case .invalidBagInfo(let label, let reason): "bag-info field \"\(label)\": \(reason)"
        case .invalidTagFile(let path, let reason): "tag file \(path): \(reason)"
        case .noManifestAlgorithm: "at least one manifest algorithm is required"
        case .io(let error): error.description
        case .verificationFailed(let report):
            "the new bag failed verification: "
                + report.problems.filter { $0.severity == .error }.prefix(5).map(\.description).joined(separator: "; ")
        }
    }
}
