// A JPEG whose only fault is a few extraneous bytes before a marker is imported and normalized, flagged with
// libjpeg's warning in the ledger's page checks; the same page cut short is quarantined as corrupt.
import Foundation
import ImageCodecs
import Importer
import Ledger
import NormalizeStage
import Policy
import SyntheticPages
import QuireTestSupport
import Testing

@Suite struct DecodeWarningImportTests {
    @Test func extraneous_bytes_are_accepted_and_flagged_truncation_is_quarantined() async throws {
        let s = try Scratch()
        let record = s.delivery + "/0026-003-0045"
        try FileManager.default.createDirectory(atPath: record, withIntermediateDirectories: true)
        let page = SyntheticPage.make(.colour, width: 320, height: 440, dpi: 300, seed: 5)
        let jpeg = try JPEGEncoder.encode(page, options: .init(quality: 90), name: "page.jpg")
        let eoi = jpeg.count - 2
        let extraneous = Array(jpeg[..<eoi]) + (1...20).map { UInt8($0) } + Array(jpeg[eoi...])
        try Data(extraneous).write(to: URL(fileURLWithPath: record + "/0001.jpg"))
        try Data(jpeg.prefix(jpeg.count / 2)).write(to: URL(fileURLWithPath: record + "/0002.jpg"))

        var policy = PipelinePolicy()
        policy.processing.deskew = false
        policy.processing.borderCrop = false
        policy.processing.blankDetection = false
        let imported = try await Importer(ledger: try s.ledger(), policy: policy, workers: 2)
            .run(delivery: s.delivery, batch: "b1", archive: nil)
        #expect(imported.accepted == 1)
        #expect(imported.quarantined.map(\.path) == ["0026-003-0045/0002.jpg"])
        #expect(imported.quarantined.first?.reason == .corrupt)
        #expect(imported.quarantined.first?.detail.contains("Premature end of JPEG file") == true)

        let report = try await NormalizeStage(
            ledger: try s.ledger(), policy: policy, workspace: s.workspace, workers: 2,
            version: "test"
        ).run(batch: "b1")
        #expect(report.normalized == 1 && report.failed == 0)
        let checks = try s.ledger().pageChecks(batch: "b1")
        #expect(checks.count == 1)
        #expect(checks.first?.path == "0026-003-0045/0001.jpg")
        #expect(checks.first?.rule == .decodeWarning && checks.first?.severity == .warning)
        #expect(checks.first?.detail.contains("extraneous bytes before marker 0xd9") == true, "\(checks)")
    }

    /// Extraneous bytes before two markers are two libjpeg warnings: the page is normalized with one
    /// `decode_warning` check naming both (two checks of one rule for one page failed the ledger's write).
    @Test func two_warnings_on_one_page_are_one_check() async throws {
        let s = try Scratch()
        let record = s.delivery + "/0026-003-0045"
        try FileManager.default.createDirectory(atPath: record, withIntermediateDirectories: true)
        let page = SyntheticPage.make(.colour, width: 320, height: 440, dpi: 300, seed: 6)
        var jpeg = try JPEGEncoder.encode(page, options: .init(quality: 90), name: "page.jpg")
        // The segments after SOI, up to the scan: junk goes before the second and the third.
        var markers: [Int] = []
        var at = 2
        while jpeg[at] == 0xFF && jpeg[at + 1] != 0xDA && markers.count < 3 {
            markers.append(at)
            at += 2 + Int(jpeg[at + 2]) << 8 + Int(jpeg[at + 3])
        }
        try #require(markers.count == 3)
        for position in markers[1...].reversed() { jpeg.insert(contentsOf: [0, 1, 2], at: position) }
        try Data(jpeg).write(to: URL(fileURLWithPath: record + "/0001.jpg"))

        var policy = PipelinePolicy()
        policy.processing.deskew = false
        policy.processing.borderCrop = false
        policy.processing.blankDetection = false
        _ = try await Importer(ledger: try s.ledger(), policy: policy, workers: 1).run(
            delivery: s.delivery, batch: "b1", archive: nil)
        let report = try await NormalizeStage(
            ledger: try s.ledger(), policy: policy, workspace: s.workspace, workers: 1,
            version: "test"
        ).run(batch: "b1")
        #expect(report.normalized == 1 && report.failed == 0)
        let checks = try s.ledger().pageChecks(batch: "b1")
        #expect(checks.map(\.rule) == [.decodeWarning])
        #expect(checks.first?.detail.components(separatedBy: "extraneous bytes before marker").count == 3, "\(checks)")
    }
}
