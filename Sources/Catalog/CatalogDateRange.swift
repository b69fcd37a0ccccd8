/// The date range of a volume (起止日期), e.g. `19980312-19981230`.
///
/// The two dates are joined by `-`, `~`, `～`, `—`, `–` or `至`; each date takes any ``CatalogDate``
/// spelling, so `1998-03-12-1998-12-30` and `1998.03.12~1998.12.30` parse too. A single date is a range of
/// one day. The end must not precede the start.
public struct CatalogDateRange: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The first day.
    public let start: CatalogDate
    /// The last day.
    public let end: CatalogDate

    /// Makes a range; nil when `end` precedes `start`.
    public init?(start: CatalogDate, end: CatalogDate) {
        guard start <= end else { return nil }
        self.start = start
        self.end = end
    }

    /// Parses a range; nil when the text is not one.
    public init?(parsing text: String) {
        switch Self.parse(text) {
        case .success(let range): self = range
        case .failure: return nil
        }
    }

    /// `YYYYMMDD-YYYYMMDD`.
    public var description: String { start.compact + "-" + end.compact }

    /// Decodes from `YYYYMMDD-YYYYMMDD` (or any accepted spelling).
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        switch Self.parse(text) {
        case .success(let range): self = range
        case .failure(let problem):
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: problem.reason))
        }
    }

    /// Encodes as `YYYYMMDD-YYYYMMDD`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    static func parse(_ raw: String) -> Result<CatalogDateRange, CatalogDate.Problem> {
        let text = raw.trimmingWhitespace()
        let expected = "'\(raw)' is not a date range (YYYYMMDD-YYYYMMDD)"
        var halves: (String, String)?
        for separator in ["~", "～", "—", "–", "至"] where text.contains(separator) {
            let parts = text.components(separatedBy: separator)
            guard parts.count == 2 else { return .failure(.init(reason: expected)) }
            halves = (parts[0], parts[1])
            break
        }
        if halves == nil, text.contains("-") {
            // Split at the one hyphen that leaves a date on both sides.
            for index in text.indices where text[index] == "-" {
                let left = String(text[..<index]), right = String(text[text.index(after: index)...])
                if case .success = CatalogDate.parse(left), case .success = CatalogDate.parse(right) {
                    halves = (left, right)
                    break
                }
            }
            let hyphens = text.indices.filter { text[$0] == "-" }
            if halves == nil, hyphens.count == 1 {
                // One hyphen: a compact range with a bad half; parse the halves below to say which.
                halves = (String(text[..<hyphens[0]]), String(text[text.index(after: hyphens[0])...]))
            } else if halves == nil, case .failure = CatalogDate.parse(text) {
                return .failure(.init(reason: expected))
            }
        }
        let (first, second) = halves ?? (text, text)
        let start: CatalogDate, end: CatalogDate
        switch CatalogDate.parse(first) {
        case .success(let date): start = date
        case .failure(let problem): return .failure(.init(reason: "\(expected): \(problem.reason)"))
        }
        switch CatalogDate.parse(second) {
        case .success(let date): end = date
        case .failure(let problem): return .failure(.init(reason: "\(expected): \(problem.reason)"))
        }
        guard let range = CatalogDateRange(start: start, end: end) else {
            return .failure(.init(reason: "'\(raw)' ends (\(end.compact)) before it starts (\(start.compact))"))
        }
        return .success(range)
    }
}
