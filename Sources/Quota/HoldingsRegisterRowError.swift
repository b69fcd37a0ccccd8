/// A register row that was left out, with the line it starts on and why.
///
/// Line numbers count physical lines from 1 (the header is usually line 1), as an editor shows them.
public struct HoldingsRegisterRowError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The register file (path or source name).
    public var file: String
    /// The 1-based line the row starts on.
    public var line: Int
    /// Why the row was rejected (all its problems, separated by "; ").
    public var reason: String

    /// Makes an error.
    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String { "\(file):\(line): \(reason)" }
}
