import Foundation
public import Ledger
import NIOSSL
import PostgresNIO
public import QuireCore

/// The ledger on a PostgreSQL server, through postgres-nio: every store of ``Ledger`` with the SQLite ledger's
/// semantics (the conformance suite runs on both), shared by every machine that names the same URL.
///
/// Every statement is parameterised (values travel as bind parameters, never in the SQL text); the one name written
/// into SQL, the schema, is checked to be a plain identifier by ``PostgresLocation``. Every failure is a
/// ``QuireError`` naming the server by its redacted URL (the password never appears), with PostgreSQL's SQLSTATE and
/// message as its underlying error and a fix where one is known.
public final class PostgresLedger: Ledger {
    /// Where the ledger is.
    public let location: PostgresLocation
    let sessions: PostgresSessions

    /// Connects (checking the server answers) and migrates the schema to this Quire's version.
    ///
    /// - Parameters:
    ///   - location: the server, database and schema.
    ///   - connections: at most this many connections at once from this process.
    ///   - reconnectWindow: how long an operation keeps retrying while the server is unreachable.
    public init(
        _ location: PostgresLocation, connections: Int = 4, reconnectWindow: Duration = .seconds(60)
    ) throws(QuireError) {
        self.location = location
        sessions = try PostgresSessions(location: location, connections: connections, reconnectWindow: reconnectWindow)
        do { try PostgresSchema.migrate(sessions) } catch { throw Self.failure("open", location, error) }
    }

    /// Parses `url` and opens the ledger there (see ``init(_:connections:reconnectWindow:)``).
    public convenience init(url: String, connections: Int = 4, reconnectWindow: Duration = .seconds(60)) throws(QuireError) {
        try self.init(PostgresLocation(url: url), connections: connections, reconnectWindow: reconnectWindow)
    }

    /// The schema versions applied, oldest first.
    public func appliedMigrations() throws(QuireError) -> [String] {
        do { return try PostgresSchema.applied(sessions) } catch { throw Self.failure("list migrations", location, error) }
    }

    // MARK: - Batches

    /// The batch with this id, or nil. (``BatchStore``)
    public func batch(id: String) throws(QuireError) -> BatchInfo? {
        try read("read batch") { tx in try tx.query("SELECT * FROM batch WHERE id = $1", [.text(id)]).first.map(Self.batchInfo) }
    }

    /// Every batch, oldest first (by creation time, then id). (``BatchStore``)
    public func batches() throws(QuireError) -> [BatchInfo] {
        try read("list batches") { tx in try tx.query("SELECT * FROM batch ORDER BY created_at, id").map(Self.batchInfo) }
    }

    /// Creates the batch, with a `batch.open` event, or returns the existing one with that id unchanged. (``BatchStore``)
    public func openBatch(_ batch: BatchInfo) throws(QuireError) -> BatchInfo {
        try write("open batch") { tx in
            let inserted = try tx.update(
                """
                INSERT INTO batch (id, delivery, archive, pipeline, created_at, settings) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (id) DO NOTHING
                """,
                [
                    .text(batch.id), .text(batch.delivery), .text(batch.archive), .text(batch.pipeline),
                    .text(batch.createdAt), .text(batch.settings),
                ])
            guard inserted == 1 else {
                if let settings = batch.settings {
                    try tx.update(
                        "UPDATE batch SET settings = $1 WHERE id = $2 AND settings IS DISTINCT FROM $1",
                        [.text(settings), .text(batch.id)])
                }
                return try Self.batchInfo(try tx.query("SELECT * FROM batch WHERE id = $1", [.text(batch.id)])[0])
            }
            try Self.log(tx, .batchOpened(batch))
            return batch
        }
    }

    private static func batchInfo(_ row: Row) throws -> BatchInfo {
        BatchInfo(
            id: try row.text("id"), delivery: try row.text("delivery"), archive: try row.optionalText("archive"),
            pipeline: try row.text("pipeline"), createdAt: try row.text("created_at"),
            settings: try row.optionalText("settings"))
    }

    /// Counts for the batch: pages (by state), quarantined files, records (by state), flagged records, changed files. (``BatchStore``)
    public func counts(batch: String) throws(QuireError) -> BatchCounts {
        // The page counts are the sum of the tally the triggers keep (migration v3); once a batch has many tally rows
        // they are folded into one per state, after the read (by whoever may write; a reader that may not simply
        // sums more rows next time).
        var tallyRows = 0
        let counts = try read("count batch") { tx in
            let b: [SQLValue] = [.text(batch)]
            var pages: [PageState: Int] = [:]
            for row in try tx.query(
                "SELECT state, SUM(n)::BIGINT AS n, COUNT(*) AS tally_rows FROM page_tally WHERE batch_id = $1 GROUP BY state",
                b)
            {
                tallyRows += try row.int("tally_rows")
                let n = try row.int("n")
                if n != 0 { pages[try Self.stored(try row.text("state"), as: PageState.self, "page state")] = n }
            }
            var records: [RecordState: Int] = [:]
            for row in try tx.query("SELECT state, COUNT(*) AS n FROM record WHERE batch_id = $1 GROUP BY state", b) {
                records[try Self.stored(try row.text("state"), as: RecordState.self, "record state")] = try row.int("n")
            }
            let totals = try tx.query(
                """
                SELECT (SELECT COUNT(*) FROM quarantine WHERE batch_id = $1) AS quarantined,
                       (SELECT COUNT(*) FROM record WHERE batch_id = $1) AS records,
                       (SELECT COUNT(DISTINCT code) FROM record_flag WHERE batch_id = $1) AS flagged,
                       (SELECT COUNT(DISTINCT path) FROM changed_file WHERE batch_id = $1) AS changed
                """, b)[0]
            return BatchCounts(
                pages: pages.values.reduce(0, +), quarantined: try totals.int("quarantined"), records: try totals.int("records"),
                flaggedRecords: try totals.int("flagged"), changed: try totals.int("changed"), pagesByState: pages,
                recordsByState: records)
        }
        if tallyRows > 1_000 {
            _ = try? write("fold page counts") { tx in
                try tx.query(
                    """
                    WITH gone AS (DELETE FROM page_tally WHERE batch_id = $1 RETURNING state, n)
                    INSERT INTO page_tally (batch_id, state, n) SELECT $1, state, SUM(n) FROM gone GROUP BY state
                    """, [.text(batch)])
            }
        }
        return counts
    }

