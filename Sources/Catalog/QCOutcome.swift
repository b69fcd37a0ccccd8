/// The outcome of a quality check.
public enum QCOutcome: String, Sendable, Codable, CaseIterable {
    /// The check passed.
    case pass
    /// The check found something to look at, without failing.
    case warning
    /// The check failed.
    case fail
}
