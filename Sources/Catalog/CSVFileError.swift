public import Foundation

/// A CSV file (a catalog or a holdings register) that cannot be read at all: unreadable, undecodable,
/// without a usable header, or missing a required column.
///
/// Problems confined to one row are not thrown; they are collected as ``CSVRowError`` values (in
/// ``Catalog/errors``, or a holdings register's `errors`) while the good rows are still read.
///
/// ```swift
/// do { _ = try CatalogReader().read(contentsOf: url) } catch {
///     print(error)   // h.csv:3: catalog: the header has no 档号 column (headings: '序号', '题名')
/// }
/// ```
public struct CSVFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the file was read as.
    public var kind: CSVFileKind
    /// The file (path or the source name given to the reader).
    public var file: String
    /// The 1-based line the problem is on, or nil when it concerns the whole file.
    public var line: Int?
    /// What is wrong, and the fix when there is one.
    public var reason: String

    /// Makes an error.
    public init(kind: CSVFileKind, file: String, line: Int?, reason: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// `file:line: kind: reason` (no line when the problem concerns the whole file).
    public var description: String {
        if let line { return "\(file):\(line): \(kind): \(reason)" }
        return "\(file): \(kind): \(reason)"
    }
}

extension CSVFileError {
    /// The largest catalog or register file read (256 MiB: tens of millions of rows). A larger file is refused
    /// before it is loaded, so its size never decides how much memory Quire takes.
    public static let maxFileBytes: Int64 = 256 << 20

    /// Throws when the file at `url` is larger than ``maxFileBytes``; a file that cannot be examined is left to
    /// the read to report.
    public static func checkSize(of url: URL, kind: CSVFileKind) throws(CSVFileError) {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return }
        if Int64(info.st_size) > maxFileBytes {
            throw CSVFileError(
                kind: kind, file: url.path, line: nil,
                reason:
                    "the file is \(Int64(info.st_size) >> 20) MiB; a \(kind) may be at most \(maxFileBytes >> 20) MiB — split it by fonds or batch"
            )
        }
    }
}
