/// A CSV row (of a catalog or a holdings register) that was left out, with the line it starts on and why.
///
/// Line numbers count physical lines of the file from 1 (the header is usually line 1), so a row after a
/// quoted field holding a line break has the number an editor shows.
///
/// ```swift
/// for error in catalog.errors { print(error) }   // catalog.csv:7: 页数 '三' is not a whole number
/// ```
public struct CSVRowError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file (path or source name).
    public var file: String
    /// The 1-based line the row starts on.
    public var line: Int
    /// Why the row was rejected (all its problems, separated by "; ", where a reader collects several).
    public var reason: String

    /// Makes an error.
    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// `file:line: reason`.
    public var description: String { "\(file):\(line): \(reason)" }

    enum CodingKeys: String, CodingKey { case file, line, reason }

    /// Decodes an error; `file` may be absent (it is not part of the binding report's contract).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        file = try container.decodeIfPresent(String.self, forKey: .file) ?? ""
        line = try container.decode(Int.self, forKey: .line)
        reason = try container.decode(String.self, forKey: .reason)
    }
}