    // MARK: - Intake

    /// Files of the batch already registered or quarantined, by relative path. (``IntakeStore``)
    public func knownFiles(batch: String) throws(QuireError) -> [String: KnownFile] {
        try read("read known files") { tx in
            var known: [String: KnownFile] = [:]
            for row in try tx.query("SELECT path, size, mtime_ns, sha256 FROM page WHERE batch_id = $1", [.text(batch)]) {
                known[try row.text("path")] = KnownFile(
                    kind: .page, size: try row.int64("size"), mtimeNanoseconds: try row.int64("mtime_ns"),
                    sha256: try row.text("sha256"))
            }
            for row in try tx.query("SELECT path, size, mtime_ns, sha256 FROM quarantine WHERE batch_id = $1", [.text(batch)]) {
                known[try row.text("path")] = KnownFile(
                    kind: .quarantined, size: try row.int64("size"), mtimeNanoseconds: try row.int64("mtime_ns"),
                    sha256: try row.optionalText("sha256"))
            }
            return known
        }
    }

    /// For each digest given, the first page registered anywhere with those bytes. (``IntakeStore``)
    public func pagesWithDigests(_ digests: Set<String>) throws(QuireError) -> [String: PageLocation] {
        guard !digests.isEmpty else { return [:] }
        return try read("find digests") { tx in
            var found: [String: PageLocation] = [:]
            for row in try tx.query(
                "SELECT DISTINCT ON (sha256) sha256, batch_id, path FROM page WHERE sha256 = ANY($1) ORDER BY sha256, id",
                [.texts(Array(digests))])
            {
                found[try row.text("sha256")] = PageLocation(batch: try row.text("batch_id"), path: try row.text("path"))
            }
            return found
        }
    }

    /// The batch's pages by their (档号, page number) slot. (``IntakeStore``)
    public func pageSlots(batch: String) throws(QuireError) -> [PageSlot: String] {
        try read("read page slots") { tx in
            var slots: [PageSlot: String] = [:]
            for row in try tx.query("SELECT code, page_no, path FROM page WHERE batch_id = $1 ORDER BY id", [.text(batch)]) {
                slots[PageSlot(code: try row.text("code"), page: try row.int("page_no"))] = try row.text("path")
            }
            return slots
        }
    }

    /// Writes one import step in one transaction, with an event per file. (``IntakeStore``)
    public func commit(_ commit: ImportCommit, batch: String, tool: String) throws(QuireError) {
        guard !commit.isEmpty else { return }
        let now = LedgerEvent.now()
        try write("commit import step") { tx in
            for path in commit.released {
                try tx.query("DELETE FROM quarantine WHERE batch_id = $1 AND path = $2", [.text(batch), .text(path)])
                try Self.log(tx, .quarantineReleased(batch: batch, path: path, tool: tool))
            }
            for p in commit.pages {
                try tx.query(
                    """
                    INSERT INTO page (batch_id, path, size, mtime_ns, sha256, format, width, height, bits, samples,
                                      color_type, compression, dpi_x, dpi_y, frames, code, page_no, state,
                                      registered_at, updated_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19)
                    """,
                    [
                        .text(batch), .text(p.path), .int(p.size), .int(p.mtimeNanoseconds), .text(p.sha256), .text(p.format),
                        .of(p.width), .of(p.height), .of(p.bitsPerSample), .of(p.samplesPerPixel), .text(p.colorType),
                        .text(p.compression), .real(p.dpiX), .real(p.dpiY), .of(p.frames), .text(p.code), .of(p.page),
                        .text(p.state.rawValue), .text(now),
                    ])
                try Self.ensureRecord(tx, batch: batch, code: p.code, now: now)
                try Self.log(tx, .pageRegistered(p, batch: batch, tool: tool))
            }
            for q in commit.quarantined {
                try tx.query(
                    """
                    INSERT INTO quarantine (batch_id, path, size, mtime_ns, sha256, reason, detail, code, page_no, at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                    ON CONFLICT (batch_id, path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,
                        sha256 = excluded.sha256, reason = excluded.reason, detail = excluded.detail,
                        code = excluded.code, page_no = excluded.page_no, at = excluded.at
                    """,
                    [
                        .text(batch), .text(q.path), .int(q.size), .int(q.mtimeNanoseconds), .text(q.sha256),
                        .text(q.reason.rawValue), .text(q.detail), .text(q.code), .of(q.page), .text(now),
                    ])
                if let code = q.code { try Self.ensureRecord(tx, batch: batch, code: code, now: now) }
                try Self.log(tx, .fileQuarantined(q, batch: batch, tool: tool))
            }
            for c in commit.changed {
                try tx.query(
                    """
                    INSERT INTO changed_file (batch_id, path, registered_sha256, found_sha256, found_size, detected_at)
                    VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING
                    """,
                    [.text(batch), .text(c.path), .text(c.registeredSHA256), .text(c.foundSHA256), .int(c.foundSize), .text(now)])
                try Self.log(tx, .fileChanged(c, batch: batch, tool: tool))
            }
            // Idle workers wake for the new pages (delivered when this transaction commits).
            if !commit.pages.isEmpty { try tx.query("SELECT pg_notify($1, $2)", [.text(Self.workChannel), .text(batch)]) }
            for t in commit.touched {
                try tx.query(
                    "UPDATE page SET mtime_ns = $1, updated_at = $2 WHERE batch_id = $3 AND path = $4",
                    [.int(t.mtimeNanoseconds), .text(now), .text(batch), .text(t.path)])
            }
        }
    }

