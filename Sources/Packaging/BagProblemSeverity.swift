/// How bad a ``BagProblem`` is: any error makes a bag invalid; warnings do not.
public enum BagProblemSeverity: String, Sendable, Codable, Comparable {
    /// The bag is not valid (RFC 8493 MUST violated, or content differs from its manifests).
    case error
    /// Worth a look, but the bag is still valid.
    case warning

    /// Errors sort before warnings.
    public static func < (lhs: BagProblemSeverity, rhs: BagProblemSeverity) -> Bool {
        lhs == .error && rhs == .warning
    }
}
