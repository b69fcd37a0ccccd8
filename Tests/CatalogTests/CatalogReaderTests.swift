import ArchivalCode
@testable import Catalog
import Foundation
import QuireTestSupport
import Testing

@Suite struct CatalogReaderTests {
    // MARK: - The samples

    @Test func utf8SampleImportsFiveRecords() throws {
        let catalog = try CatalogReader().read(contentsOf: Repository.sample("catalog.csv"))
        #expect(catalog.encoding == .utf8)
        #expect(catalog.hadByteOrderMark)
        #expect(catalog.errors.isEmpty, "\(catalog.errors)")
        #expect(catalog.kind == .item)
        #expect(
            catalog.records.map(\.code.canonical) == [
                "0026-003-0045", "0026-003-0046", "Z109-WS·2011-Y-BGS-0001", "Z109-WS·2011-Y-BGS-0002", "0026-003-0047",
            ])
        #expect(catalog.records.map(\.line) == [2, 3, 4, 5, 6])
        #expect(catalog.records.map(\.pageCount) == [3, 4, 3, 2, 5])
        #expect(catalog.columns.map(\.heading) == ["序号", "档号", "文号", "责任者", "题名", "日期", "密级", "页数", "备注"])
        #expect(catalog.columns.allSatisfy { $0.field != nil })

