import BindStage
import Catalog
import ChecksumStage
import Foundation
import Importer
import Ledger
import Policy
import QuireTestSupport
import Testing

@Suite struct BindStageTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    func bindSamples(catalog: String) async throws -> (Scratch, BindStage.Report) {
        let s = try Scratch()
        _ = try await Importer(ledger: try s.ledger(), policy: PipelinePolicy(), workers: 2)
            .run(delivery: Self.repo + "/samples/delivery", batch: "samples", archive: nil)
        _ = try await ChecksumStage(ledger: try s.ledger(), policy: PipelinePolicy(), workspace: s.workspace).record(
            batch: "samples")
        let report = try BindStage(ledger: try s.ledger(), policy: PipelinePolicy(), workspace: s.workspace, version: "test")
            .run(
                batch: "samples", catalog: Self.repo + "/samples/" + catalog, encoding: nil,
                processFile: Self.repo + "/samples/process.yaml")
        return (s, report)
    }

    @Test(arguments: ["catalog.csv", "catalog-gb18030.csv"])
    func theSamplesBindWithExactlyThePlantedMismatches(_ catalog: String) async throws {
        let (s, report) = try await bindSamples(catalog: catalog)
        let status = Dictionary(uniqueKeysWithValues: report.binding.records.map { ($0.code.canonical, $0.status) })
        #expect(
            status == [
                "0026-003-0045": .bound, "0026-003-0046": .held, "0026-003-0047": .held,
                "Z109-WS·2011-Y-BGS-0001": .bound, "Z109-WS·2011-Y-BGS-0002": .bound,
            ])
        let held = Dictionary(uniqueKeysWithValues: report.binding.held.map { ($0.code.canonical, Set($0.problems.map(\.rule))) })
        #expect(held["0026-003-0046"]?.contains(.pageCountMismatch) == true)
        #expect(held["0026-003-0047"] == [.noImages])
        #expect(report.binding.unmatchedImages.isEmpty)
        #expect(report.binding.catalogErrors.isEmpty)
        #expect(report.encoding == (catalog.contains("gb18030") ? "gb18030" : "utf-8"))

        // The ledger keeps each record's state; four records have pages and so a metadata document.
        let rows = try s.ledger().records(batch: "samples")
        #expect(rows.filter { $0.state == .bound }.count == 3)
        #expect(rows.filter { $0.state == .held }.count == 2)
        #expect(rows.compactMap(\.metadataPath).count == 4)
        #expect(report.metadataDocuments.count == 8)
    }

    @Test func metadataDocumentsValidateAndCarryDigestsAndProcess() async throws {
        let (s, _) = try await bindSamples(catalog: "catalog.csv")
        let xmlPath = s.workspace + "/metadata/Z109-WS·2011-Y-BGS-0001/record.xml"
        let xml = try String(contentsOfFile: xmlPath, encoding: .utf8)
        #expect(xml.contains("关于印发《全市纸质档案数字化工作实施方案》的通知"))
        #expect(xml.contains("<colour-mode>colour</colour-mode>"))
        #expect(xml.contains("algorithm=\"sha512\""))
        #expect(xml.contains("fi-7160"))
        #expect(xml.contains("李晓梅"))
        let json =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: s.workspace + "/metadata/0026-003-0045/record.json")))
            as? [String: Any]
        #expect((json?["pages"] as? [Any])?.count == 3)

        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/xmllint") else {
            Issue.record("\(MissingTool(tool: "xmllint")); schema validation not run")
            return
        }
        for code in ["0026-003-0045", "0026-003-0046", "Z109-WS·2011-Y-BGS-0001", "Z109-WS·2011-Y-BGS-0002"] {
            let lint = try Program.run(
                "/usr/bin/xmllint",
                [
                    "--noout", "--schema", Self.repo + "/docs/schema/quire-record.xsd",
                    s.workspace + "/metadata/\(code)/record.xml",
                ])
            #expect(lint.status == 0, "\(code): \(lint.stderr)")
        }
    }

    @Test func unreadableCatalogAndMissingBatchAreClearErrors() async throws {
        let s = try Scratch()
        let stage = BindStage(ledger: try s.ledger(), policy: PipelinePolicy(), workspace: s.workspace, version: "test")
        #expect(throws: BindError.self) { _ = try stage.run(batch: "nope", catalog: "/x.csv", encoding: nil, processFile: nil) }
        try s.tiff("0026-003-0045/0001.tif", seed: 1)
        _ = try await s.importOnce()
        let error = #expect(throws: BindError.self) {
            _ = try stage.run(batch: "b1", catalog: s.root + "/missing.csv", encoding: nil, processFile: nil)
        }
        #expect(error?.description.contains("missing.csv") == true)
    }
}

extension Scratch {
    /// Imports the delivery once as batch `b1`, with two workers.
    fileprivate func importOnce(policy: PipelinePolicy = PipelinePolicy()) async throws -> ImportReport {
        try await Importer(ledger: try ledger(), policy: policy, workers: 2).run(delivery: delivery, batch: "b1", archive: nil)
    }
}
