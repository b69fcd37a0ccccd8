public import Catalog
public import Foundation

/// The holdings register (馆藏登记): one row per archive or unit, with its 2010 holdings and what was
/// digitized before Quire — the baseline every quota is measured against.
///
/// The register is a CSV file as Excel exports it: UTF-8 (with or without byte-order mark) or GB18030,
/// RFC 4180 quoting, CRLF/LF/CR line ends. The first non-blank row is the header; headings are matched
/// case-insensitively and may come in any order. Columns:
///
/// | column | required | meaning |
/// | --- | --- | --- |
/// | `id` | yes | the archive's id, which the ledger's events name (a pipeline's `archive:`) |
/// | `name` | yes | the archive's name (may be Chinese) |
/// | `level` | yes | `city`, `county` (or `district`) or `unit`; 市 / 县 / 区 / 单位 also read |
/// | `baseline_volumes` | yes | 2010 holdings in 卷 (blank = 0) |
/// | `baseline_items` | yes | 2010 holdings in 件 (blank = 0) |
/// | `baseline_pages` | yes | 2010 holdings in pages, blank where not known |
/// | `prior_volumes` | yes | 卷 digitized before Quire (blank = 0) |
/// | `prior_items` | yes | 件 digitized before Quire (blank = 0) |
/// | `has_digital_room` | yes | `yes`/`no` (also `true`/`false`, `1`/`0`, 是/否, 有/无; blank = no) |
/// | `parent` | no | the id of the archive a unit (or county) belongs to: a unit under a city archive is a city unit |
/// | `prior_pages` | no | pages digitized before Quire |
/// | `prior_gb` | no | GB (10⁹ bytes) digitized before Quire, a decimal number |
/// | `current_volumes`, `current_items` | no | today's holdings, for the "holdings double against 2010" rule |
/// | `livelihood_volumes`, `livelihood_items` | no | livelihood (民生) records, for the "≥ 60% of holdings" rule |
///
/// Counts are whole numbers written with ASCII digits only. Other columns are ignored (and listed in
/// ``ignoredColumns``). A row with problems — an empty or duplicate id, an unknown level, a count that is
/// not a whole number, a field count different from the header's, a parent that is not in the register —
/// is left out and reported in ``errors`` with its line; the others are read. A file that cannot be
/// decoded, has no header, or lacks a required column is thrown as a ``CSVFileError``
/// naming the missing columns.
///
/// ```swift
/// let register = try HoldingsRegister.read(contentsOf: URL(fileURLWithPath: "holdings.csv"))
/// register.archives.map(\.id)   // ["C01", "X01", "X02", "U001"]
/// register.errors               // [holdings.csv:7: level 'province' is not city, county or unit]
/// ```
public struct HoldingsRegister: Sendable, Hashable {
    /// The register file (path or source name).
    public var source: String
    /// The encoding the file was in.
    public var encoding: CatalogEncoding
    /// The rows read, in file order.
    public var archives: [RegisteredArchive]
    /// The rows left out, with their lines.
    public var errors: [CSVRowError]
    /// Headings that are not register columns (ignored).
    public var ignoredColumns: [String]

    /// The most archive rows a register may hold: a country's archives and units many times over, and small
    /// enough that totals of ``RegisteredArchive/maxCount`` per cell never overflow.
    public static let maxRows = 1_000_000

    /// Makes a register from rows (for rows built in code).
    public init(
        archives: [RegisteredArchive], source: String = "register", encoding: CatalogEncoding = .utf8,
        errors: [CSVRowError] = [], ignoredColumns: [String] = []
    ) {
        self.source = source
        self.encoding = encoding
        self.archives = archives
        self.errors = errors
        self.ignoredColumns = ignoredColumns
    }

    /// The row with this id.
    public subscript(id: String) -> RegisteredArchive? {
        archives.first { $0.id == id }
    }

