public import ArchivalCode

/// One imported catalog row: its 档号, every cell in column order, and the typed values Quire checks.
public struct CatalogRecord: Sendable, Equatable {
    /// The 1-based line of the file the row starts on.
    public var line: Int
    /// The parsed 档号.
    public var code: ArchivalCode
    /// Every cell, in column order, verbatim (extra columns included).
    public var fields: [CatalogFieldValue]
    /// 页数, when the catalog has that column.
    public var pageCount: Int?
    /// 件数, when the catalog has that column and the cell is filled.
    public var itemCount: Int?
    /// 日期, when present and filled.
    public var date: CatalogDate?
    /// 起止日期, when present and filled.
    public var dateRange: CatalogDateRange?

    /// Makes a record.
    public init(
        line: Int, code: ArchivalCode, fields: [CatalogFieldValue], pageCount: Int? = nil,
        itemCount: Int? = nil, date: CatalogDate? = nil, dateRange: CatalogDateRange? = nil
    ) {
        self.line = line
        self.code = code
        self.fields = fields
        self.pageCount = pageCount
        self.itemCount = itemCount
        self.date = date
        self.dateRange = dateRange
    }

    /// The text of a known field, or nil when the catalog has no such column.
    public subscript(field: CatalogField) -> String? {
        fields.first { $0.field == field }?.value
    }

    /// The text of the column with this heading (as written), or nil.
    public func value(named heading: String) -> String? {
        fields.first { $0.name == heading }?.value
    }

    /// The title: 题名, or 案卷题名 in a volume catalog.
    public var title: String? { self[.title] ?? self[.volumeTitle] }

    /// 序号, when present.
    public var serial: String? { self[.serial] }

    /// The cells of columns Quire does not know, in order.
    public var extraFields: [CatalogFieldValue] { fields.filter { $0.field == nil } }
}
