import Foundation
import QuireCore
import ImageCodecs
import Importer
import Ledger
import Policy
import QuireTestSupport
import Raster
import SyntheticPages
import Testing

extension Scratch {
    /// Imports the delivery once as batch `b1`, with two workers.
    func importOnce(policy: PipelinePolicy = PipelinePolicy()) async throws -> ImportReport {
        try await Importer(ledger: try ledger(), policy: policy, workers: 2).run(delivery: delivery, batch: "b1", archive: nil)
    }
}

extension ImportReport {
    func reason(of path: String) -> String? { quarantined.first { $0.path == path }?.reason.rawValue }
}

@Suite struct ImporterTests {
    @Test func bothNamingFormsAndNonASCIICodesMapToRecordsAndPages() async throws {
        let s = try Scratch()
        try s.tiff("0026-003-0045/0001.tif", seed: 1, mode: .bitonal)
        try s.tiff("0026-003-0045/0002.tif", seed: 2)
        try s.jpeg("Z109-WS·2011-Y-BGS-0001/0001.jpg", seed: 3)
        try s.tiff("Z109-WS.2011-Y-BGS-0002-0001.tif", seed: 4)
        try s.tiff("档案馆-WS·2011-Y-办公室-0001/0001.tif", seed: 5)
        let report = try await s.importOnce()
        #expect(report.quarantined.isEmpty)
        #expect(report.accepted == 5)
        #expect(report.records == 4)
        let pages = try s.ledger().pages(batch: "b1")
        let byPath = Dictionary(uniqueKeysWithValues: pages.map { ($0.path, $0) })
        #expect(byPath["0026-003-0045/0001.tif"]?.colorType == "bilevel")
        #expect(byPath["0026-003-0045/0001.tif"]?.compression == "ccitt-g4")
        #expect(byPath["0026-003-0045/0002.tif"]?.page == 2)
        #expect(byPath["Z109-WS·2011-Y-BGS-0001/0001.jpg"]?.colorType == "ycbcr")
        #expect(byPath["Z109-WS·2011-Y-BGS-0001/0001.jpg"]?.code == "Z109-WS·2011-Y-BGS-0001")
        #expect(byPath["Z109-WS.2011-Y-BGS-0002-0001.tif"]?.code == "Z109-WS·2011-Y-BGS-0002")
        #expect(byPath["档案馆-WS·2011-Y-办公室-0001/0001.tif"]?.code == "档案馆-WS·2011-Y-办公室-0001")
        #expect(pages.allSatisfy { $0.state == .decoded && $0.width == 160 && $0.height == 220 && $0.dpiX == 200 })
    }

    @Test func badFilesAreQuarantinedWithReasonsAndTheRestImports() async throws {
        let s = try Scratch()
        try s.tiff("0026-003-0045/0001.tif", seed: 1)
        // Truncated TIFF: the strips are cut off.
        try s.tiff("0026-003-0045/0002.tif", seed: 2)
        let whole = try s.read("0026-003-0045/0002.tif")
        try s.bytes("0026-003-0045/0002.tif", whole.prefix(whole.count / 2))
        // Zero bytes.
        try s.bytes("0026-003-0045/0003.tif", Data())
        // A JPEG named .tif.
        try s.jpeg("0026-003-0045/0004.jpg", seed: 4)
        try FileManager.default.moveItem(
            atPath: s.delivery + "/0026-003-0045/0004.jpg", toPath: s.delivery + "/0026-003-0045/0004.tif")
        // Text pretending to be an image.
        try s.bytes("0026-003-0045/0005.png", Data("not an image at all".utf8))
        // Names the rule cannot map.
        try s.tiff("0026-003-0045/scan-5.tif", seed: 6)
        try s.tiff("0026-003-XX45/0001.tif", seed: 7)

        let report = try await s.importOnce()
        #expect(report.accepted == 1)
        #expect(report.reason(of: "0026-003-0045/0002.tif") == "corrupt")
        #expect(report.reason(of: "0026-003-0045/0003.tif") == "empty_file")
        #expect(report.reason(of: "0026-003-0045/0004.tif") == "extension_mismatch")
        #expect(report.reason(of: "0026-003-0045/0005.png") == "unknown_format")
        #expect(report.reason(of: "0026-003-0045/scan-5.tif") == "unparseable_name")
        #expect(report.reason(of: "0026-003-XX45/0001.tif") == "unparseable_name")
        #expect(report.quarantined.count == 6)
        let mismatch = report.quarantined.first { $0.path == "0026-003-0045/0004.tif" }!
        #expect(mismatch.detail.contains("content is JPEG"))
        let corrupt = report.quarantined.first { $0.path == "0026-003-0045/0002.tif" }!
        #expect(corrupt.detail.contains("TIFF") || corrupt.detail.contains("strip") || corrupt.detail.contains("Read error"))
        let badCode = report.quarantined.first { $0.path == "0026-003-XX45/0001.tif" }!
        #expect(badCode.detail.contains("案卷号"))
    }

