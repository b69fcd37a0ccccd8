import BatchRun
import BindStage
import Foundation
import Importer
import Ledger
import NormalizeStage
import Packaging
import Policy
import QuireCore
import QuireTestSupport
import Testing
import WorkerLoop

/// Record claims end to end on a real SQLite ledger and real pages: a batch only registered (as a shared run leaves
/// it for the workers), then one worker alone normalizes its pages and binds and packages every record by the
/// catalog the run recorded — the bags equal a single-process run's.
@Suite struct SharedRecordWorkTests {
    /// Each bag's `manifest-sha256.txt`, by bag name.
    static func manifests(_ folder: String) throws -> [String: String] {
        var bags: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where !name.hasPrefix(".") {
            bags[name] = try String(contentsOfFile: folder + "/\(name)/manifest-sha256.txt", encoding: .utf8)
        }
        return bags
    }

    @Test func aWorkerAloneBindsAndPackagesEveryRecordAsTheRunWould() async throws {
        let s = try Scratch()
        let catalog = try BatchRunTests().delivery(s, records: 4, pages: 2)
        let policy = PipelinePolicy()

        // The reference: one process, its own stream.
        let referenceWorkspace = s.root + "/reference"
        try FileManager.default.createDirectory(atPath: referenceWorkspace, withIntermediateDirectories: true)
        let reference = try SQLiteLedger(path: referenceWorkspace + "/ledger.sqlite")
        _ = try await BatchRun(ledger: reference, policy: policy, workspace: referenceWorkspace, workers: 2, version: "test")
            .run(.init(delivery: s.delivery, catalog: catalog, batch: "b1"))

        // What a shared run leaves for workers: the pages registered, the record work recorded.
        let ledger = try s.ledger()
        let settings = NormalizeStage.settingsFingerprint(policy: policy, tags: .init(), version: "test")
        _ = try await Importer(ledger: ledger, policy: policy, workers: 2, tool: "test", settings: settings)
            .run(delivery: s.delivery, batch: "b1", archive: nil)
        let out = s.workspace + "/bags"
        try ledger.setRecordWork(
            BindStage.recordWork(catalog: catalog, encoding: nil, processFile: nil, out: out), batch: "b1")
        let worker = PageWorker(
            ledger: ledger, policy: policy, workspace: s.workspace, version: "test",
            configuration: .init(threads: 2, lease: .seconds(30)))

        // The catalog changed after the run recorded it: the worker does the pages, then refuses to bind by it,
        // naming the file, and gives the record back.
        let original = try Data(contentsOf: URL(fileURLWithPath: catalog))
        try (String(decoding: original, as: UTF8.self) + "5,0001-001-0005,后加,1\n").write(
            toFile: catalog, atomically: true, encoding: .utf8)
        do {
            _ = try await worker.run(batch: nil, until: .idle)
            Issue.record("a worker bound records by a catalog that changed since the run recorded it")
        } catch {
            #expect(error.description.contains(catalog) && error.description.contains("changed since"), "\(error)")
        }
        #expect(try ledger.pendingRecordWork(batch: "b1") == PendingWork(claimable: 4, leased: 0))
        #expect(try ledger.records(batch: "b1").allSatisfy { $0.state == .waiting })

        // The catalog as it was: the worker binds and packages all four records.
        try original.write(to: URL(fileURLWithPath: catalog))
        let report = try await worker.run(batch: nil, until: .idle)
        #expect(report.recordsPackaged == 4 && report.recordsSettled == 0 && report.recordsRefused == 0, "\(report)")
        #expect(try ledger.records(batch: "b1").allSatisfy { $0.state == .verified && $0.bag?.hasPrefix(out + "/") == true })
        #expect(try ledger.workedRecords(batch: "b1").count == 4)
        let packagedEvents = try ledger.events(batch: "b1").filter { $0.action == "record.packaged" }
        #expect(packagedEvents.count == 4 && Set(packagedEvents.map(\.subject)).count == 4)
        #expect(try Self.manifests(out) == Self.manifests(referenceWorkspace + "/bags"))
        for bag in try FileManager.default.contentsOfDirectory(atPath: out) {
            let verified = await BagVerifier.verify(out + "/" + bag)
            #expect(verified.valid, "\(bag): \(verified.errorCount) errors")
        }
        // Nothing left for anyone.
        #expect(try ledger.claimRecords(batch: nil, worker: "late", limit: 10, lease: .seconds(30)).isEmpty)
        #expect(try ledger.pendingRecordWork(batch: "b1").isDone)
    }

