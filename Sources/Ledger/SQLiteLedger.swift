import Foundation
import GRDB
public import QuireCore

/// The ledger as a SQLite database in the workspace (`ledger.sqlite`, WAL mode), through GRDB: every store of
/// ``Ledger`` in one file.
///
/// GRDB was chosen over the raw sqlite3 C API because it brings versioned migrations, a `Sendable`
/// connection pool that serialises writes and allows concurrent reads (so `quire status` can read while a
/// run writes), typed row decoding and SQL interpolation that binds every value — none of it a thing
/// Quire should hand-write — while building against the system libsqlite3.
///
/// Every failure is a ``QuireError`` naming the database file, with SQLite's own message and extended result code
/// as its underlying error (26: not a database, 8: read-only, 5: busy…) and a fix where one is known.
public final class SQLiteLedger: Ledger {
    /// The database file.
    public let path: String
    private let pool: any DatabaseWriter

    /// Opens the existing ledger at `path` for reading only, as commands that only read do (`status`, `quota`), so
    /// they work on a read-only workspace (an auditor's copy, a read-only mount). Nothing is created or migrated.
    /// When the folder cannot be written and the ledger's WAL index is absent, the file is read as immutable: a
    /// writer elsewhere must not be changing it meanwhile, which a read-only folder already implies.
    public init(readingOnly path: String) throws(QuireError) {
        self.path = path
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        config.label = "quire-ledger-reader"
        func open(_ location: String) throws -> DatabaseQueue {
            let queue = try DatabaseQueue(path: location, configuration: config)
            let migrated = try queue.read { db in try Self.migrator.hasCompletedMigrations(db) }
            guard migrated else {
                throw QuireError.ledger(
                    "open", file: path,
                    underlying: .init(source: "ledger", message: "the ledger's schema is older than this Quire's"),
                    fix: "run a command that writes (quire run) on it once")
            }
            return queue
        }
        do {
            do {
                pool = try open(path)
            } catch is DatabaseError where access((path as NSString).deletingLastPathComponent, W_OK) != 0 {
                let escaped = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
                pool = try open("file:\(escaped)?immutable=1")
            }
        } catch {
            throw Self.failure("open", path, error)
        }
    }

