/// How column headings map to ``CatalogField``s.
///
/// The standard Chinese headings are always known (plus the variants 起止时间 and 时间 for 起止日期);
/// add aliases for catalogs with other headings, e.g. English exports. Headings are compared after
/// trimming white space (including the ideographic space U+3000) and, for Latin letters, ignoring case.
/// Columns whose heading maps to no field are kept as extra fields, in order.
///
/// ```swift
/// var columns = CatalogColumns.standard
/// columns.add(alias: "Reference", for: .code)
/// let reader = CatalogReader(columns: columns)
/// ```
public struct CatalogColumns: Sendable, Equatable {
    /// Normalised heading → field.
    public private(set) var aliases: [String: CatalogField]

    /// The standard Chinese headings, plus `aliases` (heading → field).
    public init(aliases: [String: CatalogField] = [:]) {
        var map: [String: CatalogField] = [:]
        for field in CatalogField.allCases { map[Self.normalise(field.header)] = field }
        map[Self.normalise("起止时间")] = .dateRange
        map[Self.normalise("时间")] = .dateRange
        for (heading, field) in aliases { map[Self.normalise(heading)] = field }
        self.aliases = map
    }

    /// Only the standard Chinese headings.
    public static let standard = CatalogColumns()

    /// The standard Chinese headings and ``englishAliases``.
    public static let standardAndEnglish = CatalogColumns(aliases: englishAliases)

    /// Common English headings: `code`, `serial`, `title`, `date`, `pages`, `remarks`…
    public static let englishAliases: [String: CatalogField] = [
        "serial": .serial, "no": .serial, "no.": .serial,
        "code": .code, "reference": .code, "reference code": .code,
        "document number": .documentNumber, "doc no": .documentNumber,
        "responsible": .responsibleParty, "responsible party": .responsibleParty, "author": .responsibleParty,
        "title": .title,
        "date": .date,
        "classification": .classification,
        "pages": .pageCount, "page count": .pageCount,
        "remarks": .remarks, "notes": .remarks,
        "volume title": .volumeTitle,
        "date range": .dateRange, "dates": .dateRange,
        "items": .itemCount, "item count": .itemCount,
        "retention": .retention,
        "fonds": .fondsName, "fonds name": .fondsName,
        "category": .categoryName, "category name": .categoryName,
    ]

    /// Adds (or replaces) an alias.
    public mutating func add(alias heading: String, for field: CatalogField) {
        aliases[Self.normalise(heading)] = field
    }

    /// The field a heading stands for, or nil for an extra column.
    public func field(forHeading heading: String) -> CatalogField? {
        aliases[Self.normalise(heading)]
    }

    static func normalise(_ heading: String) -> String {
        heading.trimmingWhitespace().lowercased()
    }
}