    private static func ensureRecord(_ tx: Transaction, batch: String, code: String, now: String) throws {
        try tx.query(
            """
            INSERT INTO record (batch_id, code, state, updated_at) VALUES ($1, $2, 'waiting', $3)
            ON CONFLICT (batch_id, code) DO NOTHING
            """, [.text(batch), .text(code), .text(now)])
    }

    /// Replaces the batch's record flags of the given rules by `flags`. (``IntakeStore``)
    public func replaceFlags(_ flags: [RecordFlag], rules: Set<RecordFlagRule>, batch: String) throws(QuireError) {
        let now = LedgerEvent.now()
        try write("replace record flags") { tx in
            try tx.query(
                "DELETE FROM record_flag WHERE batch_id = $1 AND rule = ANY($2)",
                [.text(batch), .texts(rules.map(\.rawValue))])
            for f in flags {
                try tx.query(
                    """
                    INSERT INTO record_flag (batch_id, code, rule, detail, at) VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (batch_id, code, rule) DO UPDATE SET detail = excluded.detail, at = excluded.at
                    """, [.text(batch), .text(f.code), .text(f.rule.rawValue), .text(f.detail), .text(now)])
            }
        }
    }

    /// Page numbers present (accepted, or quarantined with a known page) per record code. (``IntakeStore``)
    public func pageNumbers(batch: String) throws(QuireError) -> [String: [Int]] {
        try read("read page numbers") { tx in
            var numbers: [String: [Int]] = [:]
            for row in try tx.query(
                """
                SELECT code, page_no FROM page WHERE batch_id = $1
                UNION ALL
                SELECT code, page_no FROM quarantine WHERE batch_id = $1 AND code IS NOT NULL AND page_no IS NOT NULL
                """, [.text(batch)])
            {
                numbers[try row.text("code"), default: []].append(try row.int("page_no"))
            }
            return numbers
        }
    }

    /// The batch's quarantined files, by path. (``IntakeStore``)
    public func quarantined(batch: String) throws(QuireError) -> [QuarantineRecord] {
        try read("read quarantine") { tx in
            try tx.query("SELECT * FROM quarantine WHERE batch_id = $1 ORDER BY path", [.text(batch)]).map(Self.quarantined)
        }
    }

    /// One record's quarantined files, by path. (``IntakeStore``)
    public func quarantined(batch: String, code: String) throws(QuireError) -> [QuarantineRecord] {
        try read("read a record's quarantine") { tx in
            try tx.query(
                "SELECT * FROM quarantine WHERE batch_id = $1 AND code = $2 ORDER BY path", [.text(batch), .text(code)]
            ).map(Self.quarantined)
        }
    }

    private static func quarantined(_ row: Row) throws -> QuarantineRecord {
        QuarantineRecord(
            path: try row.text("path"), size: try row.int64("size"), mtimeNanoseconds: try row.int64("mtime_ns"),
            sha256: try row.optionalText("sha256"),
            reason: try stored(try row.text("reason"), as: QuarantineReason.self, "quarantine reason"),
            detail: try row.text("detail"), code: try row.optionalText("code"), page: try row.optionalInt("page_no"))
    }

    /// The batch's record flags, by code and rule. (``IntakeStore``)
    public func flags(batch: String) throws(QuireError) -> [RecordFlag] {
        try read("read record flags") { tx in
            try tx.query("SELECT code, rule, detail FROM record_flag WHERE batch_id = $1 ORDER BY code, rule", [.text(batch)])
                .map {
                    RecordFlag(
                        code: try $0.text("code"),
                        rule: try Self.stored(try $0.text("rule"), as: RecordFlagRule.self, "record flag rule"),
                        detail: try $0.text("detail"))
                }
        }
    }

    /// Files found changed after registration, by path. (``IntakeStore``)
    public func changedFiles(batch: String) throws(QuireError) -> [ChangedFile] {
        try read("read changed files") { tx in
            try tx.query("SELECT * FROM changed_file WHERE batch_id = $1 ORDER BY path, detected_at", [.text(batch)]).map {
                ChangedFile(
                    path: try $0.text("path"), registeredSHA256: try $0.text("registered_sha256"),
                    foundSHA256: try $0.text("found_sha256"), foundSize: try $0.int64("found_size"))
            }
        }
    }

