import Foundation
public import Ledger
public import QuireCore

/// Claims on PostgreSQL: `FOR UPDATE SKIP LOCKED` picks pages no other transaction is claiming, a sequence gives
/// every claim a larger fencing token, leases are the server's `now()`, and new work is announced on the
/// ``PostgresLedger/workChannel`` channel (`NOTIFY`) so idle workers wake without polling.
extension PostgresLedger: ClaimStore {
    /// The `LISTEN`/`NOTIFY` channel new work is announced on; the payload is the batch id.
    public static let workChannel = "quire_work"

    /// A timestamp column as ISO-8601 UTC text, as the ledger's other times are written.
    private static func iso(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    }

    private static func seconds(_ duration: Duration) -> SQLValue {
        .real(duration.inSeconds)
    }

    /// Registers a worker (or renews one with this id), with a heartbeat now. (``ClaimStore``)
    public func registerWorker(id: String, host: String) throws(QuireError) {
        try write("register worker") { tx in
            try tx.query(
                """
                INSERT INTO worker (id, host, started_at, heartbeat_at) VALUES ($1, $2, now(), now())
                ON CONFLICT (id) DO UPDATE SET host = excluded.host, heartbeat_at = now(), stopped_at = NULL
                """, [.text(id), .text(host)])
        }
    }

    /// Marks a worker as stopped cleanly, releasing its leases. (``ClaimStore``)
    public func stopWorker(id: String) throws(QuireError) {
        try write("stop worker") { tx in
            let released = try tx.update(
                "UPDATE page SET claimed_by = NULL, lease_until = NULL WHERE claimed_by = $1", [.text(id)])
            try tx.query("UPDATE worker SET stopped_at = now(), heartbeat_at = now() WHERE id = $1", [.text(id)])
            if released > 0 { try tx.query("SELECT pg_notify($1, '')", [.text(Self.workChannel)]) }
        }
    }

    /// Claims up to `limit` claimable pages for `worker`, skipping pages being claimed by others. (``ClaimStore``)
    public func claimPages(batch: String?, worker: String, limit: Int, lease: Duration) throws(QuireError) -> [PageClaim] {
        guard limit > 0 else { return [] }
        return try write("claim pages") { tx in
            try tx.query(
                """
                WITH picked AS (
                    SELECT p.id FROM page p
                    WHERE p.state = 'decoded' AND ($1::text IS NULL OR p.batch_id = $1)
                      AND (p.claimed_by IS NULL OR p.lease_until < now())
                      AND NOT EXISTS (SELECT 1 FROM page_check c WHERE c.batch_id = p.batch_id AND c.path = p.path
                                      AND c.stage = 'normalize' AND c.severity = 'error')
                    ORDER BY p.id
                    LIMIT $2
                    FOR UPDATE SKIP LOCKED)
                UPDATE page SET claimed_by = $3, lease_until = now() + make_interval(secs => $4),
                                claim_token = nextval('fencing_token')
                FROM picked WHERE page.id = picked.id
                RETURNING page.*
                """, [.text(batch), .of(limit), .text(worker), Self.seconds(lease)]
            ).map { PageClaim(batch: try $0.text("batch_id"), page: try Self.page($0), token: try $0.int64("claim_token")) }
                .sorted { $0.token < $1.token }
        }
    }

    /// Heartbeats `worker` and extends the unexpired leases it holds; returns how many it holds. (``ClaimStore``)
    public func renewLeases(worker: String, lease: Duration) throws(QuireError) -> Int {
        try write("renew leases") { tx in
            try tx.query("UPDATE worker SET heartbeat_at = now() WHERE id = $1", [.text(worker)])
            return try tx.update(
                """
                UPDATE page SET lease_until = now() + make_interval(secs => $2)
                WHERE claimed_by = $1 AND lease_until >= now()
                """, [.text(worker), Self.seconds(lease)])
        }
    }

