/// One column of a catalog file: its heading as written and the field it was mapped to.
public struct CatalogColumn: Sendable, Hashable, Codable {
    /// The heading as written in the header row.
    public var heading: String
    /// The field the heading stands for, or nil for an extra column.
    public var field: CatalogField?

    /// Makes a column.
    public init(heading: String, field: CatalogField?) {
        self.heading = heading
        self.field = field
    }
}
