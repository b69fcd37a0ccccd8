import Foundation
import Testing
import TextTable

@Suite struct TextTableTests {
    /// The display column at which `needle` starts in `line`.
    private func column(of needle: String, in line: String) -> Int? {
        guard let range = line.range(of: needle) else { return nil }
        return DisplayWidth.of(String(line[..<range.lowerBound]))
    }

    @Test func chineseCellsKeepColumnsAligned() {
        var table = TextTable(["档号", "题名", "页数"], alignments: [.left, .left, .right])
        table.add(["0026-003-0045", "关于档案数字化的通知", "12"])
        table.add(["C01", "Notice", "3"])
        table.add(["某市", "市档案馆", "1,200"])
        let lines = table.render(indent: "").split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        // The second column starts at the same display column on every line, whatever the first holds.
        let starts = [
            column(of: "题名", in: lines[0]), column(of: "关于", in: lines[1]),
            column(of: "Notice", in: lines[2]), column(of: "市档案馆", in: lines[3]),
        ]
        #expect(starts == [15, 15, 15, 15])
        // The right-aligned last column ends at the same display column on every line.
        #expect(Set(lines.map(DisplayWidth.of)) == [15 + 20 + 2 + 5])
        #expect(lines[1].hasSuffix("    12"))
        // Counting characters instead of cells would misalign: the lines differ in character count.
        #expect(Set(lines.map(\.count)).count > 1)
    }

    @Test func rulesIndentAndNoTrailingSpaces() {
        var table = TextTable(["ID", "名称 Name", "卷 Vol."], alignments: [.left, .left, .right])
        table.ruleUnderHeader = true
        table.add(["C01", "某市档案馆", "1,200"])
        table.rule()
        table.add(["X01", "County", ""])
        #expect(
            table.render(indent: "") == """
                ID   名称 Name   卷 Vol.
                ────────────────────────
                C01  某市档案馆    1,200
                ────────────────────────
                X01  County
                """)
        let indented = table.render()
        #expect(indented.split(separator: "\n").allSatisfy { $0.hasPrefix("  ") && !$0.hasSuffix(" ") })
    }

    @Test func longCellsAreCutButNotTheLastColumn() {
        var table = TextTable(["A", "B"])
        table.maxCell = 6
        let long = "档案数字化规范全文"  // 18 cells
        table.add([long, long])
        let row = table.render(indent: "").split(separator: "\n").map(String.init)[1]
        #expect(row == "档案…  " + long)  // 2 + 2 + 1 cells, then the separator and the whole last cell
        table.maxCell = nil
        #expect(table.render(indent: "").contains(long + "  " + long))
    }

    @Test func shortAndLongRowsAreTolerated() {
        var table = TextTable(["A", "B", "C"])
        table.add(["1"])
        table.add(["1", "2", "3", "4"])
        let lines = table.render(indent: "").split(separator: "\n").map(String.init)
        #expect(lines == ["A  B  C", "1", "1  2  3  4"])
    }

    @Test func displayWidths() {
        #expect(DisplayWidth.of("某市档案馆") == 10)
        #expect(DisplayWidth.of("C01") == 3)
        #expect(DisplayWidth.of("ＡＢ") == 4)  // fullwidth forms
        #expect(DisplayWidth.of("e\u{301}") == 1)  // combining accent takes no cell
        #expect(DisplayWidth.of("·") == 1)
    }
}
