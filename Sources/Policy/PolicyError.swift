public import QuireCore

/// A pipeline file that cannot be used: where, which key, and what is wrong.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The pipeline file.
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// The dotted key path at fault (`master.compression.gray`), empty for the whole file.
    public var key: String
    /// What is wrong, and the fix when there is one.
    public var message: String

    /// Makes an error.
    public init(file: String, line: Int? = nil, column: Int? = nil, key: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    /// `file:line:column: key: message`, leaving out the parts not known.
    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return key.isEmpty ? "\(place): \(message)" : "\(place): \(key): \(message)"
    }
}

extension PolicyError: QuireErrorConvertible {
    /// A usage error of the policy stage, naming the file, line, column and key: it ends `quire` with exit code 2.
    public var quireError: QuireError {
        QuireError(
            .usage, stage: .policy, file: file, line: line, column: column,
            message: key.isEmpty ? message : "\(key): \(message)")
    }
}
