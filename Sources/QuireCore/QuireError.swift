/// The one error type Quire's modules throw across their boundaries: which stage, which file, which rule, what
/// went wrong in words, the underlying library's own message and code when there is one, and the fix when Quire
/// knows it. The CLI turns ``kind`` into an exit code in one place.
public struct QuireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is, which decides the exit code.
    public enum Kind: String, Sendable, Codable {
        /// Bad arguments or configuration (a pipeline file, rules, an environment variable): exit 2.
        case usage
        /// Quire could not run: the workspace, the ledger, the delivery or the disk failed it: exit 3.
        case couldNotRun
    }

    /// A library's or the system's own account of the failure.
    public struct Underlying: Sendable, Equatable, CustomStringConvertible {
        /// Who said it (`sqlite`, `errno`, `libtiff`, `yaml`…).
        public var source: String
        /// Its numeric code (an SQLite result code, an errno), when it has one.
        public var code: Int32?
        /// Its message.
        public var message: String

        /// Makes a value.
        public init(source: String, code: Int32? = nil, message: String) {
            self.source = source
            self.code = code
            self.message = message
        }

        /// `source code: message`.
        public var description: String {
            code.map { "\(source) \($0): \(message)" } ?? "\(source): \(message)"
        }
    }

    /// Which exit code this ends with.
    public var kind: Kind
    /// Where it happened.
    public var stage: Stage
    /// The file (or database, or folder) concerned, when there is one.
    public var file: String?
    /// The 1-based line in ``file`` (a pipeline file's key, a catalog row), when known.
    public var line: Int?
    /// The 1-based column on ``line``, when known.
    public var column: Int?
    /// The stable rule id, when a rule was broken.
    public var rule: String?
    /// What went wrong, in words.
    public var message: String
    /// The library's or system's own message and code.
    public var underlying: Underlying?
    /// How to fix it, when Quire knows.
    public var fix: String?

    /// Makes an error.
    public init(
        _ kind: Kind, stage: Stage, file: String? = nil, line: Int? = nil, column: Int? = nil, rule: String? = nil,
        message: String, underlying: Underlying? = nil, fix: String? = nil
    ) {
        self.kind = kind
        self.stage = stage
        self.file = file
        self.line = line
        self.column = column
        self.rule = rule
        self.message = message
        self.underlying = underlying
        self.fix = fix
    }

    /// One line (two with a fix): `file:line:column: message (library code: text)` and `fix: …`.
    public var description: String {
        var place = file
        if let line { place = (place ?? "") + ":\(line)" }
        if let column, line != nil { place = (place ?? "") + ":\(column)" }
        var text = place.map { "\($0): \(message)" } ?? message
        if let underlying { text += " (\(underlying))" }
        if let fix { text += "\n  fix: \(fix)" }
        return text
    }
}

/// An error that has a ``QuireError`` to show for it: a module's own detailed error type (a `PolicyError` with its
/// key, a stage's error) converts at the boundary, so the CLI needs one mapping to exit codes.
public protocol QuireErrorConvertible: Error {
    /// The error as Quire reports it.
    var quireError: QuireError { get }
}

extension QuireError: QuireErrorConvertible {
    /// Itself.
    public var quireError: QuireError { self }
}
