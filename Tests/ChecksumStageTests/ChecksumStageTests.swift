import QuireCore
import ChecksumStage
import Fixity
import Importer
import Foundation
import Ledger
import Policy
import QuireTestSupport
import Testing

@Suite struct ChecksumStageTests {
    func stage(_ s: Scratch, algorithms: [DigestAlgorithm] = [.sha256, .sha512, .md5, .sm3]) throws -> ChecksumStage {
        var policy = PipelinePolicy()
        policy.fixity.algorithms = algorithms
        return ChecksumStage(ledger: try s.ledger(), policy: policy, workspace: s.workspace, workers: 2)
    }

    @Test func recordsEveryAlgorithmInOnePassAndMovesPagesToDigested() async throws {
        let s = try Scratch()
        try s.tiff("0026-003-0045/0001.tif", seed: 1)
        try s.tiff("0026-003-0045/0002.tif", seed: 2)
        try s.bytes("0026-003-0045/0003.tif", Data())  // quarantined: not digested
        _ = try await s.importOnce()
        let report = try await stage(s).record(batch: "b1")
        #expect(report.recorded == 2)
        #expect(report.failures.isEmpty)
        let records = try s.ledger().fixityRecords(batch: "b1")
        #expect(records.count == 2)
        let file = s.delivery + "/0026-003-0045/0001.tif"
        let expected = try FileDigester.digest(path: file, algorithms: DigestAlgorithm.allCases)
        let first = records.first { $0.path == "0026-003-0045/0001.tif" }!
        for algorithm in DigestAlgorithm.allCases { #expect(first.digests[algorithm] == expected[algorithm]) }
        #expect(try s.ledger().pages(batch: "b1").allSatisfy { $0.state == .digested })

        let again = try await stage(s).record(batch: "b1")
        #expect(again.recorded == 0 && again.alreadyRecorded == 2)
    }

    @Test func fixityCheckReportsDriftAndMissingFiles() async throws {
        let s = try Scratch()
        for page in 1...3 { try s.tiff(String(format: "0026-003-0045/%04d.tif", page), seed: UInt64(page)) }
        _ = try await s.importOnce()
        _ = try await stage(s).record(batch: "b1")
        let clean = try await stage(s).check(batch: nil, paths: nil)
        #expect(clean.checked == 3 && clean.ok == 3 && clean.isClean)

        // One flipped byte in the middle of a file, one file gone.
        var bytes = try s.read("0026-003-0045/0002.tif")
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: s.delivery + "/0026-003-0045/0002.tif"))
        try FileManager.default.removeItem(atPath: s.delivery + "/0026-003-0045/0003.tif")
        let audit = try await stage(s).check(batch: "b1", paths: nil)
        #expect(audit.ok == 1 && audit.drift == 1 && audit.missing == 1)
        #expect(audit.problems.map(\.path) == ["0026-003-0045/0002.tif", "0026-003-0045/0003.tif"])
        #expect(audit.problems[0].detail?.hasPrefix("sha256 is") == true)
        let stored = try s.ledger().fixityRecords(batch: "b1").map(\.status)
        #expect(stored == [.ok, .drift, .missing])

        let one = try await stage(s).check(batch: nil, paths: ["0026-003-0045/0001.tif"])
        #expect(one.checked == 1 && one.isClean)
    }

    @Test func aPageChangedBetweenImportAndChecksumIsReported() async throws {
        let s = try Scratch()
        try s.tiff("0026-003-0045/0001.tif", seed: 1)
        _ = try await s.importOnce()
        try s.tiff("0026-003-0045/0001.tif", seed: 2)
        let report = try await stage(s).record(batch: "b1")
        #expect(report.recorded == 0)
        #expect(report.failures.first?.reason.contains("changed after import") == true)
    }
}

extension Scratch {
    /// Imports the delivery once as batch `b1`, with two workers.
    fileprivate func importOnce(policy: PipelinePolicy = PipelinePolicy()) async throws -> ImportReport {
        try await Importer(ledger: try ledger(), policy: policy, workers: 2).run(delivery: delivery, batch: "b1", archive: nil)
    }
}
