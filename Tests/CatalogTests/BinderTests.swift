import QuireCore
import ArchivalCode
import Catalog
import Foundation
import QuireTestSupport
import Testing

@Suite struct BinderTests {
    /// The accepted pages of the sample delivery, as the importer would report them.
    static let samplePages: [BoundPage] = [
        BoundPage(code: "0026-003-0045", page: 1, path: "0026-003-0045/0001.tif"),
        BoundPage(code: "0026-003-0045", page: 2, path: "0026-003-0045/0002.tif"),
        BoundPage(code: "0026-003-0045", page: 3, path: "0026-003-0045/0003.tif"),
        BoundPage(code: "0026-003-0046", page: 1, path: "0026-003-0046/0001.tif"),
        BoundPage(code: "0026-003-0046", page: 2, path: "0026-003-0046/0002.tif"),
        BoundPage(code: "0026-003-0046", page: 4, path: "0026-003-0046/0004.jpg", info: ["format": "jpeg"]),
        BoundPage(code: "Z109-WS·2011-Y-BGS-0001", page: 1, path: "Z109-WS·2011-Y-BGS-0001/0001.jpg"),
        BoundPage(code: "Z109-WS·2011-Y-BGS-0001", page: 2, path: "Z109-WS·2011-Y-BGS-0001/0002.jpg"),
        BoundPage(code: "Z109-WS·2011-Y-BGS-0001", page: 3, path: "Z109-WS·2011-Y-BGS-0001/0003.tif"),
        BoundPage(code: "Z109-WS·2011-Y-BGS-0002", page: 2, path: "Z109-WS·2011-Y-BGS-0002-0002.png"),
        BoundPage(code: "Z109-WS·2011-Y-BGS-0002", page: 1, path: "Z109-WS·2011-Y-BGS-0002-0001.png"),
    ]

    static let sampleQuarantine: [QuarantinedPage] = [
        QuarantinedPage(
            path: "0026-003-0046/0003.tif", code: "0026-003-0046", page: 3,
            reason: "corrupt: TIFFFillStrip: Read error on strip 24")
    ]

    static func sampleCatalog() throws -> Catalog {
        try CatalogReader().read(contentsOf: Repository.sample("catalog.csv"))
    }

    static func outcome(_ result: BindingResult, _ code: String) -> RecordBinding? {
        result.records.first { $0.code.canonical == code }
    }

    @Test func samplesBindAsExpected() throws {
        // The pages in a seeded random order: the result must not depend on it, and a failure names the seed.
        let seed = TestSeed()
        var rng = seed.generator()
        let result = Binder.bind(
            catalog: try Self.sampleCatalog(), pages: Self.samplePages.shuffled(using: &rng),
            quarantined: Self.sampleQuarantine)
        // 档号 order: item style before volume style, then level by level.
        #expect(
            result.records.map(\.code.canonical) == [
                "Z109-WS·2011-Y-BGS-0001", "Z109-WS·2011-Y-BGS-0002", "0026-003-0045", "0026-003-0046", "0026-003-0047",
            ], "\(seed)")
        #expect(result.records.map(\.status) == [.bound, .bound, .bound, .held, .held], "\(seed)")
        #expect(result.unmatchedImages.isEmpty, "\(seed)")
        #expect(result.catalogErrors.isEmpty, "\(seed)")

