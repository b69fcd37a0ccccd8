/// The result of one quality check on the record or one of its pages.
public struct QCResult: Sendable, Hashable, Codable {
    /// The check, e.g. `page_count`, `decode`, `resolution`.
    public var check: String
    /// Pass, warning or fail.
    public var outcome: QCOutcome
    /// The page it concerns, or nil for the whole record.
    public var page: Int?
    /// Particulars, when there are any.
    public var detail: String?

    /// Makes a result.
    public init(check: String, outcome: QCOutcome, page: Int? = nil, detail: String? = nil) {
        self.check = check
        self.outcome = outcome
        self.page = page
        self.detail = detail
    }
}
