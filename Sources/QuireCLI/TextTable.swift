import Quota

/// A plain text table with left-aligned columns, measured in display cells (CJK characters count two).
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []
    /// Longest a cell may print before it is cut with an ellipsis (the last column is never cut).
    var maxCell = 90

    init(_ headers: [String]) { self.headers = headers }

    mutating func add(_ row: [String]) { rows.append(row) }

    func render(indent: String = "  ") -> String {
        let all = [headers] + rows.map { row in row.enumerated().map { $0.offset == row.count - 1 ? $0.element : clip($0.element) } }
        var widths = Array(repeating: 0, count: headers.count)
        for row in all { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], DisplayWidth.of(cell)) } }
        return all.map { row in
            indent + row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - DisplayWidth.of(cell))
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    private func clip(_ text: String) -> String {
        guard DisplayWidth.of(text) > maxCell else { return text }
        var out = ""
        for ch in text {
            if DisplayWidth.of(out) + DisplayWidth.of(String(ch)) > maxCell - 1 { break }
            out.append(ch)
        }
        return out + "…"
    }
}
