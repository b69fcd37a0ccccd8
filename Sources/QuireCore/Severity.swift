/// How bad a finding is: an error fails the page, record or bag; a warning asks a person to look.
public enum Severity: String, Sendable, Codable, CaseIterable, Comparable {
    /// It fails.
    case error
    /// Worth a look; it does not fail.
    case warning

    /// Errors sort before warnings.
    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        lhs == .error && rhs == .warning
    }
}
