/// One record of a register CSV file as the parser found it.
struct RegisterCSVRow: Sendable, Equatable {
    /// The 1-based physical line the row starts on.
    var line: Int
    /// The fields, unquoted.
    var fields: [String]
    /// Why the row is malformed, if it is.
    var problem: String?

    /// Whether every field is empty (Excel writes `,,,,` for blank rows).
    var isBlank: Bool { fields.allSatisfy { $0.trimmingWhitespace().isEmpty } }
}
