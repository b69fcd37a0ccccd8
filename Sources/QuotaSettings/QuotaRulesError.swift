/// Quota rules that cannot be used: an unknown key, a share outside 0…1, a date that is not a day.
public struct QuotaRulesError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configuration key at fault (dotted, e.g. `county.deadline`), if known.
    public var key: String?
    /// What is wrong.
    public var reason: String

    /// Makes an error.
    public init(key: String? = nil, reason: String) {
        self.key = key
        self.reason = reason
    }

    /// `quota.<key>: <reason>`, or `quota: <reason>` when the key is not known.
    public var description: String {
        if let key { return "quota.\(key): \(reason)" }
        return "quota: \(reason)"
    }
}
