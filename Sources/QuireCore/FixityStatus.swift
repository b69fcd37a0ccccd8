/// The outcome of the last look at a file's recorded digests.
public enum FixityStatus: String, Sendable, Codable, CaseIterable, CodingKeyRepresentable, CustomStringConvertible {
    /// Recorded and not checked since.
    case recorded
    /// Checked: the bytes are those recorded.
    case ok
    /// Checked: the bytes changed.
    case drift
    /// Checked: the file is gone or cannot be read.
    case missing

    /// The stored spelling.
    public var description: String { rawValue }
}