    /// Forgets pages whose last normalization failed and whose file has since been replaced. (``IntakeStore``)
    public func releaseFailedPages(batch: String, paths: [String], tool: String) throws(QuireError) {
        guard !paths.isEmpty else { return }
        try write("release pages for a rescan") { tx in
            for path in paths {
                let key: [SQLValue] = [.text(batch), .text(path)]
                let failed = try tx.query(
                    """
                    SELECT 1 FROM page_check WHERE batch_id = $1 AND path = $2 AND stage = 'normalize' AND severity = 'error' LIMIT 1
                    """, key)
                guard !failed.isEmpty else { continue }
                let sha = try tx.query("SELECT sha256 FROM page WHERE batch_id = $1 AND path = $2", key).first?.text("sha256")
                try tx.query("DELETE FROM page WHERE batch_id = $1 AND path = $2", key)
                try tx.query("DELETE FROM page_check WHERE batch_id = $1 AND path = $2", key)
                try tx.query("DELETE FROM fixity WHERE batch_id = $1 AND root = 'delivery' AND path = $2", key)
                try tx.query("DELETE FROM changed_file WHERE batch_id = $1 AND path = $2", key)
                try Self.log(tx, .pageReleased(path: path, sha256: sha, batch: batch, tool: tool))
            }
        }
    }

    // MARK: - Pages

    /// The batch's accepted pages, by code, page number and path. (``PageStore``)
    public func pages(batch: String) throws(QuireError) -> [PageRecord] {
        try read("read pages") { tx in
            try tx.query("SELECT * FROM page WHERE batch_id = $1 ORDER BY code, page_no, path", [.text(batch)]).map(Self.page)
        }
    }

    /// One record's accepted pages, by page number and path. (``PageStore``)
    public func pages(batch: String, code: String) throws(QuireError) -> [PageRecord] {
        try read("read a record's pages") { tx in
            try tx.query(
                "SELECT * FROM page WHERE batch_id = $1 AND code = $2 ORDER BY page_no, path", [.text(batch), .text(code)]
            ).map(Self.page)
        }
    }

    static func page(_ row: Row) throws -> PageRecord {
        PageRecord(
            path: try row.text("path"), size: try row.int64("size"), mtimeNanoseconds: try row.int64("mtime_ns"),
            sha256: try row.text("sha256"), format: try row.text("format"), width: try row.int("width"),
            height: try row.int("height"), bitsPerSample: try row.int("bits"), samplesPerPixel: try row.int("samples"),
            colorType: try row.text("color_type"), compression: try row.text("compression"),
            dpiX: try row.optionalReal("dpi_x"), dpiY: try row.optionalReal("dpi_y"), frames: try row.int("frames"),
            code: try row.text("code"), page: try row.int("page_no"),
            state: try stored(try row.text("state"), as: PageState.self, "page state"))
    }

    /// Records one page's normalization in one transaction. (``PageStore``)
    public func completeNormalization(
        _ result: NormalizedPage, sourceFixity: FixityRecord?, batch: String, tool: String
    ) throws(QuireError) {
        try write("record normalization") { tx in
            try Self.completeNormalizations(tx, [(result, sourceFixity)], batch: batch, tool: tool)
        }
    }

    /// The statements of ``completeNormalization(_:sourceFixity:batch:tool:)`` for any number of pages of one
    /// batch, inside the caller's transaction: a statement per kind of row (arrays through `unnest`), not per page,
    /// so a worker's many pages cost one round trip each.
    /// `statesSet`: the caller has already moved the pages to their new states (the claim's fence does, in the
    /// same statement that ends the claims).
    static func completeNormalizations(
        _ tx: Transaction, _ pages: [(result: NormalizedPage, source: FixityRecord?)], batch: String, tool: String,
        statesSet: Bool = false
    ) throws {
        guard !pages.isEmpty else { return }
        let now = LedgerEvent.now()
        try tx.query(
            "DELETE FROM page_check WHERE batch_id = $1 AND path = ANY($2) AND stage = 'normalize'",
            [.text(batch), .texts(pages.map(\.result.path))])
        let checks = pages.flatMap(\.result.checks)
        if !checks.isEmpty {
            try tx.query(
                """
                INSERT INTO page_check (batch_id, path, stage, rule, severity, detail, at)
                SELECT $1, u.path, 'normalize', u.rule, u.severity, u.detail, $2
                FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS u(path, rule, severity, detail, n)
                ORDER BY u.n
                """,
                [
                    .text(batch), .text(now), .texts(checks.map(\.path)), .texts(checks.map(\.rule.rawValue)),
                    .texts(checks.map(\.severity.rawValue)), .texts(checks.map(\.detail)),
                ])
        }
        let sources = pages.compactMap(\.source)
        try upsertFixity(
            tx, pages.flatMap { $0.result.outputs.map { ($0, FixityRecord.Root.workspace) } } + sources.map { ($0, $0.root) },
            batch: batch, now: now)
        let normalized = pages.filter { !$0.result.outputs.isEmpty }.map(\.result.path)
        if !normalized.isEmpty && !statesSet {
            try tx.query(
                "UPDATE page SET state = 'normalized', updated_at = $3 WHERE batch_id = $1 AND path = ANY($2) AND state = 'decoded'",
                [.text(batch), .texts(normalized), .text(now)])
        }
        try log(
            tx,
            pages.flatMap { page in
                [LedgerEvent.pageNormalized(page.result, batch: batch, tool: tool)]
                    + (page.source.map { [LedgerEvent.fixityRecorded($0, batch: batch, tool: tool)] } ?? [])
            })
        if !sources.isEmpty && !statesSet {
            try tx.query(
                """
                UPDATE page SET state = 'digested', updated_at = $1
                WHERE batch_id = $2 AND path = ANY($3) AND state IN ('decoded', 'normalized')
                """, [.text(now), .text(batch), .texts(sources.map(\.path))])
        }
    }

