/// A holdings register that cannot be read at all: unreadable, undecodable, without a header, or
/// missing a required column.
///
/// Problems confined to one row are not thrown; they are collected as ``HoldingsRegisterRowError``
/// values in ``HoldingsRegister/errors`` while the good rows are still read.
public struct HoldingsRegisterFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file (path or the source name given to the reader).
    public var file: String
    /// The 1-based line the problem is on, or nil when it concerns the whole file.
    public var line: Int?
    /// What is wrong.
    public var reason: String

    /// Makes an error.
    public init(file: String, line: Int?, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String {
        if let line { return "\(file):\(line): \(reason)" }
        return "\(file): \(reason)"
    }
}
