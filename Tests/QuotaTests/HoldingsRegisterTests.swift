import Catalog
import CoreFoundation
import Foundation
import Quota
import QuireTestSupport
import Testing

@Suite struct HoldingsRegisterTests {
    @Test func readsTheFixture() throws {
        let register = try Fixtures.register()
        #expect(register.errors.isEmpty)
        #expect(register.encoding == .utf8)
        #expect(register.archives.map(\.id) == ["C01", "X01", "X02", "U001", "U002", "U003", "U004"])
        let c01 = try #require(register["C01"])
        #expect(c01.name == "某市档案馆")
        #expect(c01.level == .city)
        #expect(c01.parent == nil)
        #expect(c01.baseline == 10000)
        #expect(c01.baselinePages == 500_000)
        #expect(c01.prior == 6000)
        #expect(c01.hasDigitalRoom)
        #expect(c01.line == 2)
        #expect(register["X01"]?.baselinePages == nil)  // blank: not known
        #expect(register["X01"]?.hasDigitalRoom == true)  // 是
        #expect(register["X02"]?.priorItems == 0)  // blank: 0
        #expect(register["U004"]?.hasDigitalRoom == false)  // 否
        #expect(register["U003"]?.parent == "X01")
    }

    @Test func gb18030EqualsUTF8() throws {
        let encoding = String.Encoding(
            rawValue: CFStringConvertEncodingToNSStringEncoding(
                CFStringEncoding(CFStringEncodings.GB_18030_2000.rawValue)))
        let gbData = try #require(Fixtures.registerCSV.data(using: encoding))
        #expect(gbData != Data(Fixtures.registerCSV.utf8))  // really a different byte stream
        let gb = try HoldingsRegister.read(data: gbData, source: "holdings.csv")
        let utf8 = try Fixtures.register()
        #expect(gb.encoding == .gb18030)
        #expect(gb.archives == utf8.archives)
        #expect(gb.errors == utf8.errors)
        // And with a UTF-8 byte-order mark and CRLF line ends (Excel's "CSV UTF-8").
        let excel = Data([0xEF, 0xBB, 0xBF]) + Data(Fixtures.registerCSV.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        let bom = try HoldingsRegister.read(data: excel, source: "holdings.csv")
        #expect(bom.archives == utf8.archives)
    }

    @Test func readsAFile() throws {
        let scratch = try ScratchFolder("quota")
        let directory = scratch.url
        let url = directory.appendingPathComponent("holdings.csv")
        try Data(Fixtures.registerCSV.utf8).write(to: url)
        let register = try HoldingsRegister.read(contentsOf: url)
        #expect(register.source == url.path)
        #expect(register.archives.count == 7)
        #expect(throws: CSVFileError.self) {
            try HoldingsRegister.read(contentsOf: directory.appendingPathComponent("missing.csv"))
        }
    }

    @Test func badRowsAreReportedWithTheirLines() throws {
        let csv = """
            id,name,level,baseline_volumes,baseline_items,baseline_pages,prior_volumes,prior_items,has_digital_room,parent,notes
            C01,市馆,city,100,0,,0,0,yes,,
            X01,县馆,province,100,0,,0,0,no,,
            X02,县馆,county,1O0,0,,0,0,no,,
            C01,重复,county,1,0,,0,0,no,,
            "X03","多行
            名称",county,5,5,,0,0,maybe,,
            U01,单位,unit,1,1,,0,0,yes,ZZZ,
            X04,县馆,county,1,2
            X05,县馆,county,-5,0,,0,0,no,,
            X06,县馆,county,10,0,,0,0,no,C01,ok
            ,无编号,county,1,0,,0,0,no,,
            U02,单位,unit,1,0,,0,0,no,U01,
            ,,,,,,,,,,
            U03,单位,unit,1,0,,0,0,no,X06,
            """
        let register = try HoldingsRegister.read(data: Data(csv.utf8), source: "bad.csv")
        #expect(register.archives.map(\.id) == ["C01", "X06", "U03"])
        #expect(register.ignoredColumns == ["notes"])
        let byLine = Dictionary(uniqueKeysWithValues: register.errors.map { ($0.line, $0.reason) })
        #expect(register.errors.map(\.line) == [3, 4, 5, 6, 8, 9, 10, 12, 13])
        #expect(byLine[3]?.contains("level 'province'") == true)
        #expect(byLine[4]?.contains("baseline_volumes '1O0' is not a whole number") == true)
        #expect(byLine[5]?.contains("duplicates the row on line 2") == true)
        #expect(byLine[6]?.contains("has_digital_room 'maybe'") == true)  // the row starting on line 6 (quoted line break)
        #expect(byLine[8]?.contains("parent 'ZZZ' is not in the register") == true)
        #expect(byLine[9]?.contains("5 fields, the header has 11") == true)
        #expect(byLine[10]?.contains("'-5'") == true)
        #expect(byLine[12]?.contains("id is empty") == true)
        // U02's parent U01 was rejected, so it is not in the register either.
        #expect(byLine[13]?.contains("parent 'U01'") == true)
        #expect(register.errors.first?.description == "bad.csv:3: level 'province' is not city, county or unit")
    }

