public import QuireCore
public import ArchivalCode

/// The binding outcome of one catalog record.
///
/// JSON: `{"code": "0026-003-0046", "status": "held", "problems": [{"rule": "…", "detail": "…"}]}`. The code
/// decodes with the default ``CodeRules``.
public struct RecordBinding: Sendable, Hashable, Codable {
    /// The record's 档号.
    public var code: ArchivalCode
    /// Bound, or held.
    public var status: BindingStatus
    /// Why it is held; empty when bound.
    public var problems: [BindingProblem]

    /// Makes an outcome; the status follows from the problems.
    public init(code: ArchivalCode, problems: [BindingProblem]) {
        self.code = code
        self.status = problems.isEmpty ? .bound : .held
        self.problems = problems
    }

    enum CodingKeys: String, CodingKey { case code, status, problems }

    /// Decodes an outcome.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .code)
        do {
            code = try ArchivalCode.parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .code, in: container, debugDescription: error.description)
        }
        status = try container.decode(BindingStatus.self, forKey: .status)
        problems = try container.decode([BindingProblem].self, forKey: .problems)
    }

    /// Encodes an outcome, the code as its canonical text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code.canonical, forKey: .code)
        try container.encode(status, forKey: .status)
        try container.encode(problems, forKey: .problems)
    }
}
