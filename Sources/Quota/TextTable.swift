/// A plain-text table whose columns line up in a terminal even with Chinese text in them.
struct TextTable {
    /// Which side of its column a cell hugs.
    enum Alignment { case left, right }

    var headers: [String]
    var alignments: [Alignment]
    var rows: [[String]] = []
    /// Row indexes after which a rule is drawn.
    var rulesAfter: Set<Int> = []

    init(headers: [String], alignments: [Alignment]) {
        self.headers = headers
        self.alignments = alignments
    }

    mutating func append(_ row: [String]) {
        rows.append(row)
    }

    /// Draws a rule under the last row appended.
    mutating func rule() {
        rulesAfter.insert(rows.count - 1)
    }

    /// The table, lines joined by line breaks (no trailing spaces).
    func rendered() -> String {
        let widths = headers.indices.map { column in
            ([headers] + rows).map { DisplayWidth.of($0[column]) }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { column, cell -> String in
                let padding = String(repeating: " ", count: widths[column] - DisplayWidth.of(cell))
                return alignments[column] == .right ? padding + cell : cell + padding
            }
            var text = padded.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        let separator = String(repeating: "─", count: widths.reduce(0, +) + 2 * (widths.count - 1))
        var lines = [line(headers), separator]
        for (index, row) in rows.enumerated() {
            lines.append(line(row))
            if rulesAfter.contains(index) { lines.append(separator) }
        }
        return lines.joined(separator: "\n")
    }
}