    /// The state a page moves to when its normalization is recorded (from `decoded` or `normalized`): `digested`
    /// with its source's digests, `normalized` with outputs, else where it is.
    static func stateAfter(_ result: NormalizedPage, source: FixityRecord?) -> PageState? {
        source != nil ? .digested : result.outputs.isEmpty ? nil : .normalized
    }

    /// The batch's page checks, by path, stage and rule. (``PageStore``)
    public func pageChecks(batch: String) throws(QuireError) -> [PageCheck] {
        try read("read page checks") { tx in
            try tx.query("SELECT * FROM page_check WHERE batch_id = $1 ORDER BY path, stage, rule", [.text(batch)])
                .map(Self.pageCheck)
        }
    }

    private static func pageCheck(_ row: Row) throws -> PageCheck {
        PageCheck(
            path: try row.text("path"), stage: try stored(try row.text("stage"), as: Stage.self, "page check stage"),
            rule: try stored(try row.text("rule"), as: PageCheckRule.self, "page check rule"),
            severity: try stored(try row.text("severity"), as: Severity.self, "page check severity"),
            detail: try row.text("detail"))
    }

    /// Why normalization failed, by page path. (``PageStore``)
    public func normalizationFailures(batch: String, code: String?) throws(QuireError) -> [String: [PageCheck]] {
        let sql =
            """
            SELECT c.* FROM page_check c
            JOIN page p ON p.batch_id = c.batch_id AND p.path = c.path
            WHERE c.batch_id = $1 AND c.stage = 'normalize' AND c.severity = 'error'
            """ + (code == nil ? "" : " AND p.code = $2") + " ORDER BY c.path, c.rule"
        let checks = try read("read normalization failures") { tx in
            try tx.query(sql, [.text(batch)] + (code.map { [.text($0)] } ?? [])).map(Self.pageCheck)
        }
        return Dictionary(grouping: checks, by: \.path)
    }

    // MARK: - Fixity

    /// Records (or replaces) the digests of files of `batch`, with an event each. (``FixityStore``)
    public func recordFixity(_ records: [FixityRecord], batch: String, tool: String) throws(QuireError) {
        guard !records.isEmpty else { return }
        let now = LedgerEvent.now()
        try write("record fixity") { tx in try Self.recordFixity(tx, records, batch: batch, now: now, tool: tool) }
    }

    private static func recordFixity(_ tx: Transaction, _ records: [FixityRecord], batch: String, now: String, tool: String)
        throws
    {
        try upsertFixity(tx, records.map { ($0, $0.root) }, batch: batch, now: now)
        try log(tx, records.map { LedgerEvent.fixityRecorded($0, batch: batch, tool: tool) })
        if Set(records.map(\.role)) == [.source] {
            try tx.query(
                """
                UPDATE page SET state = 'digested', updated_at = $1
                WHERE batch_id = $2 AND path = ANY($3) AND state IN ('decoded', 'normalized')
                """, [.text(now), .text(batch), .texts(records.map(\.path))])
        }
    }

    /// Fixity records of one batch (by root and path), or of every batch (by batch, root and path). (``FixityStore``)
    public func fixityRecords(batch: String?) throws(QuireError) -> [FixityRecord] {
        try read("read fixity") { tx in
            if let batch {
                return try tx.query("SELECT * FROM fixity WHERE batch_id = $1 ORDER BY root, path", [.text(batch)])
                    .map(Self.fixity)
            }
            return try tx.query("SELECT * FROM fixity ORDER BY batch_id, root, path").map(Self.fixity)
        }
    }

    /// Fixity records of the given relative paths in one batch, by root and path. (``FixityStore``)
    public func fixityRecords(batch: String, paths: [String]) throws(QuireError) -> [FixityRecord] {
        guard !paths.isEmpty else { return [] }
        return try read("read fixity") { tx in
            try tx.query(
                "SELECT * FROM fixity WHERE batch_id = $1 AND path = ANY($2) ORDER BY root, path", [.text(batch), .texts(paths)]
            ).map(Self.fixity)
        }
    }

    private static func fixity(_ row: Row) throws -> FixityRecord {
        var digests: [DigestAlgorithm: String] = [:]
        for algorithm in DigestAlgorithm.allCases {
            if let value = try row.optionalText(algorithm.rawValue) { digests[algorithm] = value }
        }
        return FixityRecord(
            batch: try row.text("batch_id"), root: try stored(try row.text("root"), as: FixityRecord.Root.self, "fixity root"),
            path: try row.text("path"), role: try stored(try row.text("role"), as: FileRole.self, "file role"),
            size: try row.int64("size"), digests: digests, recordedAt: try row.optionalText("recorded_at"),
            checkedAt: try row.optionalText("checked_at"),
            status: try stored(try row.text("status"), as: FixityStatus.self, "fixity status"))
    }

