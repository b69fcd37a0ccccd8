/// What a CSV file is to Quire, named in the errors of the readers that share ``CSVFileError`` and
/// ``CSVRowError``.
public enum CSVFileKind: String, Sendable, Hashable, Codable, CustomStringConvertible {
    /// A catalog (目录) export, read by ``CatalogReader``.
    case catalog
    /// A holdings register (馆藏登记), read by the quota reports.
    case holdingsRegister = "holdings register"

    /// The kind as errors name it: `catalog`, `holdings register`.
    public var description: String { rawValue }
}
