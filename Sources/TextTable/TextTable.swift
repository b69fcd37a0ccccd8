/// A plain-text table whose columns line up in a terminal, measured in display cells so that Chinese
/// text (two cells a character, see ``DisplayWidth``) does not push the columns out of line.
///
/// Columns are separated by two spaces and aligned left or right; cells longer than ``maxCell`` are cut
/// with an ellipsis (the last column never is); lines carry no trailing spaces. A rule (`─`) can be drawn
/// under the header and under any row.
///
/// ```swift
/// var table = TextTable(["ID", "名称 Name", "卷 Vol."], alignments: [.left, .left, .right])
/// table.ruleUnderHeader = true
/// table.add(["C01", "某市档案馆", "1,200"])
/// table.add(["X01", "County", "35"])
/// print(table.render(indent: ""))
/// // ID   名称 Name   卷 Vol.
/// // ────────────────────────
/// // C01  某市档案馆    1,200
/// // X01  County           35
/// ```
public struct TextTable: Sendable, Hashable {
    /// Which side of its column a cell hugs.
    public enum Alignment: Sendable, Hashable {
        /// Text starts at the column's left edge (the default).
        case left
        /// Text ends at the column's right edge (numbers).
        case right
    }

    /// The column headings.
    public var headers: [String]
    /// Each column's alignment; a column without one is left-aligned.
    public var alignments: [Alignment]
    /// The rows, in order. A row shorter than the header is padded with empty cells.
    public var rows: [[String]] = []
    /// The display cells a cell may take before it is cut with an ellipsis (the last column is never
    /// cut); nil never cuts.
    public var maxCell: Int? = 90
    /// Whether a rule is drawn between the header and the first row.
    public var ruleUnderHeader = false
    /// Row indexes after which a rule is drawn.
    public var rulesAfter: Set<Int> = []

    /// Makes an empty table; every column left-aligned unless `alignments` says otherwise.
    public init(_ headers: [String], alignments: [Alignment] = []) {
        self.headers = headers
        self.alignments = alignments
    }

    /// Appends a row.
    public mutating func add(_ row: [String]) {
        rows.append(row)
    }

    /// Draws a rule under the last row added (under the header when there is no row yet).
    public mutating func rule() {
        if rows.isEmpty { ruleUnderHeader = true } else { rulesAfter.insert(rows.count - 1) }
    }

    /// The table: one line per row, each starting with `indent`, joined by line breaks (no trailing
    /// line break, no trailing spaces).
    public func render(indent: String = "  ") -> String {
        let columnCount = max(headers.count, rows.map(\.count).max() ?? 0)
        guard columnCount > 0 else { return "" }
        let last = columnCount - 1
        func cells(_ row: [String]) -> [String] {
            (0..<columnCount).map { column in
                let cell = column < row.count ? row[column] : ""
                return column == last ? cell : clip(cell)
            }
        }
        let header = cells(headers)
        let body = rows.map(cells)
        let widths = (0..<columnCount).map { column in
            ([header] + body).map { DisplayWidth.of($0[column]) }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            var text = indent
            for (column, cell) in cells.enumerated() {
                if column > 0 { text += "  " }
                let padding = String(repeating: " ", count: widths[column] - DisplayWidth.of(cell))
                let alignment = column < alignments.count ? alignments[column] : .left
                text += alignment == .right ? padding + cell : cell + padding
            }
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        let separator = indent + String(repeating: "─", count: widths.reduce(0, +) + 2 * (columnCount - 1))
        var lines = [line(header)]
        if ruleUnderHeader { lines.append(separator) }
        for (index, row) in body.enumerated() {
            lines.append(line(row))
            if rulesAfter.contains(index) { lines.append(separator) }
        }
        return lines.joined(separator: "\n")
    }

    /// `text` cut to ``maxCell`` display cells, the last of them an ellipsis.
    private func clip(_ text: String) -> String {
        guard let maxCell, maxCell > 1, DisplayWidth.of(text) > maxCell else { return text }
        var out = "", width = 0
        for character in text {
            let next = DisplayWidth.of(String(character))
            if width + next > maxCell - 1 { break }
            out.append(character)
            width += next
        }
        return out + "…"
    }
}
