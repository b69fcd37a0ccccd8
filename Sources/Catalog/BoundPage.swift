/// An accepted page image offered for binding (数据挂接): which record and page it belongs to, where it is.
public struct BoundPage: Sendable, Hashable, Codable {
    /// The 档号 the file name maps to, in canonical spelling (an ASCII `.` for `·` is tolerated).
    public var code: String
    /// The page number, from 1.
    public var page: Int
    /// The file's path (relative to the delivery).
    public var path: String
    /// Anything else the caller wants to carry along (format, digest…); the binder does not look at it.
    public var info: [String: String]
    /// Why no preservation master could be made of this page (normalization failed: resolution below the
    /// policy's minimum, source changed since import…), or nil. Such a page holds its record (`failed_pages`).
    public var failure: String?

    /// Makes a page.
    public init(code: String, page: Int, path: String, info: [String: String] = [:], failure: String? = nil) {
        self.code = code
        self.page = page
        self.path = path
        self.info = info
        self.failure = failure
    }
}
