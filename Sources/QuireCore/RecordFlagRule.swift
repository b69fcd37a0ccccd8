/// Stable ids of the problems the import finds with a whole record across its files (the ledger's record flags).
public enum RecordFlagRule: String, Sendable, Codable, CaseIterable, CodingKeyRepresentable, CustomStringConvertible {
    /// Page numbers are missing between 1 and the record's highest page (quarantined files count as present).
    case pageGap = "page_gap"

    /// The stored spelling.
    public var description: String { rawValue }
}
