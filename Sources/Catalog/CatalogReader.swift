public import ArchivalCode
public import Foundation

/// Reads a catalog (目录) CSV file as Excel exports it and validates every row.
///
/// - Encoding: UTF-8 with or without BOM, or GB18030; detected (valid UTF-8 is UTF-8, anything else is
///   decoded as GB18030) unless stated.
/// - Syntax: RFC 4180 (quoted fields with delimiters, doubled quotes and line breaks; CRLF, LF or CR).
/// - Header: the first non-blank row; headings map to ``CatalogField``s through ``CatalogColumns``, other
///   columns are kept as extra fields. A 档号 column is required.
/// - Rows: each row is checked — 档号 present and well-formed, 日期 / 起止日期 a real date, 页数 a whole
///   number of at least 1, 件数 a whole number, the field count equal to the header's, 档号 not a duplicate
///   of an earlier row. A row with problems is reported (one ``CSVRowError`` per problem, with its line)
///   and left out; the other rows import. Blank rows are skipped.
///
/// ```swift
/// let catalog = try CatalogReader().read(contentsOf: URL(fileURLWithPath: "samples/catalog-gb18030.csv"))
/// catalog.encoding          // .gb18030
/// catalog.records.count     // 5
/// ```
public struct CatalogReader: Sendable {
    /// The stated encoding, or nil to detect it.
    public var encoding: CatalogEncoding?
    /// How headings map to fields.
    public var columns: CatalogColumns
    /// How 档号 are validated.
    public var codeRules: CodeRules
    /// The field separator (`,`; some exports use `;` or a tab).
    public var delimiter: Unicode.Scalar

    /// Makes a reader.
    public init(
        encoding: CatalogEncoding? = nil, columns: CatalogColumns = .standard,
        codeRules: CodeRules = CodeRules(), delimiter: Unicode.Scalar = ","
    ) {
        self.encoding = encoding
        self.columns = columns
        self.codeRules = codeRules
        self.delimiter = delimiter
    }