    /// Stores the outcome of a fixity check, with an event each. (``FixityStore``)
    public func markFixityChecked(_ results: [(record: FixityRecord, status: FixityStatus)], tool: String) throws(QuireError) {
        guard !results.isEmpty else { return }
        let now = LedgerEvent.now()
        try write("record fixity check") { tx in
            for (r, status) in results {
                try tx.query(
                    "UPDATE fixity SET checked_at = $1, status = $2 WHERE batch_id = $3 AND root = $4 AND path = $5",
                    [.text(now), .text(status.rawValue), .text(r.batch), .text(r.root.rawValue), .text(r.path)])
                try Self.log(tx, .fixityChecked(r, status: status, tool: tool))
                let code = try r.demotedCode(status: status) {
                    try tx.query("SELECT code FROM page WHERE batch_id = $1 AND path = $2", [.text(r.batch), .text(r.path)])
                        .first?.text("code")
                }
                guard let code else { continue }
                let demoted = try tx.update(
                    """
                    UPDATE record SET state = 'invalid', updated_at = $1
                    WHERE batch_id = $2 AND code = $3 AND state IN ('packaged', 'verified')
                    """, [.text(now), .text(r.batch), .text(code)])
                if demoted > 0 { try Self.log(tx, .recordInvalidated(code: code, by: r, status: status, tool: tool)) }
            }
        }
    }

    // MARK: - Records

    /// Stores each record's binding outcome and, when the binding carries one, replaces the batch's catalog. (``RecordStore``)
    public func storeBinding(_ binding: StoredBinding, batch: String, tool: String) throws(QuireError) {
        let now = LedgerEvent.now()
        try write("store binding") { tx in
            if binding.catalog != nil { try tx.query("DELETE FROM catalog_record WHERE batch_id = $1", [.text(batch)]) }
            for c in binding.catalog ?? [] {
                try tx.query(
                    "INSERT INTO catalog_record (batch_id, code, line, fields, page_count) VALUES ($1, $2, $3, $4, $5)",
                    [.text(batch), .text(c.code), .of(c.line), .text(c.fieldsJSON), .of(c.pageCount)])
            }
            for r in binding.records {
                let state = try tx.query(
                    """
                    INSERT INTO record AS r (batch_id, code, state, updated_at, problems, metadata) VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (batch_id, code) DO UPDATE SET
                        state = CASE WHEN excluded.state = 'bound' AND r.state IN ('packaged', 'verified') THEN r.state
                                     ELSE excluded.state END,
                        updated_at = excluded.updated_at, problems = excluded.problems, metadata = excluded.metadata
                    RETURNING state
                    """,
                    [
                        .text(batch), .text(r.code), .text(r.state.rawValue), .text(now),
                        .text(BindingProblem.storedText(r.problems)), .text(r.metadataPath),
                    ]
                ).first?.text("state")
                if state == r.state.rawValue { try Self.log(tx, .recordBound(r, batch: batch, tool: tool)) }
            }
        }
    }

    /// The batch's records, by code. (``RecordStore``)
    public func records(batch: String) throws(QuireError) -> [RecordRow] {
        try read("read records") { tx in
            try tx.query(
                "SELECT code, state, problems, metadata, bag FROM record WHERE batch_id = $1 ORDER BY code", [.text(batch)]
            )
            .map {
                let text = try $0.optionalText("problems")
                guard let problems = BindingProblem.fromStoredText(text) else {
                    throw InvalidStoredValue(what: "binding problems", value: text ?? "")
                }
                return RecordRow(
                    code: try $0.text("code"), state: try Self.stored(try $0.text("state"), as: RecordState.self, "record state"),
                    problems: problems, metadataPath: try $0.optionalText("metadata"), bag: try $0.optionalText("bag"))
            }
        }
    }

    /// Moves a record to `state`, remembering its bag when one is given, with an event. (``RecordStore``)
    public func markRecord(
        batch: String, code: String, state: RecordState, bag: String?, detail: String?, tool: String
    ) throws(QuireError) {
        let now = LedgerEvent.now()
        try write("mark record") { tx in
            try tx.query(
                "UPDATE record SET state = $1, bag = COALESCE($2, bag), updated_at = $3 WHERE batch_id = $4 AND code = $5",
                [.text(state.rawValue), .text(bag), .text(now), .text(batch), .text(code)])
            try Self.log(tx, .recordMarked(code: code, state: state, bag: bag, detail: detail, batch: batch, tool: tool))
        }
    }