        let r = catalog.records
        #expect(r[1][.remarks] == "第3页字迹褪色,灰度扫描")
        #expect(r[3][.responsibleParty] == "市人民政府办公室,市财政局")
        #expect(r[4][.remarks] == "列入\"待补扫\"清单")
        #expect(r[0][.remarks] == "")
        #expect(r[0][.documentNumber] == "")
        #expect(r[2].title == "关于印发《全市纸质档案数字化工作实施方案》的通知")
        #expect(r[2][.documentNumber] == "市政办发〔2011〕12号")
        #expect(r[2].date == CatalogDate(year: 2011, month: 4, day: 15))
        #expect(r[2].serial == "3")
        #expect(r[2].code.style == .item)
        #expect(r[0].value(named: "密级") == "公开")
        #expect(r[0].extraFields.isEmpty)
    }

    @Test func gb18030SampleImportsIdenticalRecords() throws {
        let utf8 = try CatalogReader().read(contentsOf: Repository.sample("catalog.csv"))
        let gb = try CatalogReader().read(contentsOf: Repository.sample("catalog-gb18030.csv"))
        #expect(gb.encoding == .gb18030)
        #expect(!gb.hadByteOrderMark)
        #expect(gb.errors.isEmpty, "\(gb.errors)")
        #expect(gb.records.count == 5)
        #expect(gb.records == utf8.records)
        #expect(gb.columns == utf8.columns)
    }

    @Test func statedGB18030MatchesDetected() throws {
        let stated = try CatalogReader(encoding: .gb18030).read(contentsOf: Repository.sample("catalog-gb18030.csv"))
        let detected = try CatalogReader().read(contentsOf: Repository.sample("catalog-gb18030.csv"))
        #expect(stated.records == detected.records)
    }

    @Test func statingUTF8ForAGB18030FileNamesFileAndLine() throws {
        let url = Repository.sample("catalog-gb18030.csv")
        let error = #expect(throws: CSVFileError.self) {
            try CatalogReader(encoding: .utf8).read(contentsOf: url)
        }
        #expect(error?.file == url.path)
        #expect(error?.line == 1)
        #expect(error?.reason.contains("UTF-8") == true)
    }

    @Test func statingGB18030ForAUTF8FileWithBOMIsAFileError() throws {
        let error = #expect(throws: CSVFileError.self) {
            try CatalogReader(encoding: .gb18030).read(contentsOf: Repository.sample("catalog.csv"))
        }
        #expect(error?.reason.contains("byte-order mark") == true)
    }

    @Test func bomlessUTF8() throws {
        let withBOM = try Data(contentsOf: Repository.sample("catalog.csv"))
        #expect(withBOM.starts(with: [0xEF, 0xBB, 0xBF]))
        let catalog = try CatalogReader().read(withBOM.dropFirst(3), source: "bomless.csv")
        #expect(catalog.encoding == .utf8)
        #expect(!catalog.hadByteOrderMark)
        #expect(catalog.errors.isEmpty)
        #expect(catalog.records == (try CatalogReader().read(withBOM, source: "bom.csv")).records)
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func lineEndings(_ ending: String) throws {
        let text = try String(contentsOf: Repository.sample("catalog.csv"), encoding: .utf8)
        let lines = text.components(separatedBy: "\r\n")
        let rewritten = lines.joined(separator: ending)
        let catalog = try CatalogReader().read(Data(rewritten.utf8), source: "endings.csv")
        #expect(catalog.errors.isEmpty)
        #expect(catalog.records == (try CatalogReader().read(contentsOf: Repository.sample("catalog.csv"))).records)
    }

    @Test func noTrailingLineBreak() throws {
        let catalog = try CatalogReader().read(text: "档号,页数\r\n0026-003-0045,3", source: "t.csv")
        #expect(catalog.records.count == 1)
        #expect(catalog.records.first?.pageCount == 3)
    }

    // MARK: - Planted bad rows

    static let planted =
        [
            "序号,档号,文号,责任者,题名,日期,密级,页数,备注",  // 1
            "1,0026-003-0045,,市档案局,题名一,19980312,公开,3,",  // 2 good
            "2,,,市档案局,缺档号,19980312,公开,2,",  // 3 missing 档号
            "3,0026-003,,市档案局,坏档号,19980312,公开,2,",  // 4 malformed 档号
            "4,0026-003-0050,,市档案局,坏日期,19981332,公开,2,",  // 5 bad 日期
            "5,0026-003-0051,,市档案局,页数三,19980312,公开,三,",  // 6 页数 三
            "6,0026-003-0045,,市档案局,重复,19980312,公开,3,",  // 7 duplicate of line 2
            "7,Z109-WS.2011-Y-BGS-0003,,\"多行\n责任者\",题名,2011-04-15,公开,1,\"a \"\"b\"\"\"",  // 8–9 good
            "8,0026-003-0052,,市档案局,零页,1998.06.05,公开,0,",  // 10 页数 0
            "9,0026-003-0053,,市档案局,多一列,19980605,公开,2,,多余",  // 11 field count
            ",,,,,,,,",  // 12 blank: skipped
            "10,0026-003-0054,,市档案局,好,1998/6/5,公开,1,",  // 13 good
        ].joined(separator: "\r\n") + "\r\n"

    @Test func plantedBadRowsAreReportedWithTheirLines() throws {
        let catalog = try CatalogReader().read(Data(Self.planted.utf8), source: "planted.csv")
        let errors = catalog.errors
        #expect(errors.map(\.line) == [3, 4, 5, 6, 7, 10, 11])
        #expect(errors.allSatisfy { $0.file == "planted.csv" })
        #expect(errors[0].reason == "档号 is empty")
        #expect(errors[1].reason.hasPrefix("档号 '0026-003' is malformed: a volume code has 3 or 4 levels"))
        #expect(errors[2].reason.contains("日期 '19981332' is not a date"))
        #expect(errors[3].reason == "页数 '三' is not a whole number")
        #expect(errors[4].reason == "档号 0026-003-0045 duplicates the row on line 2")
        #expect(errors[5].reason == "页数 must be 1 or more, found 0")
        #expect(errors[6].reason == "the row has 10 fields, the header has 9")
        #expect(errors[3].description == "planted.csv:6: 页数 '三' is not a whole number")

        #expect(catalog.records.map(\.code.canonical) == ["0026-003-0045", "Z109-WS·2011-Y-BGS-0003", "0026-003-0054"])
        #expect(catalog.records.map(\.line) == [2, 8, 13])
        let multiline = catalog.records[1]
        #expect(multiline[.responsibleParty] == "多行\n责任者")
        #expect(multiline[.remarks] == "a \"b\"")
        #expect(multiline.date?.compact == "20110415")
        #expect(catalog.records[0].title == "题名一")
        #expect(catalog.records[2].date?.compact == "19980605")
    }

    @Test func oneRowWithSeveralProblemsReportsEach() throws {
        let text = "档号,日期,页数\n0026-003-0045,19980230,-1\n"
        let catalog = try CatalogReader().read(text: text, source: "s.csv")
        #expect(catalog.records.isEmpty)
        #expect(catalog.errors.map(\.line) == [2, 2])
        #expect(catalog.errors[0].reason == "日期 '19980230' is not a date: 1998-02 has no day 30")
        #expect(catalog.errors[1].reason == "页数 '-1' is not a whole number")
    }

    @Test func unclosedQuoteIsReportedOnItsLine() throws {
        let text = "档号,页数,备注\n0026-003-0045,3,ok\n0026-003-0046,4,\"never closed\n0026-003-0047,5,x\n"
        let catalog = try CatalogReader().read(text: text, source: "q.csv")
        #expect(catalog.records.map(\.code.canonical) == ["0026-003-0045"])
        #expect(catalog.errors.map(\.line) == [3])
        #expect(catalog.errors[0].reason == "the quoted field opened on line 3 is never closed")
    }

    @Test func textAfterClosingQuoteIsMalformed() throws {
        let text = "档号,页数,备注\n0026-003-0045,3,\"a\"b\n0026-003-0046,4,\"x,y\"\n"
        let catalog = try CatalogReader().read(text: text, source: "q.csv")
        #expect(catalog.errors.map(\.line) == [2])
        #expect(catalog.records.map { $0[.remarks] } == ["x,y"])
    }

    // MARK: - Header mapping

    @Test func volumeCatalogWithExtraColumns() throws {
        let text = """
            档号,案卷题名,起止日期,件数,页数,保管期限,全宗名称,类目名称,扫描批次
            0026-003-0045,一九九七年度检查材料,19980312-19981230,12,48,永久,市档案局,综合类,B01
            0026-003-0046,建设意见,1998.06.05~1998.07.01,3,9,30年,市档案局,综合类,B01
            0026-003-0047,颠倒,19981230-19980312,1,2,永久,市档案局,综合类,B02
            0026-003-0048,单日,1998-06-05,1,2,永久,市档案局,综合类,B02
            0026-003-0049,连字符,1998-03-12-1998-12-30,,2,永久,市档案局,综合类,B02
            0026-003-0050,坏区间,19980312-19981332,1,2,永久,市档案局,综合类,B02
            """
        let catalog = try CatalogReader().read(text: text, source: "v.csv")
        #expect(catalog.kind == .volume)
        #expect(catalog.columns.last == CatalogColumn(heading: "扫描批次", field: nil))
        #expect(catalog.records.map(\.line) == [2, 3, 5, 6])
        let first = catalog.records[0]
        #expect(first.title == "一九九七年度检查材料")
        #expect(first.dateRange?.description == "19980312-19981230")
        #expect(first.itemCount == 12)
        #expect(first.pageCount == 48)
        #expect(first.extraFields == [CatalogFieldValue(name: "扫描批次", value: "B01")])
        #expect(first.fields.map(\.name).last == "扫描批次")
        #expect(catalog.records[1].dateRange?.description == "19980605-19980701")
        #expect(catalog.records[2].dateRange?.description == "19980605-19980605")
        #expect(catalog.records[3].dateRange?.description == "19980312-19981230")
        #expect(catalog.records[3].itemCount == nil)
        #expect(catalog.errors.map(\.line) == [4, 7])
        #expect(catalog.errors[0].reason.contains("ends (19980312) before it starts (19981230)"))
        #expect(catalog.errors[1].reason.contains("month 13 is out of range"))
    }

    @Test func englishAndCustomAliases() throws {
        let text = "Code,Title,PAGES,Notes,Batch\n0026-003-0045,An English title,3,fine,B1\n"
        #expect(throws: CSVFileError.self) { try CatalogReader().read(text: text, source: "e.csv") }
        var columns = CatalogColumns.standardAndEnglish
        columns.add(alias: "Batch", for: .remarks)
        columns.add(alias: "Notes", for: .classification)
        let catalog = try CatalogReader(columns: columns).read(text: text, source: "e.csv")
        let record = try #require(catalog.records.first)
        #expect(record.title == "An English title")
        #expect(record.pageCount == 3)
        #expect(record[.remarks] == "B1")
        #expect(record[.classification] == "fine")
        #expect(record.fields.map(\.name) == ["Code", "Title", "PAGES", "Notes", "Batch"])
    }

    @Test func missingCodeColumnIsAFileError() throws {
        let error = #expect(throws: CSVFileError.self) {
            try CatalogReader().read(text: "\n\n序号,题名\n1,x\n", source: "h.csv")
        }
        #expect(error?.line == 3)
        #expect(error?.reason.contains("no 档号 column") == true)
        #expect(error?.kind == .catalog)
        #expect(error?.description == "h.csv:3: catalog: the header has no 档号 column (headings: '序号', '题名')")
    }

    @Test func twoColumnsForOneFieldIsAFileError() throws {
        let error = #expect(throws: CSVFileError.self) {
            try CatalogReader().read(text: "档号,页数, 页数 \n0026-003-0045,3,3\n", source: "d.csv")
        }
        #expect(error?.reason.contains("both stand for 页数") == true)
    }

    @Test func emptyAndUTF16FilesAreFileErrors() throws {
        #expect(throws: CSVFileError.self) { try CatalogReader().read(Data(), source: "empty.csv") }
        let utf16 = Data([0xFF, 0xFE]) + "档号\n".data(using: .utf16LittleEndian)!
        let error = #expect(throws: CSVFileError.self) { try CatalogReader().read(utf16, source: "u16.csv") }
        #expect(error?.reason.contains("UTF-16") == true)
    }

    @Test func missingFileIsAFileError() throws {
        let error = #expect(throws: CSVFileError.self) {
            try CatalogReader().read(contentsOf: URL(fileURLWithPath: "/nonexistent/catalog.csv"))
        }
        #expect(error?.file == "/nonexistent/catalog.csv")
    }

    @Test func semicolonDelimiter() throws {
        let catalog = try CatalogReader(delimiter: ";").read(text: "档号;页数;备注\n0026-003-0045;3;\"a;b\"\n", source: "s.csv")
        #expect(catalog.records.first?[.remarks] == "a;b")
    }

    // MARK: - Dates

    @Test(arguments: [
        ("19980312", "19980312"), ("1998-03-12", "19980312"), ("1998.03.12", "19980312"),
        ("1998/3/2", "19980302"), (" 20000229 ", "20000229"),
    ])
    func datesNormalise(_ text: String, _ compact: String) {
        #expect(CatalogDate(parsing: text)?.compact == compact)
    }

    @Test(arguments: ["00000101", "19000229", "1998-3", "199803", "1998-03-12x", "一九九八", "", "1998-03.12", "19981301"])
    func badDatesAreRejected(_ text: String) {
        #expect(CatalogDate(parsing: text) == nil)
    }

    @Test func datesCodeAsCompactText() throws {
        let range = try #require(CatalogDateRange(parsing: "19980312-19981230"))
        let data = try JSONEncoder().encode(range)
        #expect(String(decoding: data, as: UTF8.self) == "\"19980312-19981230\"")
        #expect(try JSONDecoder().decode(CatalogDateRange.self, from: data) == range)
    }
}