    /// Opens (creating and migrating as needed) the ledger at `path`.
    public init(path: String) throws(QuireError) {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.label = "quire-ledger"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Self.migrator.migrate(pool)
        } catch {
            throw Self.failure("open", path, error)
        }
    }

    /// The schema, one migration per version. Never edit a shipped migration: add one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: batches, pages, quarantine, records, flags, changes, events") { db in
            try db.execute(
                sql: """
                    CREATE TABLE batch (
                        id TEXT PRIMARY KEY,
                        delivery TEXT NOT NULL,
                        archive TEXT,
                        pipeline TEXT NOT NULL,
                        created_at TEXT NOT NULL
                    );
                    CREATE TABLE page (
                        id INTEGER PRIMARY KEY,
                        batch_id TEXT NOT NULL REFERENCES batch(id),
                        path TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        mtime_ns INTEGER NOT NULL,
                        sha256 TEXT NOT NULL,
                        format TEXT NOT NULL,
                        width INTEGER NOT NULL,
                        height INTEGER NOT NULL,
                        bits INTEGER NOT NULL,
                        samples INTEGER NOT NULL,
                        color_type TEXT NOT NULL,
                        compression TEXT NOT NULL,
                        dpi_x REAL,
                        dpi_y REAL,
                        frames INTEGER NOT NULL,
                        code TEXT NOT NULL,
                        page_no INTEGER NOT NULL,
                        state TEXT NOT NULL,
                        claimed_by TEXT,
                        lease_until TEXT,
                        registered_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        UNIQUE (batch_id, path)
                    );
                    CREATE INDEX page_by_code ON page(batch_id, code, page_no);
                    CREATE INDEX page_by_digest ON page(sha256);
                    CREATE INDEX page_by_state ON page(batch_id, state);
                    CREATE TABLE quarantine (
                        id INTEGER PRIMARY KEY,
                        batch_id TEXT NOT NULL REFERENCES batch(id),
                        path TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        mtime_ns INTEGER NOT NULL,
                        sha256 TEXT,
                        reason TEXT NOT NULL,
                        detail TEXT NOT NULL,
                        code TEXT,
                        page_no INTEGER,
                        at TEXT NOT NULL,
                        UNIQUE (batch_id, path)
                    );
                    CREATE TABLE record (
                        batch_id TEXT NOT NULL REFERENCES batch(id),
                        code TEXT NOT NULL,
                        state TEXT NOT NULL DEFAULT 'waiting',
                        updated_at TEXT NOT NULL,
                        PRIMARY KEY (batch_id, code)
                    );
                    CREATE TABLE record_flag (
                        batch_id TEXT NOT NULL REFERENCES batch(id),
                        code TEXT NOT NULL,
                        rule TEXT NOT NULL,
                        detail TEXT NOT NULL,
                        at TEXT NOT NULL,
                        PRIMARY KEY (batch_id, code, rule)
                    );
                    CREATE TABLE changed_file (
                        batch_id TEXT NOT NULL REFERENCES batch(id),
                        path TEXT NOT NULL,
                        registered_sha256 TEXT NOT NULL,
                        found_sha256 TEXT NOT NULL,
                        found_size INTEGER NOT NULL,
                        detected_at TEXT NOT NULL,
                        PRIMARY KEY (batch_id, path, found_sha256)
                    );
                    CREATE TABLE event (
                        id INTEGER PRIMARY KEY,
                        at TEXT NOT NULL,
                        batch_id TEXT,
                        subject TEXT NOT NULL,
                        action TEXT NOT NULL,
                        detail TEXT,
                        tool TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2: fixity of every file") { db in
            try db.execute(
                sql: """
                    CREATE TABLE fixity (
                        batch_id TEXT NOT NULL REFERENCES batch(id),
                        root TEXT NOT NULL,
                        path TEXT NOT NULL,
                        role TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        sha256 TEXT,
                        sha512 TEXT,
                        md5 TEXT,
                        sm3 TEXT,
                        recorded_at TEXT NOT NULL,
                        checked_at TEXT,
                        status TEXT NOT NULL DEFAULT 'recorded',
                        PRIMARY KEY (batch_id, root, path)
                    );
                    """)
        }
        migrator.registerMigration("v3: catalog records and binding outcomes") { db in
            try db.execute(
                sql: """
                    CREATE TABLE catalog_record (
                        batch_id TEXT NOT NULL REFERENCES batch(id),
                        code TEXT NOT NULL,
                        line INTEGER NOT NULL,
                        fields TEXT NOT NULL,
                        page_count INTEGER,
                        PRIMARY KEY (batch_id, code)
                    );
                    ALTER TABLE record ADD COLUMN problems TEXT;
                    ALTER TABLE record ADD COLUMN metadata TEXT;
                    """)
        }
        migrator.registerMigration("v4: per-page checks of later stages") { db in
            try db.execute(
                sql: """
                    CREATE TABLE page_check (
                        batch_id TEXT NOT NULL REFERENCES batch(id),
                        path TEXT NOT NULL,
                        stage TEXT NOT NULL,
                        rule TEXT NOT NULL,
                        severity TEXT NOT NULL,
                        detail TEXT NOT NULL,
                        at TEXT NOT NULL,
                        PRIMARY KEY (batch_id, path, stage, rule)
                    );
                    """)
        }
        migrator.registerMigration("v5: bags") { db in
            try db.execute(sql: "ALTER TABLE record ADD COLUMN bag TEXT")
        }
        migrator.registerMigration("v6: claims, leases, fencing tokens, workers") { db in
            try db.execute(
                sql: """
                    ALTER TABLE page ADD COLUMN claim_token INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE page ADD COLUMN lease_ms INTEGER;
                    CREATE INDEX page_claimable ON page(id) WHERE state = 'decoded';
                    CREATE TABLE fencing (last INTEGER NOT NULL);
                    INSERT INTO fencing (last) VALUES (0);
                    CREATE TABLE worker (
                        id TEXT PRIMARY KEY,
                        host TEXT NOT NULL,
                        started_ms INTEGER NOT NULL,
                        heartbeat_ms INTEGER NOT NULL,
                        pages_done INTEGER NOT NULL DEFAULT 0,
                        stopped INTEGER NOT NULL DEFAULT 0
                    );
                    """)
        }
        migrator.registerMigration("v7: auditors' visual checks, events by action and time") { db in
            try db.execute(
                sql: """
                    CREATE TABLE visual_check (
                        id INTEGER PRIMARY KEY,
                        batch_id TEXT NOT NULL REFERENCES batch(id),
                        code TEXT NOT NULL,
                        page_no INTEGER NOT NULL,
                        verdict TEXT NOT NULL,
                        reason TEXT,
                        note TEXT NOT NULL,
                        auditor TEXT NOT NULL,
                        seed TEXT,
                        at TEXT NOT NULL
                    );
                    CREATE INDEX visual_check_by_batch ON visual_check(batch_id, id);
                    CREATE INDEX event_by_action_time ON event(action, at);
                    """)
        }
        migrator.registerMigration("v8: the settings a batch's pages are made with") { db in
            try db.execute(sql: "ALTER TABLE batch ADD COLUMN settings TEXT")
        }
        migrator.registerMigration("v9: record claims, the record work workers bind and package by, claim attempts") { db in
            try db.execute(
                sql: """
                    ALTER TABLE batch ADD COLUMN record_work TEXT;
                    ALTER TABLE record ADD COLUMN claimed_by TEXT;
                    ALTER TABLE record ADD COLUMN lease_ms INTEGER;
                    ALTER TABLE record ADD COLUMN claim_token INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE record ADD COLUMN worked INTEGER NOT NULL DEFAULT 0;
                    CREATE INDEX record_claimable ON record(batch_id, code) WHERE state IN ('waiting', 'bound') AND worked = 0;
                    ALTER TABLE page ADD COLUMN claims INTEGER NOT NULL DEFAULT 0;
                    CREATE INDEX page_abandoned ON page(id) WHERE state = 'decoded' AND claims >= \(PageClaim.attemptLimit);
                    CREATE INDEX page_retried ON page(id) WHERE state = 'decoded' AND claims > 0;
                    """)
        }
        return migrator
    }

    /// The schema versions applied, oldest first.
    public func appliedMigrations() throws(QuireError) -> [String] {
        try read("list migrations") { db in try Self.migrator.appliedMigrations(db) }
    }

    // MARK: - Batches

    /// The batch with this id, or nil. (``BatchStore``)
    public func batch(id: String) throws(QuireError) -> BatchInfo? {
        try read("read batch") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM batch WHERE id = ?", arguments: [id]).map(Self.batchInfo)
        }
    }

    /// Every batch, oldest first (by creation time, then id). (``BatchStore``)
    public func batches() throws(QuireError) -> [BatchInfo] {
        try fetch("list batches", "SELECT * FROM batch ORDER BY created_at, id", [], Self.batchInfo)
    }

    /// Creates the batch, with a `batch.open` event, or returns the existing one with that id unchanged. (``BatchStore``)
    public func openBatch(_ batch: BatchInfo) throws(QuireError) -> BatchInfo {
        try write("open batch") { db in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM batch WHERE id = ?", arguments: [batch.id]) {
                var existing = Self.batchInfo(row)
                if let settings = batch.settings, settings != existing.settings {
                    try db.execute(sql: "UPDATE batch SET settings = ? WHERE id = ?", arguments: [settings, batch.id])
                    existing.settings = settings
                }
                return existing
            }
            try db.execute(
                sql: "INSERT INTO batch (id, delivery, archive, pipeline, created_at, settings) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [batch.id, batch.delivery, batch.archive, batch.pipeline, batch.createdAt, batch.settings])
            try Self.log(db, .batchOpened(batch))
            return batch
        }
    }

    private static func batchInfo(_ row: Row) -> BatchInfo {
        BatchInfo(
            id: row["id"], delivery: row["delivery"], archive: row["archive"], pipeline: row["pipeline"],
            createdAt: row["created_at"], settings: row["settings"])
    }

    /// Counts for the batch: pages (by state), quarantined files, records (by state), flagged records, changed files. (``BatchStore``)
    public func counts(batch: String) throws(QuireError) -> BatchCounts {
        try read("count batch") { db in
            var pages: [PageState: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT state, COUNT(*) AS n FROM page WHERE batch_id = ? GROUP BY state", arguments: [batch])
            {
                pages[try Self.stored(row["state"], as: PageState.self, "page state")] = row["n"]
            }
            let count = { (sql: String) throws -> Int in try Int.fetchOne(db, sql: sql, arguments: [batch]) ?? 0 }
            var records: [RecordState: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT state, COUNT(*) AS n FROM record WHERE batch_id = ? GROUP BY state", arguments: [batch])
            {
                records[try Self.stored(row["state"], as: RecordState.self, "record state")] = row["n"]
            }
            return BatchCounts(
                pages: pages.values.reduce(0, +),
                quarantined: try count("SELECT COUNT(*) FROM quarantine WHERE batch_id = ?"),
                records: try count("SELECT COUNT(*) FROM record WHERE batch_id = ?"),
                flaggedRecords: try count("SELECT COUNT(DISTINCT code) FROM record_flag WHERE batch_id = ?"),
                changed: try count("SELECT COUNT(DISTINCT path) FROM changed_file WHERE batch_id = ?"),
                pagesByState: pages, recordsByState: records)
        }
    }

    // MARK: - Intake

    /// Files of the batch already registered or quarantined, by relative path (a quarantined entry wins over a. (``IntakeStore``)
    public func knownFiles(batch: String) throws(QuireError) -> [String: KnownFile] {
        try read("read known files") { db in
            var known: [String: KnownFile] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT path, size, mtime_ns, sha256 FROM page WHERE batch_id = ?", arguments: [batch])
            {
                known[row["path"]] = KnownFile(
                    kind: .page, size: row["size"], mtimeNanoseconds: row["mtime_ns"], sha256: row["sha256"])
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT path, size, mtime_ns, sha256 FROM quarantine WHERE batch_id = ?", arguments: [batch])
            {
                known[row["path"]] = KnownFile(
                    kind: .quarantined, size: row["size"], mtimeNanoseconds: row["mtime_ns"], sha256: row["sha256"])
            }
            return known
        }
    }

    /// For each digest given, the first page registered anywhere in the workspace with those bytes. (``IntakeStore``)
    public func pagesWithDigests(_ digests: Set<String>) throws(QuireError) -> [String: PageLocation] {
        guard !digests.isEmpty else { return [:] }
        return try read("find digests") { db in
            var found: [String: PageLocation] = [:]
            for digest in digests {
                if let row = try Row.fetchOne(
                    db, sql: "SELECT batch_id, path FROM page WHERE sha256 = ? ORDER BY id LIMIT 1", arguments: [digest])
                {
                    found[digest] = PageLocation(batch: row["batch_id"], path: row["path"])
                }
            }
            return found
        }
    }

    /// The batch's pages by their (档号, page number) slot, for duplicate-page checks. (``IntakeStore``)
    public func pageSlots(batch: String) throws(QuireError) -> [PageSlot: String] {
        try read("read page slots") { db in
            var slots: [PageSlot: String] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT code, page_no, path FROM page WHERE batch_id = ? ORDER BY id", arguments: [batch])
            {
                slots[PageSlot(code: row["code"], page: row["page_no"])] = row["path"]
            }
            return slots
        }
    }

    /// Writes one import step in one transaction, with an event per file: released quarantine entries go, pages. (``IntakeStore``)
    public func commit(_ commit: ImportCommit, batch: String, tool: String) throws(QuireError) {
        guard !commit.isEmpty else { return }
        let now = LedgerEvent.now()
        try write("commit import step") { db in
            for path in commit.released {
                try Self.run(db, sql: "DELETE FROM quarantine WHERE batch_id = ? AND path = ?", arguments: [batch, path])
                try Self.log(db, .quarantineReleased(batch: batch, path: path, tool: tool))
            }
            for p in commit.pages {
                try Self.run(
                    db,
                    sql: """
                        INSERT INTO page (batch_id, path, size, mtime_ns, sha256, format, width, height, bits, samples,
                                          color_type, compression, dpi_x, dpi_y, frames, code, page_no, state,
                                          registered_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        batch, p.path, p.size, p.mtimeNanoseconds, p.sha256, p.format, p.width, p.height,
                        p.bitsPerSample, p.samplesPerPixel, p.colorType, p.compression, p.dpiX, p.dpiY,
                        p.frames, p.code, p.page, p.state.rawValue, now, now,
                    ])
                try Self.ensureRecord(db, batch: batch, code: p.code, at: now)
                try Self.log(db, .pageRegistered(p, batch: batch, tool: tool))
            }
            for q in commit.quarantined {
                try Self.run(
                    db,
                    sql: """
                        INSERT INTO quarantine (batch_id, path, size, mtime_ns, sha256, reason, detail, code, page_no, at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (batch_id, path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,
                            sha256 = excluded.sha256, reason = excluded.reason, detail = excluded.detail,
                            code = excluded.code, page_no = excluded.page_no, at = excluded.at
                        """,
                    arguments: [
                        batch, q.path, q.size, q.mtimeNanoseconds, q.sha256, q.reason.rawValue, q.detail, q.code, q.page, now,
                    ])
                if let code = q.code { try Self.ensureRecord(db, batch: batch, code: code, at: now) }
                try Self.log(db, .fileQuarantined(q, batch: batch, tool: tool))
            }
            for c in commit.changed {
                try Self.run(
                    db,
                    sql: """
                        INSERT INTO changed_file (batch_id, path, registered_sha256, found_sha256, found_size, detected_at)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                        """, arguments: [batch, c.path, c.registeredSHA256, c.foundSHA256, c.foundSize, now])
                try Self.log(db, .fileChanged(c, batch: batch, tool: tool))
            }
            for t in commit.touched {
                try Self.run(
                    db, sql: "UPDATE page SET mtime_ns = ?, updated_at = ? WHERE batch_id = ? AND path = ?",
                    arguments: [t.mtimeNanoseconds, now, batch, t.path])
            }
        }
    }

    /// Replaces the batch's record flags of the given rules by `flags`. (``IntakeStore``)
    public func replaceFlags(_ flags: [RecordFlag], rules: Set<RecordFlagRule>, batch: String) throws(QuireError) {
        let now = LedgerEvent.now()
        try write("replace record flags") { db in
            for rule in rules {
                try db.execute(sql: "DELETE FROM record_flag WHERE batch_id = ? AND rule = ?", arguments: [batch, rule.rawValue])
            }
            for f in flags {
                try db.execute(
                    sql: """
                        INSERT INTO record_flag (batch_id, code, rule, detail, at) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (batch_id, code, rule) DO UPDATE SET detail = excluded.detail, at = excluded.at
                        """, arguments: [batch, f.code, f.rule.rawValue, f.detail, now])
            }
        }
    }

    /// Page numbers present (accepted, or quarantined with a known page) per record code. (``IntakeStore``)
    public func pageNumbers(batch: String) throws(QuireError) -> [String: [Int]] {
        try read("read page numbers") { db in
            var numbers: [String: [Int]] = [:]
            let sql = """
                SELECT code, page_no FROM page WHERE batch_id = ?1
                UNION ALL
                SELECT code, page_no FROM quarantine WHERE batch_id = ?1 AND code IS NOT NULL AND page_no IS NOT NULL
                """
            for row in try Row.fetchAll(db, sql: sql, arguments: [batch]) {
                numbers[row["code"], default: []].append(row["page_no"])
            }
            return numbers
        }
    }

    /// The batch's quarantined files, by path. (``IntakeStore``)
    public func quarantined(batch: String) throws(QuireError) -> [QuarantineRecord] {
        try fetch("read quarantine", "SELECT * FROM quarantine WHERE batch_id = ? ORDER BY path", [batch], Self.quarantined)
    }

    /// One record's quarantined files, by path. (``IntakeStore``)
    public func quarantined(batch: String, code: String) throws(QuireError) -> [QuarantineRecord] {
        try fetch(
            "read a record's quarantine", "SELECT * FROM quarantine WHERE batch_id = ? AND code = ? ORDER BY path",
            [batch, code], Self.quarantined)
    }

    private static func quarantined(_ row: Row) throws -> QuarantineRecord {
        QuarantineRecord(
            path: row["path"], size: row["size"], mtimeNanoseconds: row["mtime_ns"], sha256: row["sha256"],
            reason: try stored(row["reason"], as: QuarantineReason.self, "quarantine reason"), detail: row["detail"],
            code: row["code"], page: row["page_no"])
    }

    /// The batch's record flags, by code and rule. (``IntakeStore``)
    public func flags(batch: String) throws(QuireError) -> [RecordFlag] {
        try fetch(
            "read record flags", "SELECT code, rule, detail FROM record_flag WHERE batch_id = ? ORDER BY code, rule", [batch]
        ) {
            RecordFlag(
                code: $0["code"], rule: try Self.stored($0["rule"], as: RecordFlagRule.self, "record flag rule"),
                detail: $0["detail"])
        }
    }

    /// Files found changed after registration, by path. (``IntakeStore``)
    public func changedFiles(batch: String) throws(QuireError) -> [ChangedFile] {
        try fetch("read changed files", "SELECT * FROM changed_file WHERE batch_id = ? ORDER BY path, detected_at", [batch]) {
            ChangedFile(
                path: $0["path"], registeredSHA256: $0["registered_sha256"], foundSHA256: $0["found_sha256"],
                foundSize: $0["found_size"])
        }
    }

    /// Forgets pages whose last normalization failed and whose file has since been replaced (a rescan): their page. (``IntakeStore``)
    public func releaseFailedPages(batch: String, paths: [String], tool: String) throws(QuireError) {
        guard !paths.isEmpty else { return }
        try write("release pages for a rescan") { db in
            for path in paths {
                // The last normalization failed (a success replaces the page's checks), so no master exists.
                let failed =
                    try Bool.fetchOne(
                        db,
                        sql: """
                            SELECT EXISTS (SELECT 1 FROM page_check WHERE batch_id = ? AND path = ? AND stage = 'normalize' AND severity = 'error')
                            """, arguments: [batch, path]) ?? false
                guard failed else { continue }
                let sha = try String.fetchOne(
                    db, sql: "SELECT sha256 FROM page WHERE batch_id = ? AND path = ?", arguments: [batch, path])
                try db.execute(sql: "DELETE FROM page WHERE batch_id = ? AND path = ?", arguments: [batch, path])
                try db.execute(sql: "DELETE FROM page_check WHERE batch_id = ? AND path = ?", arguments: [batch, path])
                try db.execute(
                    sql: "DELETE FROM fixity WHERE batch_id = ? AND root = 'delivery' AND path = ?", arguments: [batch, path])
                try db.execute(sql: "DELETE FROM changed_file WHERE batch_id = ? AND path = ?", arguments: [batch, path])
                try Self.log(db, .pageReleased(path: path, sha256: sha, batch: batch, tool: tool))
            }
        }
    }

    // MARK: - Pages

    /// The batch's accepted pages, by code, page number and path. (``PageStore``)
    public func pages(batch: String) throws(QuireError) -> [PageRecord] {
        try fetch("read pages", "SELECT * FROM page WHERE batch_id = ? ORDER BY code, page_no, path", [batch], Self.page)
    }

    /// One record's accepted pages, by page number and path. (``PageStore``)
    public func pages(batch: String, code: String) throws(QuireError) -> [PageRecord] {
        try fetch(
            "read a record's pages", "SELECT * FROM page WHERE batch_id = ? AND code = ? ORDER BY page_no, path",
            [batch, code], Self.page)
    }

    static func page(_ row: Row) throws -> PageRecord {
        PageRecord(
            path: row["path"], size: row["size"], mtimeNanoseconds: row["mtime_ns"], sha256: row["sha256"],
            format: row["format"], width: row["width"], height: row["height"], bitsPerSample: row["bits"],
            samplesPerPixel: row["samples"], colorType: row["color_type"], compression: row["compression"],
            dpiX: row["dpi_x"], dpiY: row["dpi_y"], frames: row["frames"], code: row["code"], page: row["page_no"],
            state: try stored(row["state"], as: PageState.self, "page state"))
    }

    /// Records one page's normalization in one transaction. (``PageStore``)
    public func completeNormalization(
        _ result: NormalizedPage, sourceFixity: FixityRecord?, batch: String,
        tool: String
    ) throws(QuireError) {
        try write("record normalization") { db in
            try Self.completeNormalization(db, result, sourceFixity: sourceFixity, batch: batch, tool: tool)
        }
    }

    /// The statements of ``completeNormalization(_:sourceFixity:batch:tool:)``, inside the caller's transaction.
    static func completeNormalization(
        _ db: Database, _ result: NormalizedPage, sourceFixity: FixityRecord?, batch: String, tool: String
    ) throws {
        let now = LedgerEvent.now()
        try db.execute(
            sql: "DELETE FROM page_check WHERE batch_id = ? AND path = ? AND stage = 'normalize'",
            arguments: [batch, result.path])
        for c in result.checks {
            try db.execute(
                sql:
                    "INSERT INTO page_check (batch_id, path, stage, rule, severity, detail, at) VALUES (?, ?, 'normalize', ?, ?, ?, ?)",
                arguments: [batch, result.path, c.rule.rawValue, c.severity.rawValue, c.detail, now])
        }
        for r in result.outputs {
            try upsertFixity(db, r, root: .workspace, batch: batch, now: now)
        }
        if !result.outputs.isEmpty {
            try db.execute(
                sql:
                    "UPDATE page SET state = 'normalized', updated_at = ? WHERE batch_id = ? AND path = ? AND state = 'decoded'",
                arguments: [now, batch, result.path])
        }
        try log(db, .pageNormalized(result, batch: batch, tool: tool))
        if let sourceFixity { try recordFixity([sourceFixity], db: db, batch: batch, now: now, tool: tool) }
    }

    /// The batch's page checks, by path, stage and rule. (``PageStore``)
    public func pageChecks(batch: String) throws(QuireError) -> [PageCheck] {
        try fetch(
            "read page checks", "SELECT * FROM page_check WHERE batch_id = ? ORDER BY path, stage, rule", [batch], Self.pageCheck)
    }

    private static func pageCheck(_ row: Row) throws -> PageCheck {
        PageCheck(
            path: row["path"], stage: try stored(row["stage"], as: Stage.self, "page check stage"),
            rule: try stored(row["rule"], as: PageCheckRule.self, "page check rule"),
            severity: try stored(row["severity"], as: Severity.self, "page check severity"), detail: row["detail"])
    }

    /// Why normalization failed, by page path, for the batch's pages whose last normalization failed (of one. (``PageStore``)
    public func normalizationFailures(batch: String, code: String?) throws(QuireError) -> [String: [PageCheck]] {
        let sql = """
            SELECT c.* FROM page_check c
            JOIN page p ON p.batch_id = c.batch_id AND p.path = c.path
            WHERE c.batch_id = ? AND c.stage = 'normalize' AND c.severity = 'error'
            """ + (code == nil ? "" : " AND p.code = ?") + " ORDER BY c.path, c.rule"
        return Dictionary(
            grouping: try fetch("read normalization failures", sql, code.map { [batch, $0] } ?? [batch], Self.pageCheck),
            by: \.path)
    }

    // MARK: - Fixity

    /// Records (or replaces) the digests of files of `batch`, with an event each; a replaced record goes back to. (``FixityStore``)
    public func recordFixity(_ records: [FixityRecord], batch: String, tool: String) throws(QuireError) {
        guard !records.isEmpty else { return }
        let now = LedgerEvent.now()
        try write("record fixity") { db in try Self.recordFixity(records, db: db, batch: batch, now: now, tool: tool) }
    }

    /// The statements of ``recordFixity(_:batch:tool:)``, inside the caller's transaction.
    private static func recordFixity(_ records: [FixityRecord], db: Database, batch: String, now: String, tool: String) throws {
        for r in records {
            try upsertFixity(db, r, root: r.root, batch: batch, now: now)
            try log(db, .fixityRecorded(r, batch: batch, tool: tool))
        }
        if Set(records.map(\.role)) == [.source] {
            for r in records {
                try run(
                    db,
                    sql:
                        "UPDATE page SET state = 'digested', updated_at = ? WHERE batch_id = ? AND path = ? AND state IN ('decoded', 'normalized')",
                    arguments: [now, batch, r.path])
            }
        }
    }

    /// Fixity records of one batch (by root and path), or of every batch (by batch, root and path). (``FixityStore``)
    public func fixityRecords(batch: String?) throws(QuireError) -> [FixityRecord] {
        if let batch {
            return try fetch("read fixity", "SELECT * FROM fixity WHERE batch_id = ? ORDER BY root, path", [batch], Self.fixity)
        }
        return try fetch("read fixity", "SELECT * FROM fixity ORDER BY batch_id, root, path", [], Self.fixity)
    }

    /// Fixity records of the given relative paths (sources and outputs) in one batch, by root and path. (``FixityStore``)
    public func fixityRecords(batch: String, paths: [String]) throws(QuireError) -> [FixityRecord] {
        guard !paths.isEmpty else { return [] }
        let found = try read("read fixity") { db in
            var found: [FixityRecord] = []
            // SQLite binds at most 32,766 parameters per statement; a record never has that many files.
            for chunk in stride(from: 0, to: paths.count, by: 500).map({ Array(paths[$0..<min($0 + 500, paths.count)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                found += try Row.fetchAll(
                    db, sql: "SELECT * FROM fixity WHERE batch_id = ? AND path IN (\(marks))",
                    arguments: StatementArguments([batch] + chunk)
                ).map(Self.fixity)
            }
            return found
        }
        // One order however many chunks it took: SQLite's (binary) order of root, then path.
        return found.sorted { a, b in
            a.root != b.root ? a.root.rawValue.ledgerPrecedes(b.root.rawValue) : a.path.ledgerPrecedes(b.path)
        }
    }

    private static func fixity(_ row: Row) throws -> FixityRecord {
        var digests: [DigestAlgorithm: String] = [:]
        for algorithm in DigestAlgorithm.allCases {
            if let value: String = row[algorithm.rawValue] { digests[algorithm] = value }
        }
        return FixityRecord(
            batch: row["batch_id"], root: try stored(row["root"], as: FixityRecord.Root.self, "fixity root"),
            path: row["path"], role: try stored(row["role"], as: FileRole.self, "file role"), size: row["size"],
            digests: digests, recordedAt: row["recorded_at"], checkedAt: row["checked_at"],
            status: try stored(row["status"], as: FixityStatus.self, "fixity status"))
    }

    /// Stores the outcome of a fixity check, with an event each. (``FixityStore``)
    public func markFixityChecked(_ results: [(record: FixityRecord, status: FixityStatus)], tool: String) throws(QuireError) {
        guard !results.isEmpty else { return }
        let now = LedgerEvent.now()
        try write("record fixity check") { db in
            for (r, status) in results {
                try db.execute(
                    sql: "UPDATE fixity SET checked_at = ?, status = ? WHERE batch_id = ? AND root = ? AND path = ?",
                    arguments: [now, status.rawValue, r.batch, r.root.rawValue, r.path])
                try Self.log(db, .fixityChecked(r, status: status, tool: tool))
                let code = try r.demotedCode(status: status) {
                    try String.fetchOne(
                        db, sql: "SELECT code FROM page WHERE batch_id = ? AND path = ?", arguments: [r.batch, r.path])
                }
                guard let code else { continue }
                try db.execute(
                    sql: """
                        UPDATE record SET state = 'invalid', updated_at = ? WHERE batch_id = ? AND code = ? AND state IN ('packaged', 'verified')
                        """, arguments: [now, r.batch, code])
                if db.changesCount > 0 {
                    try Self.log(db, .recordInvalidated(code: code, by: r, status: status, tool: tool))
                }
            }
        }
    }

    // MARK: - Records

    /// Stores each record's binding outcome and, when the binding carries one, replaces the batch's catalog, in one. (``RecordStore``)
    public func storeBinding(_ binding: StoredBinding, batch: String, tool: String) throws(QuireError) {
        let now = LedgerEvent.now()
        try write("store binding") { db in
            if binding.catalog != nil {
                try db.execute(sql: "DELETE FROM catalog_record WHERE batch_id = ?", arguments: [batch])
            }
            for c in binding.catalog ?? [] {
                try db.execute(
                    sql: "INSERT INTO catalog_record (batch_id, code, line, fields, page_count) VALUES (?, ?, ?, ?, ?)",
                    arguments: [batch, c.code, c.line, c.fieldsJSON, c.pageCount])
            }
            for r in binding.records {
                try db.execute(
                    sql: """
                        INSERT INTO record (batch_id, code, state, updated_at, problems, metadata) VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (batch_id, code) DO UPDATE SET
                            state = CASE WHEN excluded.state = 'bound' AND record.state IN ('packaged', 'verified') THEN record.state
                                         ELSE excluded.state END,
                            updated_at = excluded.updated_at, problems = excluded.problems, metadata = excluded.metadata
                        """,
                    arguments: [batch, r.code, r.state.rawValue, now, BindingProblem.storedText(r.problems), r.metadataPath])
                let state = try String.fetchOne(
                    db, sql: "SELECT state FROM record WHERE batch_id = ? AND code = ?", arguments: [batch, r.code])
                if state == r.state.rawValue {
                    try Self.log(db, .recordBound(r, batch: batch, tool: tool))
                }
            }
        }
    }

    /// The batch's records, by code. (``RecordStore``)
    public func records(batch: String) throws(QuireError) -> [RecordRow] {
        try fetch(
            "read records", "SELECT code, state, problems, metadata, bag FROM record WHERE batch_id = ? ORDER BY code", [batch]
        ) {
            let text: String? = $0["problems"]
            guard let problems = BindingProblem.fromStoredText(text) else {
                throw InvalidStoredValue(what: "binding problems", value: text ?? "")
            }
            return RecordRow(
                code: $0["code"], state: try Self.stored($0["state"], as: RecordState.self, "record state"),
                problems: problems, metadataPath: $0["metadata"], bag: $0["bag"])
        }
    }

    /// Moves a record to `state`, remembering its bag when one is given, with an event. (``RecordStore``)
    public func markRecord(
        batch: String, code: String, state: RecordState, bag: String?, detail: String?,
        tool: String
    ) throws(QuireError) {
        let now = LedgerEvent.now()
        try write("mark record") { db in
            try db.execute(
                sql: "UPDATE record SET state = ?, bag = COALESCE(?, bag), updated_at = ? WHERE batch_id = ? AND code = ?",
                arguments: [state.rawValue, bag, now, batch, code])
            try Self.log(db, .recordMarked(code: code, state: state, bag: bag, detail: detail, batch: batch, tool: tool))
        }
    }

    /// Records whose bags are packaged and verified, with the verification time, for quota reports; by that. (``RecordStore``)
    public func digitizedRecords() throws(QuireError) -> [DigitizedRecord] {
        try fetch(
            "read digitized records",
            """
            SELECT r.batch_id, b.archive, r.code,
                   (SELECT MAX(e.at) FROM event e WHERE e.batch_id = r.batch_id AND e.subject = r.code
                                                    AND e.action = 'record.verified') AS verified_at,
                   (SELECT COUNT(*) FROM page p WHERE p.batch_id = r.batch_id AND p.code = r.code) AS pages,
                   (SELECT COALESCE(SUM(f.size), 0) FROM fixity f WHERE f.batch_id = r.batch_id AND f.root = 'workspace'
                                                    AND f.role = 'master' AND f.path LIKE 'masters/' || r.code || '/%') AS bytes
            FROM record r JOIN batch b ON b.id = r.batch_id
            WHERE r.state = 'verified'
            ORDER BY verified_at, r.code
            """, []
        ) {
            DigitizedRecord(
                batch: $0["batch_id"], archive: $0["archive"], code: $0["code"], verifiedAt: $0["verified_at"] ?? "",
                pages: $0["pages"], bytes: $0["bytes"])
        }
    }

    /// The record a bag path belongs to. (``RecordStore``)
    public func recordForBag(_ bag: String) throws(QuireError) -> (batch: String, code: String)? {
        try read("find bag") { db in
            try Row.fetchOne(db, sql: "SELECT batch_id, code FROM record WHERE bag = ? LIMIT 1", arguments: [bag]).map {
                ($0["batch_id"], $0["code"])
            }
        }
    }

    // MARK: - Events

    /// The events of one batch, or of every batch (and none) when `batch` is nil, oldest first. (``EventStore``)
    public func events(batch: String?) throws(QuireError) -> [LedgerEvent] {
        let sql = "SELECT * FROM event" + (batch == nil ? "" : " WHERE batch_id = ?") + " ORDER BY id"
        return try fetch("read events", sql, batch.map { [$0] } ?? []) {
            LedgerEvent(
                at: $0["at"], batch: $0["batch_id"], subject: $0["subject"], action: $0["action"], detail: $0["detail"],
                tool: $0["tool"])
        }
    }

    /// Pages normalized per hour from `since` on. (``EventStore``)
    public func pagesNormalizedPerHour(since: String, batch: String?) throws(QuireError) -> [HourCount] {
        try fetch(
            "count pages per hour",
            """
            SELECT substr(at, 1, 13) AS hour, COUNT(*) AS n FROM event
            WHERE action = 'page.normalized' AND at >= ? AND (? IS NULL OR batch_id = ?) GROUP BY hour ORDER BY hour
            """, [since, batch, batch]
        ) { HourCount(hour: $0["hour"], count: $0["n"]) }
    }

    // MARK: - Plumbing

    /// Records (or replaces) one file's digests; a replaced record goes back to `recorded`.
    private static func upsertFixity(_ db: Database, _ r: FixityRecord, root: FixityRecord.Root, batch: String, now: String)
        throws
    {
        try run(
            db,
            sql: """
                INSERT INTO fixity (batch_id, root, path, role, size, sha256, sha512, md5, sm3, recorded_at, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'recorded')
                ON CONFLICT (batch_id, root, path) DO UPDATE SET role = excluded.role, size = excluded.size,
                    sha256 = excluded.sha256, sha512 = excluded.sha512, md5 = excluded.md5, sm3 = excluded.sm3,
                    recorded_at = excluded.recorded_at, status = 'recorded', checked_at = NULL
                """,
            arguments: [
                batch, root.rawValue, r.path, r.role.rawValue, r.size, r.digests[.sha256], r.digests[.sha512],
                r.digests[.md5], r.digests[.sm3], now,
            ])
    }

    /// Runs one statement through the connection's statement cache: the import and the normalization run the same
    /// few statements once per file, and preparing each again cost more than running it.
    private static func run(_ db: Database, sql: String, arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// The record `code` of `batch`, made `waiting` when this is its first file (a page or a quarantined one).
    static func ensureRecord(_ db: Database, batch: String, code: String, at now: String) throws {
        try run(
            db,
            sql: """
                INSERT INTO record (batch_id, code, state, updated_at) VALUES (?, ?, 'waiting', ?)
                ON CONFLICT (batch_id, code) DO NOTHING
                """, arguments: [batch, code, now])
    }

    static func log(_ db: Database, _ e: LedgerEvent) throws {
        try run(
            db, sql: "INSERT INTO event (at, batch_id, subject, action, detail, tool) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [e.at, e.batch, e.subject, e.action, e.detail, e.tool])
    }

    /// A value read from a column that holds one of the core's vocabularies.
    static func stored<Value: RawRepresentable<String>>(_ raw: String, as: Value.Type, _ what: String) throws -> Value {
        guard let value = Value(rawValue: raw) else { throw InvalidStoredValue(what: what, value: raw) }
        return value
    }

    /// A column holding a value this Quire does not know (a newer Quire wrote it, or the file was edited).
    private struct InvalidStoredValue: Error {
        var what: String
        var value: String
    }

    /// The rows `sql` selects, each mapped by `row`.
    private func fetch<T>(
        _ operation: String, _ sql: String, _ arguments: StatementArguments,
        _ row: (Row) throws -> T
    ) throws(QuireError) -> [T] {
        try read(operation) { db in try Row.fetchAll(db, sql: sql, arguments: arguments).map(row) }
    }

    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(QuireError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw Self.failure(operation, path, error)
        }
    }

    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws(QuireError) -> T {
        do {
            return try pool.write(body)
        } catch {
            throw Self.failure(operation, path, error)
        }
    }

    /// The ``QuireError`` for a failure of `operation` on the database at `path`: SQLite's message and extended
    /// result code, and the fix when the code says what it is.
    static func failure(_ operation: String, _ path: String, _ error: any Error) -> QuireError {
        switch error {
        case let error as QuireError:
            return error
        case let error as DatabaseError:
            var message = error.message ?? "\(error.resultCode)"
            if let sql = error.sql { message += " - while executing `\(sql.trimmingCharacters(in: .whitespacesAndNewlines))`" }
            return .ledger(
                operation, file: path,
                underlying: .init(source: "sqlite", code: error.extendedResultCode.rawValue, message: message),
                fix: fix(for: error.resultCode))
        case let error as InvalidStoredValue:
            return .ledger(
                operation, file: path,
                underlying: .init(source: "ledger", message: "unknown \(error.what) '\(error.value)' in the database"),
                fix: "use the Quire that wrote this ledger, or a newer one")
        default:
            return .ledger(operation, file: path, underlying: .init(source: "sqlite", message: "\(error)"))
        }
    }

    /// What to do about an SQLite failure, by its primary result code.
    private static func fix(for code: ResultCode) -> String? {
        switch code {
        case .SQLITE_READONLY:
            "the ledger or its folder is read-only: make the workspace writable, or use another --workspace"
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            "another process holds the ledger: wait for it to finish (quire status shows progress) and run again"
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            "check that the workspace folder exists and that this user may read and write it"
        case .SQLITE_NOTADB:
            "this file is not a Quire ledger: give another --workspace, or move the file away"
        case .SQLITE_CORRUPT:
            "the ledger is damaged: restore ledger.sqlite from a backup"
        case .SQLITE_FULL:
            "the disk is full: free space and run again; finished work is kept"
        case .SQLITE_IOERR:
            "the disk failed a read or write: check the device (dmesg) and run again"
        default:
            nil
        }
    }
}

extension String {
    /// SQLite's default (binary) collation: UTF-8 bytes compared in order. Every backend orders text this way.
    package func ledgerPrecedes(_ other: String) -> Bool {
        utf8.lexicographicallyPrecedes(other.utf8)
    }
}