        let held = try #require(Self.outcome(result, "0026-003-0046"))
        #expect(held.problems.map(\.rule) == [.pageCountMismatch, .pageGap, .quarantinedPages], "\(seed)")
        #expect(held.problems[0].detail == "3 accepted images against 页数 4; 1 quarantined", "\(seed)")
        #expect(held.problems[1].detail == "missing page 3 (3 quarantined)", "\(seed)")
        #expect(
            held.problems[2].detail
                == "1 file quarantined: 0026-003-0046/0003.tif (page 3): corrupt: TIFFFillStrip: Read error on strip 24",
            "\(seed)")

        let missing = try #require(Self.outcome(result, "0026-003-0047"))
        #expect(missing.problems.map(\.rule) == [.noImages], "\(seed)")
        #expect(missing.problems[0].detail == "no image in the delivery for this record (页数 5)", "\(seed)")

        for code in ["0026-003-0045", "Z109-WS·2011-Y-BGS-0001", "Z109-WS·2011-Y-BGS-0002"] {
            #expect(Self.outcome(result, code)?.problems == [], "\(code) \(seed)")
        }
        #expect(result.bound.count == 3, "\(seed)")
        #expect(result.held.count == 2, "\(seed)")
        #expect(!result.isClean, "\(seed)")
    }

    @Test func bindingIsDeterministic() throws {
        let catalog = try Self.sampleCatalog()
        let a = Binder.bind(catalog: catalog, pages: Self.samplePages, quarantined: Self.sampleQuarantine)
        let b = Binder.bind(catalog: catalog, pages: Self.samplePages.reversed(), quarantined: Self.sampleQuarantine)
        #expect(a == b)
    }

    @Test func jsonContract() throws {
        let planted = try CatalogReader().read(text: "档号,页数\n0026-003-0045,3\n0026-003-0046,三\n", source: "p.csv")
        let pages = Self.samplePages + [BoundPage(code: "0026-003-0099", page: 1, path: "0026-003-0099/0001.tif")]
        let result = Binder.bind(catalog: planted, pages: pages, quarantined: Self.sampleQuarantine)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(result)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["records", "unmatched_images", "catalog_errors"])
        let records = try #require(object["records"] as? [[String: Any]])
        #expect(records.count == 1)
        #expect(Set(records[0].keys) == ["code", "status", "problems"])
        #expect(records[0]["code"] as? String == "0026-003-0045")
        #expect(records[0]["status"] as? String == "bound")
        let errors = try #require(object["catalog_errors"] as? [[String: Any]])
        #expect(errors.count == 1)
        #expect(Set(errors[0].keys) == ["line", "reason"])
        #expect(errors[0]["line"] as? Int == 3)
        #expect(errors[0]["reason"] as? String == "页数 '三' is not a whole number")
        // Every page of the other sample records is unmatched now, in 档号 order.
        #expect((object["unmatched_images"] as? [String])?.first == "Z109-WS·2011-Y-BGS-0001/0001.jpg")
        #expect((object["unmatched_images"] as? [String])?.last == "0026-003-0099/0001.tif")

        let decoded = try JSONDecoder().decode(BindingResult.self, from: data)
        #expect(decoded.records == result.records)
        #expect(decoded.unmatchedImages == result.unmatchedImages)
        #expect(decoded.catalogErrors.map(\.line) == [3])

        let held = Binder.bind(
            catalog: try Self.sampleCatalog(), pages: Self.samplePages,
            quarantined: Self.sampleQuarantine)
        let text = String(decoding: try encoder.encode(held), as: UTF8.self)
        #expect(
            text.contains(
                #"{"code":"0026-003-0047","problems":[{"detail":"no image in the delivery for this record (页数 5)","rule":"no_images"}],"status":"held"}"#
            ))
        #expect(text.contains(#""rule":"page_count_mismatch""#))
    }

    // MARK: - Rules on hand-built cases

    static func catalog(_ rows: [(String, Int)]) throws -> Catalog {
        let text = "档号,页数\n" + rows.map { "\($0.0),\($0.1)" }.joined(separator: "\n")
        return try CatalogReader().read(text: text, source: "hand.csv")
    }

    static func pages(_ code: String, _ numbers: [Int], ext: String = "tif") -> [BoundPage] {
        numbers.map { BoundPage(code: code, page: $0, path: "\(code)/\(String(format: "%04d", $0)).\(ext)") }
    }

    @Test func gapWithoutCountMismatch() throws {
        let result = Binder.bind(
            catalog: try Self.catalog([("0026-003-0045", 3)]),
            pages: Self.pages("0026-003-0045", [1, 2, 4]))
        let record = try #require(result.records.first)
        #expect(record.status == .held)
        #expect(record.problems == [BindingProblem(rule: .pageGap, detail: "missing page 3")])
    }

    @Test func extraPagesAndLongGaps() throws {
        let result = Binder.bind(
            catalog: try Self.catalog([("0026-003-0045", 3)]),
            pages: Self.pages("0026-003-0045", [1, 5, 6, 9]))
        let record = try #require(result.records.first)
        #expect(record.problems.map(\.rule) == [.pageCountMismatch, .pageGap])
        #expect(record.problems[0].detail == "4 accepted images against 页数 3; 0 quarantined")
        #expect(record.problems[1].detail == "missing pages 2–4, 7–8")
    }

    @Test func duplicatePageNumbers() throws {
        let pages = Self.pages("0026-003-0045", [1, 2]) + Self.pages("0026-003-0045", [2], ext: "jpg")
        let result = Binder.bind(catalog: try Self.catalog([("0026-003-0045", 3)]), pages: pages)
        let record = try #require(result.records.first)
        #expect(record.problems.map(\.rule) == [.pageGap, .duplicatePage])
        #expect(record.problems[0].detail == "missing page 3")
        #expect(record.problems[1].detail == "page 2: 0026-003-0045/0002.jpg, 0026-003-0045/0002.tif")
    }

    @Test func onlyQuarantinedFiles() throws {
        let result = Binder.bind(
            catalog: try Self.catalog([("0026-003-0045", 1)]), pages: [],
            quarantined: [
                QuarantinedPage(
                    path: "0026-003-0045/0001.tif", code: "0026-003-0045",
                    page: 1, reason: "truncated")
            ])
        let record = try #require(result.records.first)
        #expect(record.problems.map(\.rule) == [.pageCountMismatch, .pageGap, .quarantinedPages])
        #expect(record.problems[0].detail == "0 accepted images against 页数 1; 1 quarantined")
    }

    @Test func quarantinedPageHoldsEvenWhenTheCountMatches() throws {
        let result = Binder.bind(
            catalog: try Self.catalog([("0026-003-0045", 2)]),
            pages: Self.pages("0026-003-0045", [1, 2]),
            quarantined: [
                QuarantinedPage(path: "0026-003-0045/Thumbs.db", reason: "not an image"),
                QuarantinedPage(
                    path: "0026-003-0045/0002 copy.tif", code: "0026-003-0045",
                    reason: "unexpected name"),
            ])
        let record = try #require(result.records.first)
        #expect(
            record.problems == [
                BindingProblem(
                    rule: .quarantinedPages,
                    detail: "1 file quarantined: 0026-003-0045/0002 copy.tif: unexpected name")
            ])
    }

    @Test func aPageWithoutAMasterHoldsItsRecord() throws {
        var pages = Self.pages("0026-003-0045", [1, 2, 3])
        pages[1].failure = "low_resolution: 150 dpi is below the policy's minimum of 300 dpi; rescan the page"
        let result = Binder.bind(catalog: try Self.catalog([("0026-003-0045", 3)]), pages: pages)
        let record = try #require(result.records.first)
        #expect(record.status == .held)
        #expect(
            record.problems == [
                BindingProblem(
                    rule: .failedPages,
                    detail: "no preservation master for 1 page: "
                        + "\(pages[1].path) (page 2): low_resolution: 150 dpi is below the policy's minimum of 300 dpi; rescan the page"
                )
            ])
        // The page still counts toward 页数: the count and numbering rules do not fire as well.
        #expect(!record.problems.contains { $0.rule == .pageCountMismatch || $0.rule == .pageGap })
    }

    @Test func unmatchedImagesAndDottedCodes() throws {
        let catalog = try Self.catalog([("Z109-WS·2011-Y-BGS-0001", 1), ("0026-003-0045", 1)])
        let pages = [
            BoundPage(code: "Z109-WS.2011-Y-BGS-0001", page: 1, path: "Z109-WS.2011-Y-BGS-0001-0001.png"),
            BoundPage(code: "0026-003-0045", page: 1, path: "0026-003-0045/0001.tif"),
            BoundPage(code: "not-a-code", page: 1, path: "not-a-code/0001.tif"),
            BoundPage(code: "0026-003-0100", page: 1, path: "0026-003-0100/0001.tif"),
            BoundPage(code: "0026-003-0046", page: 2, path: "0026-003-0046/0002.tif"),
            BoundPage(code: "0026-003-0046", page: 1, path: "0026-003-0046/0001.tif"),
        ]
        let result = Binder.bind(catalog: catalog, pages: pages)
        #expect(result.records.map(\.status) == [.bound, .bound])
        #expect(
            result.unmatchedImages == [
                "0026-003-0046/0001.tif", "0026-003-0046/0002.tif", "0026-003-0100/0001.tif", "not-a-code/0001.tif",
            ])
    }

    @Test func recordWithoutPageCountChecksGapsOnly() throws {
        let catalog = try CatalogReader().read(text: "档号,题名\n0026-003-0045,x\n0026-003-0046,y\n", source: "n.csv")
        let result = Binder.bind(
            catalog: catalog,
            pages: Self.pages("0026-003-0045", [1, 2])
                + Self.pages("0026-003-0046", [2]))
        #expect(result.records.map(\.status) == [.bound, .held])
        #expect(result.records[1].problems == [BindingProblem(rule: .pageGap, detail: "missing page 1")])
    }

    @Test func catalogErrorsAreCarriedThrough() throws {
        let catalog = try CatalogReader().read(Data(CatalogReaderTests.planted.utf8), source: "planted.csv")
        let result = Binder.bind(catalog: catalog, pages: [])
        #expect(result.catalogErrors == catalog.errors)
        #expect(result.records.allSatisfy { $0.problems.map(\.rule) == [.noImages] })
    }
}