    /// Records a claimed page's normalization only while the claim holds; else `lease-lost`. (``ClaimStore``)
    public func completeClaim(
        _ claim: PageClaim, worker: String, result: NormalizedPage, sourceFixity: FixityRecord?, tool: String
    ) throws(QuireError) {
        let refused: Bool = try write("complete a claimed page") { tx in
            // The fence: the row is locked by this update, so no claim can slip in between it and the commit.
            let held = try tx.update(
                """
                UPDATE page SET claimed_by = NULL, lease_until = NULL
                WHERE batch_id = $1 AND path = $2 AND claim_token = $3 AND claimed_by = $4 AND lease_until >= now()
                """, [.text(claim.batch), .text(claim.page.path), .int(claim.token), .text(worker)])
            guard held == 1 else { return true }
            try Self.completeNormalization(tx, result, sourceFixity: sourceFixity, batch: claim.batch, tool: tool)
            try tx.query("UPDATE worker SET pages_done = pages_done + 1 WHERE id = $1", [.text(worker)])
            return false
        }
        if refused { throw .leaseLost(claim, file: location.redacted) }
    }

    /// Gives claims back unfinished. (``ClaimStore``)
    public func releaseClaims(_ claims: [PageClaim], worker: String) throws(QuireError) {
        guard !claims.isEmpty else { return }
        try write("release claims") { tx in
            try tx.query(
                "UPDATE page SET claimed_by = NULL, lease_until = NULL WHERE claimed_by = $1 AND claim_token = ANY($2)",
                [.text(worker), .ints(claims.map(\.token))])
            try tx.query("SELECT pg_notify($1, '')", [.text(Self.workChannel)])
        }
    }

    /// What is left of a batch's page work. (``ClaimStore``)
    public func pendingWork(batch: String) throws(QuireError) -> PendingWork {
        try read("count pending work") { tx in
            let row = try tx.query(
                """
                SELECT COUNT(*) FILTER (WHERE p.claimed_by IS NULL OR p.lease_until < now()) AS claimable,
                       COUNT(*) FILTER (WHERE p.claimed_by IS NOT NULL AND p.lease_until >= now()) AS leased
                FROM page p
                WHERE p.batch_id = $1 AND p.state = 'decoded'
                  AND NOT EXISTS (SELECT 1 FROM page_check c WHERE c.batch_id = p.batch_id AND c.path = p.path
                                  AND c.stage = 'normalize' AND c.severity = 'error')
                """, [.text(batch)])[0]
            return PendingWork(claimable: try row.int("claimable"), leased: try row.int("leased"))
        }
    }

    /// Every worker registered, most recent heartbeat first. (``ClaimStore``)
    public func workers() throws(QuireError) -> [WorkerInfo] {
        try read("list workers") { tx in
            try tx.query(
                """
                SELECT w.id, w.host, \(Self.iso("w.started_at")) AS started, \(Self.iso("w.heartbeat_at")) AS heartbeat,
                       EXTRACT(EPOCH FROM now() - w.heartbeat_at)::DOUBLE PRECISION AS since,
                       EXTRACT(EPOCH FROM w.heartbeat_at - w.started_at)::DOUBLE PRECISION AS active, w.pages_done,
                       (SELECT COUNT(*) FROM page p WHERE p.claimed_by = w.id AND p.lease_until >= now()) AS leases,
                       w.stopped_at IS NOT NULL AS stopped
                FROM worker w ORDER BY w.heartbeat_at DESC, w.id
                """
            ).map {
                WorkerInfo(
                    id: try $0.text("id"), host: try $0.text("host"), startedAt: try $0.text("started"),
                    heartbeatAt: try $0.text("heartbeat"), secondsSinceHeartbeat: try $0["since", as: Double.self],
                    activeSeconds: try $0["active", as: Double.self],
                    pagesDone: try $0.int("pages_done"), leases: try $0.int("leases"), stopped: try $0["stopped", as: Bool.self])
            }
        }
    }
}
