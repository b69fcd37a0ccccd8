import Foundation
import Ledger
import QuireCore
import QuireTestSupport
import Testing

@Suite struct LedgerTests {
    @Test func migrationsApplyOnceAndDataPersistsAcrossOpens() throws {
        let s = try Scratch()
        do {
            let ledger = try s.ledger()
            #expect(try ledger.appliedMigrations().count == 9)
            _ = try ledger.openBatch(
                BatchInfo(id: "b", delivery: "/d", archive: "city", pipeline: "dat31", createdAt: "2026-11-25T00:00:00Z"))
        }
        let reopened = try s.ledger()
        #expect(try reopened.appliedMigrations().count == 9)
        #expect(try reopened.batch(id: "b")?.archive == "city")
        // WAL mode: the write-ahead log file exists beside the database while open.
        #expect(FileManager.default.fileExists(atPath: s.workspace + "/ledger.sqlite-wal"))
    }

    @Test func catalogCellsAndProcessStepsAreStoredAsFlatJSON() {
        let row = StoredBinding.CatalogRow(
            code: "A", line: 2,
            fields: [.init(name: "题名", key: "title", value: #"a/b "q""#), .init(name: "备注", key: nil, value: "")],
            pageCount: 1)
        #expect(row.fieldsJSON == #"[{"key":"title","name":"题名","value":"a/b \"q\""},{"name":"备注","value":""}]"#)
        let page = NormalizedPage(
            path: "A/0001.tif", outputs: [], checks: [],
            steps: [ProcessStep(.deskew, ["measured_degrees": "1.20", "step": "forged"]), ProcessStep(.master)])
        let event = LedgerEvent.pageNormalized(page, batch: "b", tool: "t")
        #expect(event.action == "page.normalize-failed")
        #expect(event.detail == #"[{"measured_degrees":"1.20","step":"deskew"},{"step":"master"}]"#)
    }

    @Test func bindingAgainKeepsPackagedRecordsAndDemotesThoseThatNowFail() throws {
        let s = try Scratch()
        let ledger = try s.ledger()
        _ = try ledger.openBatch(
            BatchInfo(id: "b", delivery: "/d", archive: nil, pipeline: "dat31", createdAt: "2026-11-25T00:00:00Z"))
        let catalog = [
            StoredBinding.CatalogRow(code: "0001-001-0001", line: 2, fields: [], pageCount: 3),
            StoredBinding.CatalogRow(code: "0001-001-0002", line: 3, fields: [], pageCount: 2),
        ]
        try ledger.storeBinding(
            StoredBinding(
                catalog: catalog,
                records: [
                    RecordRow(code: "0001-001-0001", state: .bound, metadataPath: "m1"),
                    RecordRow(code: "0001-001-0002", state: .bound, metadataPath: "m2"),
                ]), batch: "b", tool: "test")
        try ledger.markRecord(batch: "b", code: "0001-001-0001", state: .packaged, bag: "/bags/1", detail: nil, tool: "test")
        try ledger.markRecord(batch: "b", code: "0001-001-0002", state: .verified, bag: "/bags/2", detail: nil, tool: "test")
        func states() throws -> [String: RecordState] {
            Dictionary(uniqueKeysWithValues: try ledger.records(batch: "b").map { ($0.code, $0.state) })
        }

        // Bound again: still packaged and verified. A record that now fails binding is demoted to held.
        try ledger.storeBinding(
            StoredBinding(
                catalog: nil,
                records: [
                    RecordRow(code: "0001-001-0001", state: .bound, metadataPath: "m1"),
                    RecordRow(code: "0001-001-0002", state: .held, metadataPath: "m2"),
                ]), batch: "b", tool: "test")
        #expect(try states() == ["0001-001-0001": .packaged, "0001-001-0002": .held])
        // Only records in state verified count toward quotas: the demoted one no longer does.
        #expect(try ledger.digitizedRecords().isEmpty)
    }

    @Test func theWorkspaceLockAdmitsOneWriterAndIsReleasedWithItsHolder() throws {
        let s = try Scratch()
        var first: WorkspaceLock? = try WorkspaceLock(workspace: s.workspace)
        #expect(first != nil)
        let error = #expect(throws: WorkspaceError.self) { _ = try WorkspaceLock(workspace: s.workspace) }
        #expect(error?.message.contains("pid \(getpid())") == true)
        first = nil
        #expect(throws: Never.self) { _ = try WorkspaceLock(workspace: s.workspace) }
    }
}