    @Test func aGapInPageNumbersFlagsTheRecord() async throws {
        let s = try Scratch()
        for page in [1, 2, 4, 7] { try s.tiff(String(format: "0026-003-0045/%04d.tif", page), seed: UInt64(page)) }
        try s.tiff("0026-003-0046/0001.tif", seed: 9)
        let report = try await s.importOnce()
        #expect(
            report.flaggedRecords == [RecordFlag(code: "0026-003-0045", rule: .pageGap, detail: "pages 3, 5–6 missing from 1–7")])
        // Filling the gap clears the flag on the next run.
        for page in [3, 5, 6] { try s.tiff(String(format: "0026-003-0045/%04d.tif", page), seed: UInt64(20 + page)) }
        let again = try await s.importOnce()
        #expect(again.flaggedRecords.isEmpty)
        #expect(again.accepted == 8)
    }

    @Test func theSameBytesDeliveredTwiceAndTwoFilesForOnePageAreQuarantined() async throws {
        let s = try Scratch()
        try s.tiff("0026-003-0045/0001.tif", seed: 1)
        try s.bytes("0026-003-0045/0002.tif", try s.read("0026-003-0045/0001.tif"))
        try s.tiff("0026-003-0046/0001.tif", seed: 3)
        try s.jpeg("0026-003-0046/0001.jpg", seed: 4)
        let report = try await s.importOnce()
        #expect(report.reason(of: "0026-003-0045/0002.tif") == "duplicate")
        #expect(
            report.quarantined.first { $0.path == "0026-003-0045/0002.tif" }?.detail.contains("0026-003-0045/0001.tif") == true)
        // Sorted order decides which one stays: "0001.jpg" < "0001.tif".
        #expect(report.reason(of: "0026-003-0046/0001.tif") == "duplicate_page")
        #expect(report.accepted == 2)
    }

    @Test func reimportIsIdempotentAndPicksUpNewFiles() async throws {
        let s = try Scratch()
        try s.tiff("0026-003-0045/0001.tif", seed: 1)
        try s.tiff("0026-003-0045/0002.tif", seed: 2)
        try s.bytes("0026-003-0045/0003.tif", Data())
        let first = try await s.importOnce()
        #expect(first.accepted == 2 && first.registeredThisRun == 2)
        let events = try s.ledger().eventCount(batch: "b1")

        let second = try await s.importOnce()
        #expect(second.accepted == 2)
        #expect(second.registeredThisRun == 0)
        #expect(second.unchanged == 3)
        #expect(second.decoded == 0)
        #expect(second.quarantined == first.quarantined)
        #expect(try s.ledger().eventCount(batch: "b1") == events)
        #expect(try s.ledger().pages(batch: "b1").count == 2)

        try s.tiff("0026-003-0045/0004.tif", seed: 4)
        let third = try await s.importOnce()
        #expect(third.registeredThisRun == 1)
        #expect(third.accepted == 3)
    }

    @Test func aFileChangedAfterRegistrationIsReportedNotReplaced() async throws {
        let s = try Scratch()
        try s.tiff("0026-003-0045/0001.tif", seed: 1)
        _ = try await s.importOnce()
        let registered = try s.ledger().pages(batch: "b1")[0].sha256

        try s.tiff("0026-003-0045/0001.tif", seed: 99)  // different pixels, same path
        let report = try await s.importOnce()
        #expect(report.changed.count == 1)
        #expect(report.changed[0].path == "0026-003-0045/0001.tif")
        #expect(report.changed[0].registeredSHA256 == registered)
        #expect(report.changed[0].foundSHA256 != registered)
        #expect(!report.isClean)
        #expect(try s.ledger().pages(batch: "b1")[0].sha256 == registered)

        // Touching a file without changing its bytes is not a change.
        let t = try Scratch()
        try t.tiff("0026-003-0045/0001.tif", seed: 1)
        _ = try await t.importOnce()
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -3600)],
            ofItemAtPath: t.delivery + "/0026-003-0045/0001.tif")
        let touched = try await t.importOnce()
        #expect(touched.changed.isEmpty)
        #expect(touched.isClean)
    }

    @Test func aQuarantinedFileThatIsRedeliveredFixedIsAccepted() async throws {
        let s = try Scratch()
        try s.bytes("0026-003-0045/0001.tif", Data())
        let first = try await s.importOnce()
        #expect(first.reason(of: "0026-003-0045/0001.tif") == "empty_file")
        try s.tiff("0026-003-0045/0001.tif", seed: 1)
        let second = try await s.importOnce()
        #expect(second.quarantined.isEmpty)
        #expect(second.accepted == 1)
    }

    @Test func linksOutOfTheDeliveryAreNotFollowed() async throws {
        let s = try Scratch()
        try s.tiff("0026-003-0045/0001.tif", seed: 1)
        let outside = s.root + "/outside.tif"
        try FileManager.default.copyItem(atPath: s.delivery + "/0026-003-0045/0001.tif", toPath: outside)
        try FileManager.default.createSymbolicLink(atPath: s.delivery + "/0026-003-0045/0002.tif", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(
            atPath: s.delivery + "/0026-003-0046", withDestinationPath: s.delivery + "/0026-003-0045")
        let report = try await s.importOnce()
        #expect(report.reason(of: "0026-003-0045/0002.tif") == "link_outside_delivery")
        #expect(report.reason(of: "0026-003-0046") == "directory_link")
        #expect(report.accepted == 1)
    }

    @Test func ignoredFilesAreSkipped() async throws {
        let s = try Scratch()
        try s.tiff("0026-003-0045/0001.tif", seed: 1)
        try s.bytes("0026-003-0045/Thumbs.db", Data([1, 2, 3]))
        try s.bytes(".DS_Store", Data([1, 2, 3]))
        try s.bytes("README.txt", Data("notes".utf8))
        let report = try await s.importOnce()
        #expect(report.isClean)
        #expect(report.accepted == 1)
    }

    @Test func formatsOutsideThePolicyAreQuarantined() async throws {
        let s = try Scratch()
        try s.tiff("0026-003-0045/0001.tif", seed: 1)
        try s.jpeg("0026-003-0045/0002.jpg", seed: 2)
        var policy = PipelinePolicy()
        policy.intake.formats = [.tiff]
        let report = try await s.importOnce(policy: policy)
        #expect(report.reason(of: "0026-003-0045/0002.jpg") == "format_not_allowed")
    }

    @Test func aBatchNameTakenByAnotherDeliveryIsRefused() async throws {
        let s = try Scratch()
        try s.tiff("0026-003-0045/0001.tif", seed: 1)
        _ = try await s.importOnce()
        let other = s.root + "/other"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        await #expect(throws: ImportError.self) {
            _ = try await Importer(ledger: try s.ledger(), policy: PipelinePolicy()).run(
                delivery: other, batch: "b1", archive: nil)
        }
    }

    @Test func theBundledSamplesImportWithTheBrokenFileQuarantined() async throws {
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("samples/delivery").path
        let s = try Scratch()
        let report = try await Importer(ledger: try s.ledger(), policy: PipelinePolicy(), workers: 2)
            .run(delivery: samples, batch: "samples", archive: nil)
        #expect(report.accepted == 11)
        #expect(report.records == 4)
        #expect(report.quarantined.map(\.path) == ["0026-003-0046/0003.tif"])
        #expect(report.quarantined.first?.reason == .corrupt)
        #expect(report.flaggedRecords.isEmpty)
        let pages = try s.ledger().pages(batch: "samples")
        let colours = Dictionary(grouping: pages, by: \.colorType).mapValues(\.count)
        #expect(colours["bilevel"] == 3)
        #expect(colours["gray"] == 6)
        #expect(colours["ycbcr"] == 2)
        #expect(pages.allSatisfy { ($0.dpiX ?? 0).rounded() >= 200 })  // PNG pHYs stores 7874 px/m = 199.9996 dpi
    }
}
