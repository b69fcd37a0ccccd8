import Foundation
import GRDB
public import QuireCore

/// Claims on the SQLite ledger: one machine's processes (a `quire run` and the `quire worker`s beside it) share a
/// batch the way machines share one on PostgreSQL. SQLite serialises writers, so a claim is a plain update inside
/// the write transaction; tokens come from one counter row; lease times are this machine's clock in milliseconds.
extension SQLiteLedger: ClaimStore {
    private static func nowMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        Int64(duration.inSeconds * 1000)
    }

    private static func iso(_ milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    /// Registers a worker (or renews one with this id), with a heartbeat now. (``ClaimStore``)
    public func registerWorker(id: String, host: String) throws(QuireError) {
        let now = Self.nowMilliseconds()
        try write("register worker") { db in
            try db.execute(
                sql: """
                    INSERT INTO worker (id, host, started_ms, heartbeat_ms) VALUES (?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET host = excluded.host, heartbeat_ms = excluded.heartbeat_ms, stopped = 0
                    """, arguments: [id, host, now, now])
        }
    }

    /// Marks a worker as stopped cleanly, releasing its leases. (``ClaimStore``)
    public func stopWorker(id: String) throws(QuireError) {
        let now = Self.nowMilliseconds()
        try write("stop worker") { db in
            // Given back, not lapsed: these claims do not count against the pages' attempts.
            try db.execute(
                sql: "UPDATE page SET claimed_by = NULL, lease_ms = NULL, claims = MAX(claims - 1, 0) WHERE claimed_by = ?",
                arguments: [id])
            try db.execute(sql: "UPDATE record SET claimed_by = NULL, lease_ms = NULL WHERE claimed_by = ?", arguments: [id])
            try db.execute(sql: "UPDATE worker SET stopped = 1, heartbeat_ms = ? WHERE id = ?", arguments: [now, id])
        }
    }

    /// The claimable-page condition on `page p` (see ``ClaimStore``), with the current time as `:now`.
    private static let claimable = """
        p.state = 'decoded' AND (p.claimed_by IS NULL OR p.lease_ms < :now) AND p.claims < \(PageClaim.attemptLimit)
        AND NOT EXISTS (SELECT 1 FROM page_check c WHERE c.batch_id = p.batch_id AND c.path = p.path
                        AND c.stage = 'normalize' AND c.severity = 'error')
        """

    /// Claims up to `limit` claimable pages for `worker`, oldest registered first. (``ClaimStore``)
    public func claimPages(batch: String?, worker: String, limit: Int, lease: Duration) throws(QuireError) -> [PageClaim] {
        guard limit > 0 else { return [] }
        let now = Self.nowMilliseconds()
        let until = now + Self.milliseconds(lease)
        let at = LedgerEvent.now()
        return try write("claim pages") { db in
            // A page a claim already lapsed on goes out alone: were it the one that kills or wedges its worker, the
            // pages claimed with it would lapse with it, and count attempts towards being given up, every time.
            let arguments: StatementArguments = ["now": now, "batch": batch, "limit": limit]
            var rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT p.* FROM page p WHERE \(Self.claimable) AND p.claims > 0 AND (:batch IS NULL OR p.batch_id = :batch)
                    ORDER BY p.id LIMIT 1
                    """, arguments: arguments)
            if rows.isEmpty {
                rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT p.* FROM page p WHERE \(Self.claimable) AND p.claims = 0 AND (:batch IS NULL OR p.batch_id = :batch)
                        ORDER BY p.id LIMIT :limit
                        """, arguments: arguments)
            }
            var claims: [PageClaim] = []
            for row in rows {
                try db.execute(sql: "UPDATE fencing SET last = last + 1")
                let token = try Int64.fetchOne(db, sql: "SELECT last FROM fencing") ?? 0
                try db.execute(
                    sql: "UPDATE page SET claimed_by = ?, lease_ms = ?, claim_token = ?, claims = claims + 1 WHERE id = ?",
                    arguments: [worker, until, token, row["id"] as Int64])
                claims.append(PageClaim(batch: row["batch_id"], page: try Self.page(row), token: token))
            }
            // Pages whose claims lapsed unfinished too often are given up (recorded as failed). They are never claimed,
            // so they only matter once a claim finds less than it asked for.
            guard claims.count < limit else { return claims }
            let abandoned = try Row.fetchAll(
                db,
                sql: """
                    SELECT p.batch_id, p.path, p.claims FROM page p
                    WHERE p.state = 'decoded' AND p.claims >= \(PageClaim.attemptLimit)
                      AND (p.claimed_by IS NULL OR p.lease_ms < :now) AND (:batch IS NULL OR p.batch_id = :batch)
                      AND NOT EXISTS (SELECT 1 FROM page_check c WHERE c.batch_id = p.batch_id AND c.path = p.path
                                      AND c.stage = 'normalize' AND c.severity = 'error')
                    """, arguments: ["now": now, "batch": batch])
            for row in abandoned {
                let (pageBatch, path): (String, String) = (row["batch_id"], row["path"])
                let detail = LedgerEvent.abandonedDetail(claims: row["claims"])
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO page_check (batch_id, path, stage, rule, severity, detail, at)
                        VALUES (?, ?, 'normalize', ?, 'error', ?, ?)
                        """, arguments: [pageBatch, path, PageCheckRule.abandoned.rawValue, detail, at])
                try db.execute(
                    sql: "UPDATE page SET claimed_by = NULL, lease_ms = NULL WHERE batch_id = ? AND path = ?",
                    arguments: [pageBatch, path])
                try Self.log(db, .pageAbandoned(path: path, batch: pageBatch, detail: detail))
            }
            return claims
        }
    }

    /// Heartbeats `worker` and extends the unexpired leases it holds, pages' and records'; returns how many it holds.
    /// (``ClaimStore``)
    public func renewLeases(worker: String, lease: Duration) throws(QuireError) -> Int {
        let now = Self.nowMilliseconds()
        return try write("renew leases") { db in
            try db.execute(sql: "UPDATE worker SET heartbeat_ms = ? WHERE id = ?", arguments: [now, worker])
            try db.execute(
                sql: "UPDATE page SET lease_ms = ? WHERE claimed_by = ? AND lease_ms >= ?",
                arguments: [now + Self.milliseconds(lease), worker, now])
            let pages = db.changesCount
            try db.execute(
                sql: "UPDATE record SET lease_ms = ? WHERE claimed_by = ? AND lease_ms >= ?",
                arguments: [now + Self.milliseconds(lease), worker, now])
            return pages + db.changesCount
        }
    }

    /// The database file. (``ClaimStore``)
    public var ledgerLocation: String { path }

    /// Records claimed pages' normalizations in one transaction, each only while its claim holds. (``ClaimStore``)
    public func completeClaims(_ completions: [ClaimCompletion], worker: String, tool: String) throws(QuireError)
        -> [PageClaim]
    {
        guard !completions.isEmpty else { return [] }
        let now = Self.nowMilliseconds()
        return try write("complete claimed pages") { db in
            var refused: [PageClaim] = []
            for c in completions {
                try db.execute(
                    sql: """
                        UPDATE page SET claimed_by = NULL, lease_ms = NULL
                        WHERE batch_id = ? AND path = ? AND claim_token = ? AND claimed_by = ? AND lease_ms >= ?
                        """, arguments: [c.claim.batch, c.claim.page.path, c.claim.token, worker, now])
                guard db.changesCount == 1 else {
                    refused.append(c.claim)
                    continue
                }
                try Self.completeNormalization(db, c.result, sourceFixity: c.sourceFixity, batch: c.claim.batch, tool: tool)
            }
            try db.execute(
                sql: "UPDATE worker SET pages_done = pages_done + ? WHERE id = ?",
                arguments: [completions.count - refused.count, worker])
            return refused
        }
    }

    /// Gives claims back unfinished. (``ClaimStore``)
    public func releaseClaims(_ claims: [PageClaim], worker: String) throws(QuireError) {
        guard !claims.isEmpty else { return }
        try write("release claims") { db in
            for claim in claims {
                try db.execute(
                    sql: """
                        UPDATE page SET claimed_by = NULL, lease_ms = NULL, claims = MAX(claims - 1, 0)
                        WHERE claimed_by = ? AND claim_token = ?
                        """,
                    arguments: [worker, claim.token])
            }
        }
    }

    /// What is left of a batch's page work. (``ClaimStore``)
    public func pendingWork(batch: String) throws(QuireError) -> PendingWork {
        let now = Self.nowMilliseconds()
        return try read("count pending work") { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COALESCE(SUM(p.claimed_by IS NULL OR p.lease_ms < :now), 0) AS claimable,
                           COALESCE(SUM(p.claimed_by IS NOT NULL AND p.lease_ms >= :now), 0) AS leased
                    FROM page p
                    WHERE p.batch_id = :batch AND p.state = 'decoded'
                      AND NOT EXISTS (SELECT 1 FROM page_check c WHERE c.batch_id = p.batch_id AND c.path = p.path
                                      AND c.stage = 'normalize' AND c.severity = 'error')
                    """, arguments: ["now": now, "batch": batch])
            return PendingWork(claimable: row?["claimable"] ?? 0, leased: row?["leased"] ?? 0)
        }
    }

    /// Every worker registered, most recent heartbeat first. (``ClaimStore``)
    public func workers() throws(QuireError) -> [WorkerInfo] {
        let now = Self.nowMilliseconds()
        return try read("list workers") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT w.*, (SELECT COUNT(*) FROM page p WHERE p.claimed_by = w.id AND p.lease_ms >= :now)
                              + (SELECT COUNT(*) FROM record r WHERE r.claimed_by = w.id AND r.lease_ms >= :now) AS leases
                    FROM worker w ORDER BY w.heartbeat_ms DESC, w.id
                    """, arguments: ["now": now]
            ).map { row in
                let heartbeat: Int64 = row["heartbeat_ms"]
                return WorkerInfo(
                    id: row["id"], host: row["host"], startedAt: Self.iso(row["started_ms"]), heartbeatAt: Self.iso(heartbeat),
                    secondsSinceHeartbeat: Double(now - heartbeat) / 1000,
                    activeSeconds: Double(heartbeat - (row["started_ms"] as Int64)) / 1000, pagesDone: row["pages_done"],
                    leases: row["leases"],
                    stopped: row["stopped"] as Int != 0)
            }
        }
    }
}
