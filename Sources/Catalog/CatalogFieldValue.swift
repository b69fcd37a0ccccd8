/// One cell of a catalog row: the column heading, what it means, and the text exactly as in the file.
///
/// JSON: `{"name": "页数", "key": "page_count", "value": "3"}` (`key` absent for extra columns).
public struct CatalogFieldValue: Sendable, Hashable, Codable {
    /// The column heading as written in the file.
    public var name: String
    /// The field the column stands for, or nil for an extra column.
    public var field: CatalogField?
    /// The cell's text, verbatim (quotes removed, doubled quotes undoubled, nothing trimmed).
    public var value: String

    /// Makes a field value.
    public init(name: String, field: CatalogField? = nil, value: String) {
        self.name = name
        self.field = field
        self.value = value
    }

    enum CodingKeys: String, CodingKey {
        case name, value
        case field = "key"
    }
}
