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
        _ = try write("register worker") { tx in
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
            let released =
                // Given back, not lapsed: these claims do not count against the pages' attempts.
                try tx.update(
                    "UPDATE page SET claimed_by = NULL, lease_until = NULL, claims = GREATEST(claims - 1, 0) WHERE claimed_by = $1",
                    [.text(id)])
                + tx.update("UPDATE record SET claimed_by = NULL, lease_until = NULL WHERE claimed_by = $1", [.text(id)])
            try tx.query("UPDATE worker SET stopped_at = now(), heartbeat_at = now() WHERE id = $1", [.text(id)])
            if released > 0 { try tx.query("SELECT pg_notify($1, '')", [.text(Self.workChannel)]) }
        }
    }

    /// Claims up to `limit` claimable pages for `worker`, skipping pages being claimed by others. (``ClaimStore``)
    public func claimPages(batch: String?, worker: String, limit: Int, lease: Duration) throws(QuireError) -> [PageClaim] {
        guard limit > 0 else { return [] }
        return try write("claim pages") { tx in
            // A page a claim already lapsed on goes out alone: were it the one that kills or wedges its worker, the
            // pages claimed with it would lapse with it, and count attempts towards being given up, every time.
            let claimable = """
                p.state = 'decoded' AND ($1::text IS NULL OR p.batch_id = $1)
                AND (p.claimed_by IS NULL OR p.lease_until < now())
                AND NOT EXISTS (SELECT 1 FROM page_check c WHERE c.batch_id = p.batch_id AND c.path = p.path
                                AND c.stage = 'normalize' AND c.severity = 'error')
                """
            let claims = try tx.query(
                """
                WITH retried AS (
                    SELECT p.id FROM page p
                    WHERE \(claimable) AND p.claims > 0 AND p.claims < \(PageClaim.attemptLimit)
                    ORDER BY p.id LIMIT 1
                    FOR UPDATE SKIP LOCKED),
                fresh AS (
                    SELECT p.id FROM page p
                    WHERE \(claimable) AND p.claims = 0 AND NOT EXISTS (SELECT 1 FROM retried)
                    ORDER BY p.id LIMIT $2
                    FOR UPDATE SKIP LOCKED),
                picked AS (SELECT id FROM retried UNION ALL SELECT id FROM fresh)
                UPDATE page SET claimed_by = $3, lease_until = now() + make_interval(secs => $4),
                                claim_token = nextval('fencing_token'), claims = page.claims + 1
                FROM picked WHERE page.id = picked.id
                RETURNING page.*
                """, [.text(batch), .of(limit), .text(worker), Self.seconds(lease)]
            ).map { PageClaim(batch: try $0.text("batch_id"), page: try Self.page($0), token: try $0.int64("claim_token")) }
                .sorted { $0.token < $1.token }
            // Pages whose claims lapsed unfinished too often are given up (recorded as failed). They are never claimed,
            // so they only matter once a claim finds less than it asked for — off the busy path.
            guard claims.count < limit else { return claims }
            // Rows another claimer is giving up at this moment are skipped (no wait, no deadlock, one check each).
            let abandoned = try tx.query(
                """
                WITH gone AS (
                    SELECT p.id FROM page p
                    WHERE \(claimable) AND p.claims >= \(PageClaim.attemptLimit)
                    FOR UPDATE SKIP LOCKED)
                UPDATE page SET claimed_by = NULL, lease_until = NULL FROM gone WHERE page.id = gone.id
                RETURNING page.batch_id, page.path, page.claims
                """, [.text(batch)])
            if !abandoned.isEmpty {
                let at = LedgerEvent.now()
                var events: [LedgerEvent] = []
                for row in abandoned {
                    let (pageBatch, path) = (try row.text("batch_id"), try row.text("path"))
                    let detail = LedgerEvent.abandonedDetail(claims: try row.int("claims"))
                    let inserted = try tx.update(
                        """
                        INSERT INTO page_check (batch_id, path, stage, rule, severity, detail, at)
                        VALUES ($1, $2, 'normalize', $3, 'error', $4, $5) ON CONFLICT DO NOTHING
                        """,
                        [.text(pageBatch), .text(path), .text(PageCheckRule.abandoned.rawValue), .text(detail), .text(at)])
                    if inserted == 1 { events.append(.pageAbandoned(path: path, batch: pageBatch, detail: detail)) }
                }
                if !events.isEmpty { try Self.log(tx, events) }
            }
            return claims
        }
    }

    /// Heartbeats `worker` and extends the unexpired leases it holds, pages' and records'; returns how many it holds.
    /// (``ClaimStore``)
    public func renewLeases(worker: String, lease: Duration) throws(QuireError) -> Int {
        try write("renew leases") { tx in
            try tx.query("UPDATE worker SET heartbeat_at = now() WHERE id = $1", [.text(worker)])
            return try tx.update(
                """
                UPDATE page SET lease_until = now() + make_interval(secs => $2)
                WHERE claimed_by = $1 AND lease_until >= now()
                """, [.text(worker), Self.seconds(lease)])
                + tx.update(
                    """
                    UPDATE record SET lease_until = now() + make_interval(secs => $2)
                    WHERE claimed_by = $1 AND lease_until >= now()
                    """, [.text(worker), Self.seconds(lease)])
        }
    }

    /// The server's URL without its password. (``ClaimStore``)
    public var ledgerLocation: String { location.redacted }

    /// Records claimed pages' normalizations in one transaction, each only while its claim holds. (``ClaimStore``)
    public func completeClaims(_ completions: [ClaimCompletion], worker: String, tool: String) throws(QuireError)
        -> [PageClaim]
    {
        guard !completions.isEmpty else { return [] }
        return try write("complete claimed pages") { tx in
            // The fence: the rows are locked by this update, so no claim can slip in between it and the commit. The
            // same statement ends the claims and moves each page to its new state (one row version per page).
            let held = Set(
                try tx.query(
                    """
                    UPDATE page p SET claimed_by = NULL, lease_until = NULL,
                        state = CASE
                            WHEN u.state = 'digested' AND p.state IN ('decoded', 'normalized') THEN 'digested'
                            WHEN u.state = 'normalized' AND p.state = 'decoded' THEN 'normalized'
                            ELSE p.state END,
                        updated_at = CASE WHEN u.state = '' THEN p.updated_at ELSE $3 END
                    FROM unnest($2::bigint[], $4::text[]) AS u(token, state)
                    WHERE p.claim_token = u.token AND p.claimed_by = $1 AND p.lease_until >= now()
                    RETURNING p.batch_id, p.path, p.claim_token
                    """,
                    [
                        .text(worker), .ints(completions.map(\.claim.token)), .text(LedgerEvent.now()),
                        .texts(completions.map { Self.stateAfter($0.result, source: $0.sourceFixity)?.rawValue ?? "" }),
                    ]
                ).map { Held(batch: try $0.text("batch_id"), path: try $0.text("path"), token: try $0.int64("claim_token")) })
            let (kept, refused) = completions.reduce(into: ([ClaimCompletion](), [PageClaim]())) { split, c in
                if held.contains(Held(batch: c.claim.batch, path: c.claim.page.path, token: c.claim.token)) {
                    split.0.append(c)
                } else {
                    split.1.append(c.claim)
                }
            }
            guard kept.count == held.count else {
                // A token that names another page than its claim says: nothing of this transaction may stand.
                throw QuireError.ledger(
                    "complete claimed pages", file: location.redacted,
                    underlying: .init(source: "ledger", message: "a claim's token names another page than the claim"))
            }
            for (batch, pages) in Dictionary(grouping: kept, by: \.claim.batch).sorted(by: { $0.key < $1.key }) {
                try Self.completeNormalizations(
                    tx, pages.map { ($0.result, $0.sourceFixity) }, batch: batch, tool: tool, statesSet: true)
            }
            if !kept.isEmpty {
                try tx.query("UPDATE worker SET pages_done = pages_done + $2 WHERE id = $1", [.text(worker), .of(kept.count)])
            }
            return refused
        }
    }

    /// A page whose claim held at completion.
    private struct Held: Hashable {
        var batch: String
        var path: String
        var token: Int64
    }

    /// Gives claims back unfinished. (``ClaimStore``)
    public func releaseClaims(_ claims: [PageClaim], worker: String) throws(QuireError) {
        guard !claims.isEmpty else { return }
        try write("release claims") { tx in
            try tx.query(
                """
                UPDATE page SET claimed_by = NULL, lease_until = NULL, claims = GREATEST(claims - 1, 0)
                WHERE claimed_by = $1 AND claim_token = ANY($2)
                """,
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
                       (SELECT COUNT(*) FROM page p WHERE p.claimed_by = w.id AND p.lease_until >= now())
                         + (SELECT COUNT(*) FROM record r WHERE r.claimed_by = w.id AND r.lease_until >= now()) AS leases,
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
