import Audit
import BindStage
import ChecksumStage
import Foundation
import ImageCodecs
import Importer
import Ledger
import NormalizeStage
import PackageStage
import Policy
import QuireTestSupport
import Testing

@Suite struct PackageStageTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The samples through import, normalize, checksum, bind and package.
    func packagedSamples(policy: PipelinePolicy = PipelinePolicy()) async throws -> (Scratch, PackageStage.Report) {
        let s = try Scratch()
        let ledger = try s.ledger()
        _ = try await Importer(ledger: ledger, policy: policy, workers: 2).run(
            delivery: Self.repo + "/samples/delivery", batch: "samples", archive: nil)
        _ = try await NormalizeStage(ledger: ledger, policy: policy, workspace: s.workspace, workers: 2, version: "test").run(
            batch: "samples")
        _ = try await ChecksumStage(ledger: ledger, policy: policy, workspace: s.workspace).record(batch: "samples")
        _ = try BindStage(ledger: ledger, policy: policy, workspace: s.workspace, version: "test")
            .run(
                batch: "samples", catalog: Self.repo + "/samples/catalog.csv", encoding: nil,
                processFile: Self.repo + "/samples/process.yaml")
        let report = try await PackageStage(ledger: ledger, policy: policy, workspace: s.workspace, version: "test").run(
            batch: "samples", out: nil)
        return (s, report)
    }

    /// A private, independent copy of a bag (no hard links), to tamper with.
    func copy(_ bag: String, in s: Scratch) throws -> String {
        let target = s.root + "/copy-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: bag, toPath: target)
        return target
    }

    @Test func boundRecordsBecomeVerifiedBagsAndHeldRecordsAreSkipped() async throws {
        let (s, report) = try await packagedSamples()
        #expect(report.bags.map(\.name).sorted() == ["0026-003-0045", "Z109-WS·2011-Y-BGS-0001", "Z109-WS·2011-Y-BGS-0002"])
        #expect(report.bags.allSatisfy { $0.status == "packaged" })
        #expect(Set(report.skipped.keys) == ["0026-003-0046", "0026-003-0047"])
        let rows = try s.ledger().records(batch: "samples")
        #expect(rows.filter { $0.state == .verified }.count == 3)

        let bag = s.workspace + "/bags/Z109-WS·2011-Y-BGS-0001"
        let info = try String(contentsOfFile: bag + "/bag-info.txt", encoding: .utf8)
        #expect(info.contains("External-Identifier: Z109-WS·2011-Y-BGS-0001"))
        #expect(info.contains("Title: 关于印发《全市纸质档案数字化工作实施方案》的通知"))
        #expect(info.contains("Payload-Oxum: "))
        // 3 pages × (master, access, thumbnail) + 2 metadata documents.
        let manifest = try String(contentsOfFile: bag + "/manifest-sha256.txt", encoding: .utf8)
        #expect(manifest.split(separator: "\n").count == 11)
        // The payload digests are the ones the ledger recorded when normalization wrote the files.
        let recorded = try s.ledger().fixityRecords(batch: "samples").first {
            $0.path == "masters/Z109-WS·2011-Y-BGS-0001/0001.tif"
        }
        #expect(manifest.contains("\(recorded!.digests[.sha256]!) data/masters/Z109-WS·2011-Y-BGS-0001/0001.tif"))

        let result = await Auditor(policy: PipelinePolicy()).audit(bag: bag, depth: .full)
        #expect(result.valid, "\(result.problems)")
        #expect(result.records == ["Z109-WS·2011-Y-BGS-0001"])

        // A second run packages nothing twice.
        let again = try await PackageStage(
            ledger: try s.ledger(), policy: PipelinePolicy(), workspace: s.workspace, version: "test"
        )
        .run(batch: "samples", out: nil)
        #expect(again.bags.isEmpty)
    }

    @Test func bagitPythonValidatesQuiresBags() async throws {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/bagit.py" }
        guard let bagit = path.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            Issue.record("\(MissingTool(tool: "bagit.py")); the peer check did not run")
            return
        }
        let (s, _) = try await packagedSamples()
        for name in ["0026-003-0045", "Z109-WS·2011-Y-BGS-0001"] {
            let validated = try Program.run(bagit, ["--validate", s.workspace + "/bags/" + name])
            #expect(validated.status == 0, "\(name): \(validated.stderr)")
        }
    }

    @Test func tamperedBagsFailWithTheRightRule() async throws {
        let (s, _) = try await packagedSamples()
        let bag = s.workspace + "/bags/0026-003-0045"
        let auditor = Auditor(policy: PipelinePolicy())
        func rules(_ path: String) async -> Set<String> {
            Set(await auditor.audit(bag: path, depth: .full).problems.filter { $0.severity == .error }.map(\.rule.rawValue))
        }

        let flipped = try copy(bag, in: s)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: flipped + "/data/masters/0026-003-0045/0002.tif"))
        bytes[bytes.count / 2] ^= 0x20
        try bytes.write(to: URL(fileURLWithPath: flipped + "/data/masters/0026-003-0045/0002.tif"))
        #expect(await rules(flipped).contains("payload.digest"))

        // A Deflate master (whose stream carries a checksum) with one flipped byte: one read of it serves both
        // checks, the digests and the full decode of the same bytes.
        let colourBag = try copy(s.workspace + "/bags/Z109-WS·2011-Y-BGS-0001", in: s)
        let colourMasters = try FileManager.default.contentsOfDirectory(
            atPath: colourBag + "/data/masters/Z109-WS·2011-Y-BGS-0001"
        ).sorted()
        let damaged = "data/masters/Z109-WS·2011-Y-BGS-0001/" + colourMasters[0]
        var colourBytes = try Data(contentsOf: URL(fileURLWithPath: colourBag + "/" + damaged))
        #expect((try? ImageDecoder.decode(colourBytes).info.compression) == "deflate")
        colourBytes[colourBytes.count / 2] ^= 0x20
        try colourBytes.write(to: URL(fileURLWithPath: colourBag + "/" + damaged))
        #expect(throws: DecodeError.self) { try ImageDecoder.decode(colourBytes) }
        let colourResult = await auditor.audit(bag: colourBag, depth: .full)
        let colourErrors = colourResult.problems.filter { $0.severity == .error }
        #expect(colourErrors.filter { $0.rule == .bag(.payloadDigest) }.map(\.file) == [damaged, damaged])  // sha256 and sha512
        #expect(colourErrors.filter { $0.rule == .archival(.decode) }.map(\.file) == [damaged])
        #expect(Set(colourErrors.map(\.rule.rawValue)) == ["payload.digest", "archival.decode"])
        // Read as DA/T 70's four properties: the digest is authenticity, the decode usability.
        #expect(!colourResult.fourProperties.authenticity.passed && !colourResult.fourProperties.usability.passed)
        #expect(colourResult.fourProperties.integrity.passed && colourResult.fourProperties.security.passed)
        #expect(colourResult.fourProperties.usability.errors == [.archival(.decode)])
        #expect(colourResult.fourProperties.authenticity.errors == [.bag(.payloadDigest)])
        // The same damage is found when no manifest lists the master: the auditor then reads it itself.
        let unlisted = try copy(colourBag, in: s)
        for manifest in ["manifest-sha256.txt", "manifest-sha512.txt"] {
            let lines = try String(contentsOfFile: unlisted + "/" + manifest, encoding: .utf8).split(separator: "\n")
                .filter { !$0.hasSuffix(damaged) }
            try (lines.joined(separator: "\n") + "\n").write(toFile: unlisted + "/" + manifest, atomically: true, encoding: .utf8)
        }
        let unlistedRules = await rules(unlisted)
        #expect(unlistedRules.contains("payload.extra") && unlistedRules.contains("archival.decode"))
        // Several bags at once: each keeps its own result, in the order given.
        let both = await auditor.audit(bags: [bag, colourBag, flipped], depth: .full)
        #expect(both.map(\.bag) == [bag, colourBag, flipped])
        #expect(both.map(\.valid) == [true, false, false])
        #expect(both[1].problems == colourResult.problems)

        let missing = try copy(bag, in: s)
        try FileManager.default.removeItem(atPath: missing + "/data/thumbs/0026-003-0045/0001.jpg")
        #expect(await rules(missing).contains("payload.missing"))

        let extra = try copy(bag, in: s)
        try Data("x".utf8).write(to: URL(fileURLWithPath: extra + "/data/masters/0026-003-0045/0004.tif"))
        let extraRules = await rules(extra)
        #expect(extraRules.contains("payload.extra"))

        let info = try copy(bag, in: s)
        let text = try String(contentsOfFile: info + "/bag-info.txt", encoding: .utf8)
        try text.replacingOccurrences(of: "Page-Count: 3", with: "Page-Count: 4").write(
            toFile: info + "/bag-info.txt", atomically: true, encoding: .utf8)
        #expect(await rules(info).contains("tagmanifest.digest"))

        let bom = try copy(bag, in: s)
        let declaration = try Data(contentsOf: URL(fileURLWithPath: bom + "/bagit.txt"))
        try (Data([0xEF, 0xBB, 0xBF]) + declaration).write(to: URL(fileURLWithPath: bom + "/bagit.txt"))
        #expect(await rules(bom).contains("bagit.bom"))

        // An archival rule: a page dropped from the bag with its manifest lines (BagIt-valid, archivally not).
        let dropped = try copy(bag, in: s)
        try FileManager.default.removeItem(atPath: dropped + "/data/masters/0026-003-0045/0003.tif")
        for manifest in ["manifest-sha256.txt", "manifest-sha512.txt"] {
            let lines = try String(contentsOfFile: dropped + "/" + manifest, encoding: .utf8).split(separator: "\n")
                .filter { !$0.hasSuffix("data/masters/0026-003-0045/0003.tif") }
            try (lines.joined(separator: "\n") + "\n").write(toFile: dropped + "/" + manifest, atomically: true, encoding: .utf8)
        }
        let archival = await auditor.audit(bag: dropped, depth: .full)
        #expect(archival.problems.contains { $0.rule == .archival(.pageCount) })
        #expect(!archival.valid)

        // --bagit-only: every digest is still checked, but no archival rule runs.
        let bagitOnly = await auditor.audit(bag: dropped, depth: .bagit)
        #expect(bagitOnly.mode == .bagit && bagitOnly.records.isEmpty && !bagitOnly.problems.isEmpty)
        #expect(bagitOnly.problems == archival.problems.filter { !$0.rule.rawValue.hasPrefix("archival.") })
        let pristine = await auditor.audit(bag: bag, depth: .bagit)
        #expect(pristine.valid && pristine.problems.isEmpty && pristine.bytesHashed > 0)
        let damagedBagitOnly = await auditor.audit(bag: colourBag, depth: .bagit)
        #expect(Set(damagedBagitOnly.problems.filter { $0.severity == .error }.map(\.rule.rawValue)) == ["payload.digest"])
        #expect(damagedBagitOnly.bytesHashed == colourResult.bytesHashed)
    }
}