    /// Records whose bags are packaged and verified, with the verification time, for quota reports. (``RecordStore``)
    public func digitizedRecords() throws(QuireError) -> [DigitizedRecord] {
        try read("read digitized records") { tx in
            try tx.query(
                """
                SELECT r.batch_id, b.archive, r.code,
                       (SELECT MAX(e.at) FROM event e WHERE e.batch_id = r.batch_id AND e.subject = r.code
                                                        AND e.action = 'record.verified') AS verified_at,
                       (SELECT COUNT(*) FROM page p WHERE p.batch_id = r.batch_id AND p.code = r.code) AS pages,
                       (SELECT COALESCE(SUM(f.size), 0)::BIGINT FROM fixity f
                         WHERE f.batch_id = r.batch_id AND f.root = 'workspace' AND f.role = 'master'
                           AND f.path LIKE 'masters/' || r.code || '/%') AS bytes
                FROM record r JOIN batch b ON b.id = r.batch_id
                WHERE r.state = 'verified'
                ORDER BY verified_at, r.code
                """
            ).map {
                DigitizedRecord(
                    batch: try $0.text("batch_id"), archive: try $0.optionalText("archive"), code: try $0.text("code"),
                    verifiedAt: try $0.optionalText("verified_at") ?? "", pages: try $0.int("pages"), bytes: try $0.int64("bytes")
                )
            }
        }
    }

    /// The record a bag path belongs to. (``RecordStore``)
    public func recordForBag(_ bag: String) throws(QuireError) -> (batch: String, code: String)? {
        try read("find bag") { tx in
            try tx.query("SELECT batch_id, code FROM record WHERE bag = $1 LIMIT 1", [.text(bag)]).first.map {
                (try $0.text("batch_id"), try $0.text("code"))
            }
        }
    }

    // MARK: - Events

    /// The events of one batch, or of every batch (and none) when `batch` is nil, oldest first. (``EventStore``)
    public func events(batch: String?) throws(QuireError) -> [LedgerEvent] {
        try read("read events") { tx in
            let rows =
                try batch.map { try tx.query("SELECT * FROM event WHERE batch_id = $1 ORDER BY id", [.text($0)]) }
                ?? tx.query("SELECT * FROM event ORDER BY id")
            return try rows.map {
                LedgerEvent(
                    at: try $0.text("at"), batch: try $0.optionalText("batch_id"), subject: try $0.text("subject"),
                    action: try $0.text("action"), detail: try $0.optionalText("detail"), tool: try $0.text("tool"))
            }
        }
    }

    // MARK: - Plumbing

    /// Inserts or replaces the digests of `records` (each under its root) in one statement; a path given twice
    /// keeps its last record, as one statement after another would.
    private static func upsertFixity(
        _ tx: Transaction, _ records: [(record: FixityRecord, root: FixityRecord.Root)], batch: String, now: String
    ) throws {
        var last: [String: Int] = [:]
        for (i, r) in records.enumerated() { last[r.root.rawValue + "\u{0}" + r.record.path] = i }
        let rows = records.enumerated().filter { last[$0.element.root.rawValue + "\u{0}" + $0.element.record.path] == $0.offset }
            .map(\.element)
        guard !rows.isEmpty else { return }
        // Arrays carry no NULL here: a digest not taken travels as '' and is stored as NULL.
        func digests(_ algorithm: DigestAlgorithm) -> SQLValue { .texts(rows.map { $0.record.digests[algorithm] ?? "" }) }
        try tx.query(
            """
            INSERT INTO fixity (batch_id, root, path, role, size, sha256, sha512, md5, sm3, recorded_at, status)
            SELECT $1, u.root, u.path, u.role, u.size, NULLIF(u.sha256, ''), NULLIF(u.sha512, ''), NULLIF(u.md5, ''),
                   NULLIF(u.sm3, ''), $2, 'recorded'
            FROM unnest($3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[])
                 AS u(root, path, role, size, sha256, sha512, md5, sm3)
            ON CONFLICT (batch_id, root, path) DO UPDATE SET role = excluded.role, size = excluded.size,
                sha256 = excluded.sha256, sha512 = excluded.sha512, md5 = excluded.md5, sm3 = excluded.sm3,
                recorded_at = excluded.recorded_at, status = 'recorded', checked_at = NULL
            """,
            [
                .text(batch), .text(now), .texts(rows.map(\.root.rawValue)), .texts(rows.map(\.record.path)),
                .texts(rows.map(\.record.role.rawValue)), .ints(rows.map(\.record.size)), digests(.sha256),
                digests(.sha512), digests(.md5), digests(.sm3),
            ])
    }

    static func log(_ tx: Transaction, _ e: LedgerEvent) throws { try log(tx, [e]) }

    /// Appends `events` in order, in one statement.
    static func log(_ tx: Transaction, _ events: [LedgerEvent]) throws {
        guard !events.isEmpty else { return }
        try tx.query(
            """
            INSERT INTO event (at, batch_id, subject, action, detail, tool)
            SELECT u.at, CASE WHEN u.has_batch THEN u.batch_id END, u.subject, u.action,
                   CASE WHEN u.has_detail THEN u.detail END, u.tool
            FROM unnest($1::text[], $2::text[], $3::bool[], $4::text[], $5::text[], $6::text[], $7::bool[], $8::text[])
                 WITH ORDINALITY AS u(at, batch_id, has_batch, subject, action, detail, has_detail, tool, n)
            ORDER BY u.n
            """,
            [
                .texts(events.map(\.at)), .texts(events.map { $0.batch ?? "" }), .bools(events.map { $0.batch != nil }),
                .texts(events.map(\.subject)), .texts(events.map(\.action)), .texts(events.map { $0.detail ?? "" }),
                .bools(events.map { $0.detail != nil }), .texts(events.map(\.tool)),
            ])
    }

