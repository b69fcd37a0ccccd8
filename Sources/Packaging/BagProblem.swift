public import QuireCore

/// One thing wrong with a bag: which rule, how bad, which file, and a one-sentence message.
public struct BagProblem: Sendable, Codable, Hashable, CustomStringConvertible {
    /// The rule's stable id (see ``BagRule`` for the table).
    public var rule: BagRule
    /// Error or warning.
    public var severity: Severity
    /// The bag-relative path concerned (a payload file, or a tag file such as `manifest-sha256.txt`), if any.
    public var file: String?
    /// One sentence for a person.
    public var message: String

    /// Makes a problem.
    public init(rule: BagRule, severity: Severity, file: String?, message: String) {
        self.rule = rule
        self.severity = severity
        self.file = file
        self.message = message
    }

    /// `<severity> [<rule>] <file>: <message>` on one line; the file is left out when there is none.
    public var description: String {
        "\(severity.rawValue) [\(rule.rawValue)]" + (file.map { " \($0):" } ?? "") + " \(message)"
    }
}