    @Test func aSharedRunWithOneBagPerBatchHasWorkersBindAndPackagesTheBatchItself() async throws {
        let s = try Scratch()
        let catalog = try BatchRunTests().delivery(s, records: 3, pages: 2)
        var policy = PipelinePolicy()
        policy.package.bagPer = .batch
        let ledger = try s.ledger()
        let shared = BatchRun.SharedWork(
            ledger: ledger, configuration: .init(threads: 2, lease: .seconds(30)), signal: PollingSignal())
        let report = try await BatchRun(ledger: ledger, policy: policy, workspace: s.workspace, workers: 2, version: "test")
            .run(.init(delivery: s.delivery, catalog: catalog, batch: "b1", shared: shared))
        // The run's own worker bound every record under a record claim; no record bag was made; the run made one bag.
        #expect(try ledger.workedRecords(batch: "b1").count == 3)
        #expect(report.bags.map(\.name) == ["b1"] && report.bags.first?.records.count == 3, "\(report.bags.map(\.name))")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: s.workspace + "/bags").filter { !$0.hasPrefix(".") } == ["b1"])
        #expect(try ledger.records(batch: "b1").allSatisfy { $0.state == .verified && $0.bag?.hasSuffix("/b1") == true })
        let verified = await BagVerifier.verify(s.workspace + "/bags/b1")
        #expect(verified.valid && verified.payloadFileCount == 3 * 2 * 3 + 3 * 2, "\(verified.errorCount) errors")
    }

    @Test func recordWorkIsRefusedWhenItNamesAFileThatIsNoRegularFile() throws {
        let s = try Scratch()
        let fifo = s.root + "/catalog.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: BindError.self) {
            try BindStage.recordWork(catalog: fifo, encoding: nil, processFile: nil, out: s.root + "/bags")
        }
        let binder = BindStage(ledger: try s.ledger(), policy: PipelinePolicy(), workspace: s.workspace, version: "test")
        let relative = RecordWork(
            catalog: "catalog.csv", catalogSHA256: "", encoding: nil, processFile: nil, processSHA256: nil, out: "/bags")
        do {
            _ = try binder.prepare(relative)
            Issue.record("a relative catalog path from the ledger was read")
        } catch {
            #expect(error.description.contains("relative path"), "\(error)")
        }
        // A catalog larger than 512 MiB (sparse: no disk used) is refused by its size, before it is read.
        let huge = s.root + "/huge.csv"
        #expect(FileManager.default.createFile(atPath: huge, contents: nil))
        #expect(truncate(huge, 600 << 20) == 0)
        do {
            _ = try BindStage.recordWork(catalog: huge, encoding: nil, processFile: nil, out: s.root + "/bags")
            Issue.record("a 600 MiB catalog was read")
        } catch {
            #expect(error.description.contains("larger than 512 MiB"), "\(error)")
        }
        // A process file that is not UTF-8 (GB18030 bytes): refused, naming it.
        let catalog = s.root + "/catalog.csv"
        try "序号,档号,题名,页数\n".write(toFile: catalog, atomically: true, encoding: .utf8)
        let process = s.root + "/process.yaml"
        try Data([0x76, 0x65, 0x6E, 0x64, 0x6F, 0x72, 0x3A, 0x20, 0xC0, 0xEE, 0x0A]).write(to: URL(fileURLWithPath: process))
        let gb = try BindStage.recordWork(catalog: catalog, encoding: nil, processFile: process, out: s.root + "/bags")
        do {
            _ = try binder.prepare(gb)
            Issue.record("a process file that is not UTF-8 was parsed")
        } catch {
            #expect(error.description.contains(process) && error.description.contains("not UTF-8"), "\(error)")
        }
        // Bags out of the intended folder: a '..' in the ledger's bags folder is refused before anything is read.
        let climbing = RecordWork(
            catalog: s.root + "/catalog.csv", catalogSHA256: "", encoding: nil, processFile: nil, processSHA256: nil,
            out: s.workspace + "/bags/../../../etc")
        do {
            _ = try binder.prepare(climbing)
            Issue.record("a bags folder with '..' from the ledger was accepted")
        } catch {
            #expect(error.description.contains("'..'") && error.description.contains("/etc"), "\(error)")
        }
        do {
            _ = try binder.prepare(
                RecordWork(catalog: fifo, catalogSHA256: "", encoding: nil, processFile: nil, processSHA256: nil, out: "/bags"))
            Issue.record("a FIFO named by the ledger was read")
        } catch {
            #expect(error.description.contains("not a regular file"), "\(error)")
        }
    }
}
