import Foundation
import GRDB
@testable import Ledger
import QuireCore
import QuireTestSupport
import Testing

/// What only the SQLite backend has: a file, its schema versions, SQLite's own errors.
@Suite struct SQLiteLedgerTests {
    static let batch = BatchInfo(id: "b", delivery: "/d", archive: "city", pipeline: "dat31", createdAt: "2026-11-25T00:00:00Z")

    @Test func migrationsApplyOnceAndDataPersistsAcrossOpens() throws {
        let scratch = try ScratchFolder("sqlite")
        let path = scratch.path + "/ledger.sqlite"
        do {
            let ledger = try SQLiteLedger(path: path)
            #expect(try ledger.appliedMigrations().count == 9)
            _ = try ledger.openBatch(Self.batch)
        }
        let reopened = try SQLiteLedger(path: path)
        #expect(
            try reopened.appliedMigrations() == [
                "v1: batches, pages, quarantine, records, flags, changes, events", "v2: fixity of every file",
                "v3: catalog records and binding outcomes", "v4: per-page checks of later stages", "v5: bags",
                "v6: claims, leases, fencing tokens, workers", "v7: auditors' visual checks, events by action and time",
                "v8: the settings a batch's pages are made with",
                "v9: record claims, the record work workers bind and package by, claim attempts",
            ])
        #expect(try reopened.batch(id: "b") == Self.batch)
        // WAL mode: the write-ahead log file exists beside the database while open.
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
    }

    /// A ledger written by an older Quire (schema v3, binding problems as JSON text) opens migrated, its rows
    /// read back in the core's types; reading it without writing is refused with the fix.
    @Test func anOlderLedgerIsMigratedAndItsRowsReadTyped() throws {
        let scratch = try ScratchFolder("sqlite")
        let path = scratch.path + "/ledger.sqlite"
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteLedger.migrator.migrate(queue, upTo: "v3: catalog records and binding outcomes")
            try queue.write { db in
                try db.execute(sql: "INSERT INTO batch VALUES ('b', '/d', 'city', 'dat31', '2026-01-01T00:00:00Z')")
                try db.execute(
                    sql: """
                        INSERT INTO page (batch_id, path, size, mtime_ns, sha256, format, width, height, bits, samples, color_type,
                                          compression, dpi_x, dpi_y, frames, code, page_no, state, registered_at, updated_at)
                        VALUES ('b', 'A/0001.tif', 10, 1, 'aa', 'tiff', 10, 10, 8, 1, 'gray', 'lzw', NULL, NULL, 1, 'A', 1, 'normalized', 't', 't')
                        """)
                try db.execute(
                    sql: """
                        INSERT INTO record (batch_id, code, state, updated_at, problems, metadata)
                        VALUES ('b', 'A', 'held', 't', '[{"detail":"missing page 2","rule":"page_gap"}]', 'metadata/A/record.xml'),
                               ('b', 'B', 'held', 't', '[]', NULL)
                        """)
                try db.execute(
                    sql: """
                        INSERT INTO fixity (batch_id, root, path, role, size, sha256, md5, recorded_at, status)
                        VALUES ('b', 'workspace', 'masters/A/0001.tif', 'master', 5, 'ab', 'cd', 't', 'drift')
                        """)
            }
        }
        let refused = try #require(throws: QuireError.self) { _ = try SQLiteLedger(readingOnly: path) }
        #expect(refused.underlying?.message.contains("schema is older") == true)
        #expect(refused.fix?.contains("quire run") == true)

        let ledger = try SQLiteLedger(path: path)
        #expect(try ledger.appliedMigrations().count == 9)
        #expect(
            try ledger.records(batch: "b") == [
                RecordRow(
                    code: "A", state: .held, problems: [BindingProblem(rule: .pageGap, detail: "missing page 2")],
                    metadataPath: "metadata/A/record.xml"),
                RecordRow(code: "B", state: .held, problems: [], metadataPath: nil),
            ])
        #expect(try ledger.pages(batch: "b").map(\.state) == [.normalized])
        let master = try #require(try ledger.fixityRecords(batch: "b").first)
        #expect(master.role == .master && master.status == .drift && master.digests == [.sha256: "ab", .md5: "cd"])
    }

    /// The ledger's contents are what they were before the stores were typed: vocabulary as its raw strings,
    /// binding problems as the same JSON text.
    @Test func valuesAreStoredAsTheirRawStrings() throws {
        let scratch = try ScratchFolder("sqlite")
        let path = scratch.path + "/ledger.sqlite"
        let ledger = try SQLiteLedger(path: path)
        _ = try ledger.openBatch(Self.batch)
        try ledger.storeBinding(
            StoredBinding(
                catalog: nil,
                records: [
                    RecordRow(
                        code: "A", state: .held, problems: [BindingProblem(rule: .failedPages, detail: "no master for a/1.tif")],
                        metadataPath: nil)
                ]), batch: "b", tool: "t")
        try ledger.recordFixity(
            [
                FixityRecord(
                    batch: "b", root: .workspace, path: "thumbs/A/0001.jpg", role: .thumbnail, size: 1,
                    digests: [.sm3: "ff"])
            ], batch: "b", tool: "t")
        let queue = try DatabaseQueue(path: path)
        let row = try #require(try queue.read { db in try Row.fetchOne(db, sql: "SELECT state, problems FROM record") })
        #expect(row["state"] as String == "held")
        #expect(row["problems"] as String == #"[{"detail":"no master for a/1.tif","rule":"failed_pages"}]"#)
        let fixity = try #require(
            try queue.read { db in try Row.fetchOne(db, sql: "SELECT role, status, sm3, sha256 FROM fixity") })
        #expect(fixity["role"] as String == "thumbnail")
        #expect(fixity["status"] as String == "recorded")
        #expect(fixity["sm3"] as String == "ff")
        #expect(fixity["sha256"] as String? == nil)
    }

    @Test func aValueThisQuireDoesNotKnowIsAnErrorNamingIt() throws {
        let scratch = try ScratchFolder("sqlite")
        let path = scratch.path + "/ledger.sqlite"
        let ledger = try SQLiteLedger(path: path)
        _ = try ledger.openBatch(Self.batch)
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "INSERT INTO record (batch_id, code, state, updated_at) VALUES ('b', 'A', 'frozen', 't')")
        }
        let error = try #require(throws: QuireError.self) { _ = try ledger.records(batch: "b") }
        #expect(error.stage == .ledger)
        #expect(error.file == path)
        #expect(error.underlying?.message == "unknown record state 'frozen' in the database")
    }

    @Test func aFileThatIsNoDatabaseIsSQLiteError26() throws {
        let scratch = try ScratchFolder("sqlite")
        let path = scratch.path + "/ledger.sqlite"
        try Data(repeating: 0x51, count: 4096).write(to: URL(fileURLWithPath: path))
        for open in [{ _ = try SQLiteLedger(path: path) }, { _ = try SQLiteLedger(readingOnly: path) }] as [() throws -> Void] {
            let error = try #require(throws: QuireError.self) { try open() }
            #expect(error.kind == .couldNotRun)
            #expect(error.stage == .ledger)
            #expect(error.file == path)
            #expect(error.underlying?.source == "sqlite")
            #expect(error.underlying?.code == 26)
            #expect(error.underlying?.message.contains("not a database") == true)
            #expect(error.fix?.contains("not a Quire ledger") == true)
            #expect(error.description.hasPrefix("\(path): ledger: open failed (sqlite 26: file is not a database"))
        }
    }

    @Test func aMissingFileCannotBeReadOnly() throws {
        let scratch = try ScratchFolder("sqlite")
        let error = try #require(throws: QuireError.self) { _ = try SQLiteLedger(readingOnly: scratch.path + "/none.sqlite") }
        #expect(error.underlying?.code == 14)
        #expect(error.fix != nil)
    }

    /// Commands that only read open the ledger read-only: they read what a writer committed, and cannot write.
    @Test func aReadOnlyLedgerReadsAndRefusesWrites() throws {
        let scratch = try ScratchFolder("sqlite")
        let path = scratch.path + "/ledger.sqlite"
        let writer = try SQLiteLedger(path: path)
        _ = try writer.openBatch(Self.batch)
        let reader = try SQLiteLedger(readingOnly: path)
        #expect(try reader.batches() == [Self.batch])
        _ = try writer.openBatch(
            BatchInfo(id: "c", delivery: "/e", archive: nil, pipeline: "dat31", createdAt: "2026-11-26T00:00:00Z"))
        #expect(try reader.batches().map(\.id) == ["b", "c"])
        let error = try #require(throws: QuireError.self) {
            _ = try reader.openBatch(BatchInfo(id: "x", delivery: "/x", archive: nil, pipeline: "p", createdAt: "t"))
        }
        #expect(error.underlying?.code.map { $0 & 0xff } == 8)
        #expect(error.fix?.contains("read-only") == true)
        #expect(try writer.batch(id: "x") == nil)
    }
}
