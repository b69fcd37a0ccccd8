/// One record of a CSV file as the parser found it.
public struct CSVRow: Sendable, Equatable {
    /// The 1-based physical line the row starts on.
    public var line: Int
    /// The fields, unquoted.
    public var fields: [String]
    /// Why the row is malformed, if it is (the fields are then best-effort).
    public var problem: String?

    /// Whether every field is empty (Excel writes `,,,,` for blank rows).
    public var isBlank: Bool { fields.allSatisfy { $0.trimmingWhitespace().isEmpty } }
}
