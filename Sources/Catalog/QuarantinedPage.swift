/// A file the import set aside (corrupt, unreadable, misnamed): not a page, but it tells the binder that a
/// record's count is short for a known reason.
public struct QuarantinedPage: Sendable, Hashable, Codable {
    /// The file's path (relative to the delivery).
    public var path: String
    /// The 档号 its name maps to, when it maps to one.
    public var code: String?
    /// The page number its name maps to, when it maps to one.
    public var page: Int?
    /// Why it was quarantined.
    public var reason: String

    /// Makes a quarantined page.
    public init(path: String, code: String? = nil, page: Int? = nil, reason: String) {
        self.path = path
        self.code = code
        self.page = page
        self.reason = reason
    }
}
