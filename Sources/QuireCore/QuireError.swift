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
        _ kind: Kind, stage: Stage, file: String? = nil, rule: String? = nil, message: String,
        underlying: Underlying? = nil, fix: String? = nil
    ) {
        self.kind = kind
        self.stage = stage
        self.file = file
        self.rule = rule
        self.message = message
        self.underlying = underlying
        self.fix = fix
    }

    /// One line (two with a fix): `file: message (library code: text)` and `fix: …`.
    public var description: String {
        var text = file.map { "\($0): \(message)" } ?? message
        if let underlying { text += " (\(underlying))" }
        if let fix { text += "\n  fix: \(fix)" }
        return text
    }
}