    /// Reads a register file.
    public static func read(contentsOf url: URL, delimiter: Unicode.Scalar = ",") throws(CSVFileError) -> HoldingsRegister {
        try CSVFileError.checkSize(of: url, kind: .holdingsRegister)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CSVFileError(
                kind: .holdingsRegister, file: url.path, line: nil, reason: "cannot read the file: \(error.localizedDescription)")
        }
        return try read(data: data, source: url.path, delimiter: delimiter)
    }

    /// Reads register bytes; `source` names the file in errors.
    public static func read(data: Data, source: String, delimiter: Unicode.Scalar = ",") throws(CSVFileError) -> HoldingsRegister
    {
        let decoded = try CatalogTextDecoder.decode(data, as: nil, file: source, kind: .holdingsRegister)
        return try parse(decoded.text, source: source, encoding: decoded.encoding, delimiter: delimiter)
    }

    // MARK: - Parsing

    private static func parse(
        _ text: String, source: String, encoding: CatalogEncoding,
        delimiter: Unicode.Scalar
    ) throws(CSVFileError) -> HoldingsRegister {
        let rows = CSVParser(delimiter: delimiter).parse(text)
        guard let headerIndex = rows.firstIndex(where: { !$0.isBlank || $0.problem != nil }) else {
            throw CSVFileError(kind: .holdingsRegister, file: source, line: nil, reason: "the file has no header row")
        }
        let header = rows[headerIndex]
        if let problem = header.problem {
            throw CSVFileError(
                kind: .holdingsRegister, file: source, line: header.line, reason: "the header row is malformed: \(problem)")
        }
        var columnIndex: [RegisterColumn: Int] = [:]
        var ignored: [String] = []
        for (offset, heading) in header.fields.enumerated() {
            guard let column = RegisterColumn(heading: heading) else {
                let trimmed = heading.trimmingWhitespace()
                if !trimmed.isEmpty { ignored.append(trimmed) }
                continue
            }
            if let first = columnIndex[column] {
                throw CSVFileError(
                    kind: .holdingsRegister, file: source, line: header.line,
                    reason: "columns \(first + 1) and \(offset + 1) are both '\(column.rawValue)'")
            }
            columnIndex[column] = offset
        }
        let missing = RegisterColumn.required.filter { columnIndex[$0] == nil }
        if !missing.isEmpty {
            let names = missing.map(\.rawValue).joined(separator: ", ")
            throw CSVFileError(
                kind: .holdingsRegister, file: source, line: header.line,
                reason: "the header lacks the required column\(missing.count == 1 ? "" : "s") \(names)")
        }

        var archives: [RegisteredArchive] = []
        var errors: [CSVRowError] = []
        var firstLine: [String: Int] = [:]
        for row in rows[(headerIndex + 1)...] {
            if archives.count == Self.maxRows {
                throw CSVFileError(
                    kind: .holdingsRegister, file: source, line: row.line,
                    reason: "the register has more than \(Self.maxRows) rows, more than any programme has archives")
            }
            if let problem = row.problem {
                errors.append(CSVRowError(file: source, line: row.line, reason: problem))
                continue
            }
            if row.isBlank { continue }
            var fields = row.fields
            if fields.count > header.fields.count,
                fields[header.fields.count...].allSatisfy({ $0.trimmingWhitespace().isEmpty })
            {
                fields.removeLast(fields.count - header.fields.count)  // Excel's stray trailing commas
            }
            guard fields.count == header.fields.count else {
                errors.append(
                    CSVRowError(
                        file: source, line: row.line,
                        reason: "the row has \(row.fields.count) fields, the header has \(header.fields.count)"))
                continue
            }
            var reader = RegisterRowReader(fields: fields, columns: columnIndex)
            let archive = reader.archive(line: row.line)
            if let archive, let first = firstLine[archive.id] {
                reader.problems.append("id '\(archive.id)' duplicates the row on line \(first)")
            }
            guard let archive, reader.problems.isEmpty else {
                errors.append(CSVRowError(file: source, line: row.line, reason: reader.problems.joined(separator: "; ")))
                continue
            }
            firstLine[archive.id] = row.line
            archives.append(archive)
        }

        // Parents are checked once every row is known.
        let levels = Dictionary(archives.map { ($0.id, $0.level) }, uniquingKeysWith: { first, _ in first })
        var kept: [RegisteredArchive] = []
        for archive in archives {
            guard let parent = archive.parent else { kept.append(archive); continue }
            let problem: String? =
                if parent == archive.id {
                    "parent '\(parent)' is the row itself"
                } else if let level = levels[parent] {
                    level == .unit ? "parent '\(parent)' is a unit, not an archive" : nil
                } else {
                    "parent '\(parent)' is not in the register"
                }
            if let problem {
                errors.append(CSVRowError(file: source, line: archive.line, reason: problem))
            } else {
                kept.append(archive)
            }
        }
        errors.sort { $0.line < $1.line }
        return HoldingsRegister(archives: kept, source: source, encoding: encoding, errors: errors, ignoredColumns: ignored)
    }
}
