import Foundation
@testable import Quota
import TextTable
import Testing

@Suite struct QuotaRenderingTests {
    @Test func jsonContract() throws {
        let report = try Fixtures.report()
        let json = try TestJSON.parse(report.jsonString())
        #expect(json["as_of"] == .string("2018-06-30"))
        let archives = try #require(json["archives"])
        let c01 = try #require(archives.element(id: "C01"))
        #expect(c01["level"] == .string("city"))
        #expect(c01["baseline"] == .number(10000))
        #expect(c01["baseline_volumes"] == .number(6000))
        #expect(c01["baseline_items"] == .number(4000))
        #expect(c01["digitized"] == .number(6500))
        #expect(c01["digitized_volumes"] == .number(4050))
        #expect(c01["digitized_items"] == .number(2450))
        #expect(c01["digitized_pages"] == .number(44000))
        #expect(c01["digitized_gb"] == .number(4.0))
        #expect(c01["percent"] == .number(65))
        #expect(c01["target_percent"] == .number(70))
        #expect(c01["target"] == .number(7000))
        #expect(c01["gap"] == .number(500))
        #expect(c01["status"] == .string("on_track"))
        #expect(c01["recent_rate"] == .number(100))
        #expect(c01["projected_date"] == .string("2018-08-04"))
        #expect(c01["deadline"] == .string("2018-12-31"))
        #expect(c01["completion"] == .null)
        #expect(c01["burn_up"]?[5]?["digitized"] == .number(6500))
        #expect(c01["burn_up"]?[5]?["week_ending"] == .string("2018-06-30"))
        let x01 = try #require(archives.element(id: "X01"))
        #expect(x01["projected_date"] == .string("never"))
        #expect(x01["status"] == .string("behind"))
        #expect(x01["percent"] == .number(37.5))
        #expect(x01["baseline_pages"] == .null)
        #expect(x01["completion"]?["gap"] == .number(2500))
        let unit = try #require(archives.element(id: "U001"))
        #expect(unit["status"] == .string("no_target"))
        #expect(unit["target_percent"] == .null)
        #expect(unit["projected_date"] == .null)
        let total = try #require(json["total"])
        #expect(total["percent"] == .number(56.88))  // 56.875 to 2 decimals
        #expect(total["gap"] == .number(1000))
        #expect(total["projected_date"] == .string("never"))
        #expect(total["target_percent"] == .number(62.5))
        let units = try #require(json["units"])
        #expect(units["city"]?["units"] == .number(2))
        #expect(units["city"]?["with_room"] == .number(1))
        #expect(units["city"]?["target_percent"] == .number(80))
        #expect(units["city"]?["met"] == .bool(false))
        #expect(units["city"]?["without_room"] == .array([.string("U002")]))
        #expect(units["county"]?["met"] == .bool(true))
        #expect(json["unregistered"]?[0]?["id"] == .string("Z99"))
        #expect(json["ignored"]?["unverified"] == .number(1))
        #expect(json["ignored"]?["after_as_of"] == .number(1))
    }

    @Test func jsonIsStableAndSorted() throws {
        let first = try Fixtures.report().jsonString()
        let second = try Fixtures.report().jsonString()
        #expect(first == second)
        // Sorted keys at the top level, and through Foundation it round-trips.
        let topKeys = first.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        #expect(topKeys == topKeys.sorted())
        #expect(
            topKeys == ["archives", "as_of", "ignored", "register", "register_errors", "rules", "total", "units", "unregistered"])
        let object = try JSONSerialization.jsonObject(with: Data(first.utf8))
        let resorted = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        #expect(try TestJSON.parse(String(decoding: resorted, as: UTF8.self)) == TestJSON.parse(first))
        #expect(first.contains("某市档案馆"))  // UTF-8, not \u escapes
    }

    @Test func csvHasARowPerArchiveAndATotal() throws {
        let report = try Fixtures.report()
        let lines = report.csvString().components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 1 + 7 + 1)
        #expect(lines[0] == QuotaReport.csvColumns.joined(separator: ","))
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        func row(_ id: String) -> [String: String] {
            let line = lines.first { $0.hasPrefix(id + ",") } ?? ""
            return Dictionary(
                uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
        #expect(row("C01")["percent"] == "65.0")
        #expect(row("C01")["projected_date"] == "2018-08-04")
        #expect(row("X01")["projected_date"] == "never")
        #expect(row("X01")["baseline_pages"] == "")
        #expect(row("U001")["status"] == "no_target")
        #expect(row("TOTAL")["gap"] == "1000")
        #expect(row("TOTAL")["digitized"] == "9100")
    }

    @Test func terminalTableAlignsChineseText() throws {
        let table = try Fixtures.report().terminalTable()
        #expect(table.contains("as of 2018-06-30"))
        #expect(table.contains("2018-08-04"))
        #expect(table.contains("never"))
        #expect(table.contains("1 more needed; without a room: U002"))
        #expect(table.contains("Z99"))
        // The status column starts at the same display column on every archive row, names being Chinese.
        let rows = table.split(separator: "\n").map(String.init).filter { line in
            ["C01 ", "X01 ", "X02 ", "U001 ", "U002 ", "U003 ", "U004 "].contains { line.hasPrefix($0) }
        }
        #expect(rows.count == 7)
        let starts = rows.map { line -> Int in
            let range =
                line.range(of: "  on track") ?? line.range(of: "  behind") ?? line.range(of: "  met")
                ?? line.range(of: "  no target")
            return DisplayWidth.of(String(line[..<(range?.upperBound ?? line.startIndex)]))
                - DisplayWidth.of(String(line[(range?.lowerBound ?? line.startIndex)..<(range?.upperBound ?? line.startIndex)]))
        }
        #expect(Set(starts).count == 1)
        #expect(DisplayWidth.of("某市档案馆") == 10)
        #expect(DisplayWidth.of("C01") == 3)
    }

    @Test func numberFormatting() {
        #expect(QuotaNumberFormat.decimal(64, decimals: 2) == "64.0")
        #expect(QuotaNumberFormat.decimal(56.875, decimals: 2) == "56.88")
        #expect(QuotaNumberFormat.decimal(0.0005, decimals: 3) == "0.001")
        #expect(QuotaNumberFormat.decimal(-1.25, decimals: 1) == "-1.3")
        #expect(QuotaNumberFormat.grouped(1_234_567) == "1,234,567")
        #expect(QuotaNumberFormat.percent(65) == "65.00%")
        #expect(QuotaNumberFormat.percent(nil) == "—")
    }
}
