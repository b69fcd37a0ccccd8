/// One reason a record is held: the rule it breaks and the particulars.
public struct BindingProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The rule.
    public var rule: BindingRule
    /// What exactly is wrong (counts, page numbers, paths).
    public var detail: String

    /// Makes a problem.
    public init(rule: BindingRule, detail: String) {
        self.rule = rule
        self.detail = detail
    }

    /// `rule: detail`.
    public var description: String { "\(rule.rawValue): \(detail)" }
}
