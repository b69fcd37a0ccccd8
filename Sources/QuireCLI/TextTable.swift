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
        for row in all { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], displayWidth(cell)) } }
        return all.map { row in
            indent + row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - displayWidth(cell))
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    private func clip(_ text: String) -> String {
        guard displayWidth(text) > maxCell else { return text }
        var out = ""
        for ch in text {
            if displayWidth(out) + displayWidth(String(ch)) > maxCell - 1 { break }
            out.append(ch)
        }
        return out + "…"
    }
}

/// Terminal cells a string takes: East Asian wide characters take two.
func displayWidth(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { sum, scalar in
        let v = scalar.value
        let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
        return sum + (wide ? 2 : 1)
    }
}
