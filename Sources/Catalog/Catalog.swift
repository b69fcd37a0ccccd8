public import ArchivalCode

/// An imported catalog (目录): the rows that passed validation, the rows that did not, and how the file
/// was read.
///
/// ```swift
/// let catalog = try CatalogReader().read(contentsOf: URL(fileURLWithPath: "catalog.csv"))
/// for error in catalog.errors { print(error) }        // catalog.csv:7: 页数 '三' is not a whole number
/// let result = Binder.bind(catalog: catalog, pages: pages, quarantined: quarantined)
/// ```
public struct Catalog: Sendable, Equatable {
    /// The file (path or source name) the catalog was read from.
    public var source: String
    /// The encoding the file was decoded with.
    public var encoding: CatalogEncoding
    /// Whether the file began with a byte-order mark.
    public var hadByteOrderMark: Bool
    /// The columns of the header row, in order.
    public var columns: [CatalogColumn]
    /// Item or volume catalog, from the columns.
    public var kind: CatalogKind
    /// The rows that imported, in file order.
    public var records: [CatalogRecord]
    /// The rows that did not, in file order.
    public var errors: [CSVRowError]

    /// Makes a catalog.
    public init(
        source: String, encoding: CatalogEncoding = .utf8, hadByteOrderMark: Bool = false,
        columns: [CatalogColumn] = [], kind: CatalogKind? = nil, records: [CatalogRecord],
        errors: [CSVRowError] = []
    ) {
        self.source = source
        self.encoding = encoding
        self.hadByteOrderMark = hadByteOrderMark
        self.columns = columns
        self.kind = kind ?? CatalogKind.inferred(from: columns.compactMap(\.field))
        self.records = records
        self.errors = errors
    }

    /// The record with this 档号, if it imported.
    public func record(for code: ArchivalCode) -> CatalogRecord? {
        records.first { $0.code == code }
    }
}