    @Test func missingRequiredColumnsNameTheColumns() throws {
        let csv = "id,name,level,baseline_volumes,baseline_items,baseline_pages,prior_volumes\nC01,x,city,1,1,,0\n"
        let error = try #require(throws: CSVFileError.self) {
            try HoldingsRegister.read(data: Data(csv.utf8), source: "short.csv")
        }
        #expect(error.line == 1)
        #expect(error.reason.contains("prior_items, has_digital_room"))
        #expect(error.kind == .holdingsRegister)
        #expect(error.description.hasPrefix("short.csv:1: holdings register: the header lacks the required columns"))
    }

    @Test func fileLevelProblems() throws {
        #expect(throws: CSVFileError.self) { try HoldingsRegister.read(data: Data(), source: "empty.csv") }
        // UTF-16 (Excel "Unicode text").
        #expect(throws: CSVFileError.self) {
            try HoldingsRegister.read(data: Data([0xFF, 0xFE, 0x69, 0x00]), source: "u16.csv")
        }
        // Bytes that are neither UTF-8 nor GB18030, on line 2.
        let bad = Data("id,name\n".utf8) + Data([0x41, 0xFF, 0xFF, 0x0A])
        let error = try #require(throws: CSVFileError.self) {
            try HoldingsRegister.read(data: bad, source: "bad.csv")
        }
        #expect(error.line == 2)
        #expect(error.kind == .holdingsRegister)  // the shared decoder names the register, not a catalog
        #expect(error.description == "bad.csv:2: holdings register: the file is neither valid UTF-8 nor valid GB18030")
        // Duplicate heading.
        let duplicate =
            "id,name,level,baseline_volumes,baseline_items,baseline_pages,prior_volumes,prior_items,has_digital_room,ID\n"
        #expect(throws: CSVFileError.self) { try HoldingsRegister.read(data: Data(duplicate.utf8), source: "d.csv") }
    }

    @Test func headingsAreCaseInsensitiveAndReorderable() throws {
        let csv = """
            Has_Digital_Room,PRIOR_ITEMS,prior volumes,baseline-pages,Baseline_Items,baseline_volumes,Level,Name,ID,prior_gb,prior_pages
            no,5,5,,10,10,县,某县馆,K1,1.5,300
            """
        let register = try HoldingsRegister.read(data: Data(csv.utf8), source: "r.csv")
        #expect(register.errors.isEmpty)
        let k1 = try #require(register["K1"])
        #expect(k1.level == .county)
        #expect(k1.baseline == 20)
        #expect(k1.prior == 10)
        #expect(k1.priorBytes == 1_500_000_000)
        #expect(k1.priorPages == 300)
        let report = QuotaReport.compute(register: register, events: [], asOf: day("2018-01-01"))
        #expect(report["K1"]?.digitized.gigabytes == 1.5)
        #expect(report["K1"]?.digitized.pages == 300)
    }
}