    /// A value read from a column that holds one of the core's vocabularies.
    static func stored<Value: RawRepresentable<String>>(_ raw: String, as: Value.Type, _ what: String) throws -> Value {
        guard let value = Value(rawValue: raw) else { throw InvalidStoredValue(what: what, value: raw) }
        return value
    }

    /// A column holding a value this Quire does not know (a newer Quire wrote it).
    struct InvalidStoredValue: Error {
        var what: String
        var value: String
    }

    func read<T>(_ operation: String, _ body: (Transaction) throws -> T) throws(QuireError) -> T {
        do { return try sessions.transaction(body) } catch { throw Self.failure(operation, location, error) }
    }

    func write<T>(_ operation: String, _ body: (Transaction) throws -> T) throws(QuireError) -> T {
        do { return try sessions.transaction(body) } catch { throw Self.failure(operation, location, error) }
    }

    /// The ``QuireError`` for a failure of `operation` on the ledger at `location`: PostgreSQL's SQLSTATE and message,
    /// and the fix when the state says what it is. The password never appears.
    static func failure(_ operation: String, _ location: PostgresLocation, _ error: any Error) -> QuireError {
        let file = location.redacted
        switch error {
        case let error as QuireError:
            return error
        case let error as PSQLError:
            if let info = error.serverInfo {
                let state = info[.sqlState] ?? ""
                var message = "\(state): \(info[.message] ?? "server error")"
                if let detail = info[.detail] { message += " (\(detail))" }
                return .ledger(
                    operation, file: file, underlying: .init(source: "postgresql", message: message), fix: fix(sqlState: state))
            }
            if error.code == .connectionError, let problem = error.underlying.flatMap(tlsProblem) {
                let authorities = location.rootCertificates.map { "sslrootcert \($0)" } ?? "the system's authorities"
                let fix =
                    problem.contains("does not name")
                    ? "connect by a name the server's certificate lists, or have it reissued for \(location.host)"
                    : "the server's certificate must chain to \(authorities): give the CA that signed it as sslrootcert=PATH"
                return .ledger(operation, file: file, underlying: .init(source: "tls", message: problem), fix: fix)
            }
            let message: String
            switch error.code {
            case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
                message = "cannot reach the server (\(error.code))" + (error.underlying.map { ": \($0)" } ?? "")
                return .ledger(
                    operation, file: file, underlying: .init(source: "postgresql", message: message),
                    fix: "check that the server at \(location.host):\(location.port) runs and this machine may reach it")
            case .sslUnsupported:
                return .ledger(
                    operation, file: file, underlying: .init(source: "postgresql", message: "the server does not offer TLS"),
                    fix: "enable ssl on the server, or (on a trusted network only) use sslmode=disable")
            case .authMechanismRequiresPassword:
                return .ledger(
                    operation, file: file, underlying: .init(source: "postgresql", message: "the server asks for a password"),
                    fix: "give the password in the URL (postgres://USER:PASSWORD@…) or in QUIRE_LEDGER")
            default:
                message = "\(error.code)"
            }
            return .ledger(operation, file: file, underlying: .init(source: "postgresql", message: message))
        case let error as InvalidStoredValue:
            return .ledger(
                operation, file: file,
                underlying: .init(source: "ledger", message: "unknown \(error.what) '\(error.value)' in the database"),
                fix: "use the Quire that wrote this ledger, or a newer one")
        default:
            return .ledger(
                operation, file: file, underlying: .init(source: "postgresql", message: PostgresLocation.redact("\(error)")),
                fix: "check that the server at \(location.host):\(location.port) runs and this machine may reach it")
        }
    }

    /// What went wrong in a TLS handshake that failed on the server's certificate, in words; nil for other errors.
    static func tlsProblem(_ error: any Error) -> String? {
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return "the server's certificate does not name the host connected to"
        }
        guard error is NIOSSLError else { return nil }
        let text = "\(error)"
        for (code, words) in [
            ("CERTIFICATE_VERIFY_FAILED", "the server's certificate is not signed by a trusted authority"),
            ("CERTIFICATE_EXPIRED", "the server's certificate has expired"),
        ] where text.contains(code) {
            return "\(words) (\(code))"
        }
        return nil
    }

    /// What to do about a server error, by its SQLSTATE class.
    private static func fix(sqlState state: String) -> String? {
        switch state {
        case "28P01", "28000": "check the user and password in the ledger URL, and pg_hba.conf on the server"
        case "3D000": "create the database first (createdb), or name an existing one in the URL"
        case "42501": "grant the role the rights the README lists (CONNECT, CREATE on the schema, or ownership)"
        case "53300": "the server has no free connection: raise max_connections or run fewer workers"
        case _ where state.hasPrefix("53"): "the server is out of resources (disk, memory): free them and run again"
        case _ where state.hasPrefix("57P"): "the server is shutting down or restarting: run again once it is up"
        default: nil
        }
    }
}

extension PostgresLedger {
    /// Runs `sql` (one statement, no parameters) in a transaction of its own: for the benchmarks' generated
    /// ledgers, never with text from outside the program.
    package func execute(_ sql: String, operation: String) throws(QuireError) {
        try write(operation) { tx in try tx.execute(sql) }
    }

    /// Drops this ledger's schema with everything in it (a benchmark's throwaway ledger); refuses `public`.
    package func dropSchema() throws(QuireError) {
        let schema = location.schema
        guard schema != "public" else { return }
        try write("drop schema") { tx in try tx.execute("DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE") }
    }
}
