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

    /// Makes a page.
    public init(code: String, page: Int, path: String, info: [String: String] = [:]) {
        self.code = code
        self.page = page
        self.path = path
        self.info = info
    }
}