    /// Reads a catalog file.
    public func read(contentsOf url: URL) throws(CSVFileError) -> Catalog {
        try CSVFileError.checkSize(of: url, kind: .catalog)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CSVFileError(
                kind: .catalog, file: url.path, line: nil, reason: "cannot read the file: \(error.localizedDescription)")
        }
        return try read(data, source: url.path)
    }

    /// Reads catalog bytes; `source` names the file in errors.
    public func read(_ data: Data, source: String) throws(CSVFileError) -> Catalog {
        let decoded = try CatalogTextDecoder.decode(data, as: encoding, file: source)
        return try parse(
            decoded.text, source: source, encoding: decoded.encoding,
            hadByteOrderMark: decoded.hadByteOrderMark)
    }

    /// Reads catalog text that is already decoded (reported as UTF-8).
    public func read(text: String, source: String) throws(CSVFileError) -> Catalog {
        var text = text
        let hadBOM = text.unicodeScalars.first == "\u{FEFF}"
        if hadBOM { text.unicodeScalars.removeFirst() }
        return try parse(text, source: source, encoding: .utf8, hadByteOrderMark: hadBOM)
    }

    // MARK: - Rows

    private func parse(
        _ text: String, source: String, encoding: CatalogEncoding,
        hadByteOrderMark: Bool
    ) throws(CSVFileError) -> Catalog {
        let rows = CSVParser(delimiter: delimiter).parse(text)
        guard let headerIndex = rows.firstIndex(where: { !$0.isBlank || $0.problem != nil }) else {
            throw CSVFileError(kind: .catalog, file: source, line: nil, reason: "the file has no header row")
        }
        let headerRow = rows[headerIndex]
        if let problem = headerRow.problem {
            throw CSVFileError(
                kind: .catalog, file: source, line: headerRow.line, reason: "the header row is malformed: \(problem)")
        }
        let columns = try mapHeader(headerRow, source: source)
        guard let codeIndex = columns.firstIndex(where: { $0.field == .code }) else {
            let headings = columns.map { "'\($0.heading)'" }.joined(separator: ", ")
            throw CSVFileError(
                kind: .catalog, file: source, line: headerRow.line,
                reason: "the header has no 档号 column (headings: \(headings))")
        }
        func index(of field: CatalogField) -> Int? { columns.firstIndex { $0.field == field } }
        let dateIndex = index(of: .date), rangeIndex = index(of: .dateRange)
        let pagesIndex = index(of: .pageCount), itemsIndex = index(of: .itemCount)

        var records: [CatalogRecord] = []
        var errors: [CSVRowError] = []
        var firstLine: [ArchivalCode: Int] = [:]

        for row in rows[(headerIndex + 1)...] {
            func reject(_ reason: String) { errors.append(CSVRowError(file: source, line: row.line, reason: reason)) }
            if let problem = row.problem { reject(problem); continue }
            if row.isBlank { continue }
            guard row.fields.count == columns.count else {
                reject("the row has \(row.fields.count) fields, the header has \(columns.count)")
                continue
            }
            var problems: [String] = []

            var code: ArchivalCode?
            let codeText = row.fields[codeIndex].trimmingWhitespace()
            if codeText.isEmpty {
                problems.append("档号 is empty")
            } else {
                do {
                    let parsed = try ArchivalCode.parse(codeText, rules: codeRules)
                    if let first = firstLine[parsed] {
                        problems.append("档号 \(parsed.canonical) duplicates the row on line \(first)")
                    } else {
                        firstLine[parsed] = row.line
                        code = parsed
                    }
                } catch {
                    problems.append("档号 '\(codeText)' is malformed: \(error.reason)")
                }
            }

            var date: CatalogDate?
            if let dateIndex, !row.fields[dateIndex].trimmingWhitespace().isEmpty {
                switch CatalogDate.parse(row.fields[dateIndex]) {
                case .success(let value): date = value
                case .failure(let problem): problems.append("日期 \(problem.reason)")
                }
            }
            var dateRange: CatalogDateRange?
            if let rangeIndex, !row.fields[rangeIndex].trimmingWhitespace().isEmpty {
                switch CatalogDateRange.parse(row.fields[rangeIndex]) {
                case .success(let value): dateRange = value
                case .failure(let problem): problems.append("\(columns[rangeIndex].heading) \(problem.reason)")
                }
            }
            var pageCount: Int?
            if let pagesIndex {
                switch Self.count(row.fields[pagesIndex], name: "页数", required: true) {
                case .success(let value): pageCount = value
                case .failure(let problem): problems.append(problem.reason)
                }
            }
            var itemCount: Int?
            if let itemsIndex {
                switch Self.count(row.fields[itemsIndex], name: "件数", required: false) {
                case .success(let value): itemCount = value
                case .failure(let problem): problems.append(problem.reason)
                }
            }

            guard problems.isEmpty, let code else {
                problems.forEach(reject)
                continue
            }
            let fields = zip(columns, row.fields).compactMap { column, value -> CatalogFieldValue? in
                // Unnamed, empty trailing columns (Excel's stray commas) carry nothing.
                if column.heading.isEmpty && column.field == nil && value.isEmpty { return nil }
                return CatalogFieldValue(name: column.heading, field: column.field, value: value)
            }
            records.append(
                CatalogRecord(
                    line: row.line, code: code, fields: fields, pageCount: pageCount,
                    itemCount: itemCount, date: date, dateRange: dateRange))
        }
        return Catalog(
            source: source, encoding: encoding, hadByteOrderMark: hadByteOrderMark, columns: columns,
            records: records, errors: errors)
    }

    private func mapHeader(_ row: CSVRow, source: String) throws(CSVFileError) -> [CatalogColumn] {
        var columns: [CatalogColumn] = []
        var seen: [CatalogField: Int] = [:]
        for (offset, raw) in row.fields.enumerated() {
            let heading = raw.trimmingWhitespace()
            let field = self.columns.field(forHeading: heading)
            if let field {
                if let first = seen[field] {
                    throw CSVFileError(
                        kind: .catalog, file: source, line: row.line,
                        reason:
                            "columns \(first + 1) ('\(columns[first].heading)') and \(offset + 1) ('\(heading)') both stand for \(field.header)"
                    )
                }
                seen[field] = offset
            }
            columns.append(CatalogColumn(heading: heading, field: field))
        }
        return columns
    }

    /// The largest count (页数, 件数) a catalog row may state: far above any real record, far below any overflow.
    public static let maxCount = 1_000_000

    /// A whole count: ASCII digits (after trimming), at least 1 when required or when given.
    private static func count(_ raw: String, name: String, required: Bool) -> Result<Int?, CatalogDate.Problem> {
        let text = raw.trimmingWhitespace()
        if text.isEmpty {
            return required ? .failure(.init(reason: "\(name) is empty")) : .success(nil)
        }
        guard text.unicodeScalars.allSatisfy(\.isASCIIDigit) else {
            return .failure(.init(reason: "\(name) '\(raw)' is not a whole number"))
        }
        guard let value = Int(text), value <= Self.maxCount else {
            return .failure(.init(reason: "\(name) '\(raw)' is larger than \(Self.maxCount), the most a catalog count may be"))
        }
        guard value >= 1 else {
            return .failure(.init(reason: "\(name) must be 1 or more, found \(value)"))
        }
        return .success(value)
    }
}
