import Foundation
public import Ledger
public import QuireCore

/// Record claims on PostgreSQL (see ``RecordClaimStore``): `FOR UPDATE SKIP LOCKED` as for pages, tokens from the
/// same `fencing_token` sequence, leases by the server's `now()`; setting a batch's record work notifies idle
/// workers on ``PostgresLedger/workChannel``.
extension PostgresLedger: RecordClaimStore {
    /// Sets or clears the batch's record work. (``RecordClaimStore``)
    public func setRecordWork(_ work: RecordWork?, batch: String) throws(QuireError) {
        try write("set record work") { tx in
            try tx.query("UPDATE batch SET record_work = $1 WHERE id = $2", [.text(work?.stored), .text(batch)])
            // Claims taken under the work replaced end here: their commits are refused (the files may have changed).
            try tx.query(
                "UPDATE record SET claimed_by = NULL, lease_until = NULL WHERE batch_id = $1 AND claimed_by IS NOT NULL",
                [.text(batch)])
            if work != nil {
                try tx.query(
                    "UPDATE record SET worked = false WHERE batch_id = $1 AND worked AND state NOT IN ('packaged', 'verified')",
                    [.text(batch)])
                try tx.query("SELECT pg_notify($1, $2)", [.text(Self.workChannel), .text(batch)])
            }
        }
    }

    /// The batch's record work. (``RecordClaimStore``)
    public func recordWork(batch: String) throws(QuireError) -> RecordWork? {
        let text = try read("read record work") { tx in
            try tx.query("SELECT record_work FROM batch WHERE id = $1", [.text(batch)]).first?.optionalText("record_work")
        }
        return try text.map { (t: String) throws(QuireError) -> RecordWork in try RecordWork(stored: t, batch: batch) }
    }

    /// Claims up to `limit` claimable records for `worker`, skipping records others are claiming. (``RecordClaimStore``)
    public func claimRecords(batch: String?, worker: String, limit: Int, lease: Duration) throws(QuireError)
        -> [RecordClaim]
    {
        guard limit > 0 else { return [] }
        return try write("claim records") { tx in
            try tx.query(
                """
                WITH picked AS (
                    SELECT r.batch_id, r.code FROM record r
                    WHERE r.state IN ('waiting', 'bound') AND NOT r.worked AND ($1::text IS NULL OR r.batch_id = $1)
                      AND (r.claimed_by IS NULL OR r.lease_until < now())
                      AND EXISTS (SELECT 1 FROM batch b WHERE b.id = r.batch_id AND b.record_work IS NOT NULL)
                      AND NOT EXISTS (
                          SELECT 1 FROM page p WHERE p.batch_id = r.batch_id AND p.code = r.code AND p.state = 'decoded'
                            AND NOT EXISTS (SELECT 1 FROM page_check c WHERE c.batch_id = p.batch_id AND c.path = p.path
                                            AND c.stage = 'normalize' AND c.severity = 'error'))
                    ORDER BY r.batch_id, r.code
                    LIMIT $2
                    FOR UPDATE OF r SKIP LOCKED)
                UPDATE record SET claimed_by = $3, lease_until = now() + make_interval(secs => $4),
                                  claim_token = nextval('fencing_token')
                FROM picked WHERE record.batch_id = picked.batch_id AND record.code = picked.code
                RETURNING record.batch_id, record.code, record.claim_token
                """, [.text(batch), .of(limit), .text(worker), .real(lease.inSeconds)]
            ).map { RecordClaim(batch: try $0.text("batch_id"), code: try $0.text("code"), token: try $0.int64("claim_token")) }
                .sorted { $0.token < $1.token }
        }
    }

    /// Ends a record claim with its outcome, only while it holds. (``RecordClaimStore``)
    public func completeRecordClaim(_ claim: RecordClaim, worker: String, outcome: RecordClaimOutcome, tool: String)
        throws(QuireError) -> Bool
    {
        let at = LedgerEvent.now()
        return try write("complete a record claim") { tx in
            // The fence: the row is locked by this update until the commit, so no claim can slip in between.
            let held = try tx.update(
                """
                UPDATE record SET claimed_by = NULL, lease_until = NULL, worked = true
                WHERE batch_id = $1 AND code = $2 AND claim_token = $3 AND claimed_by = $4 AND lease_until >= now()
                """, [.text(claim.batch), .text(claim.code), .int(claim.token), .text(worker)])
            guard held == 1 else { return false }
            if case .packaged(let bag, let detail) = outcome {
                try tx.query(
                    "UPDATE record SET state = 'verified', bag = $1, updated_at = $2 WHERE batch_id = $3 AND code = $4",
                    [.text(bag), .text(at), .text(claim.batch), .text(claim.code)])
                try Self.log(
                    tx,
                    [
                        .recordMarked(
                            code: claim.code, state: .packaged, bag: bag, detail: detail, batch: claim.batch, tool: tool),
                        .recordMarked(
                            code: claim.code, state: .verified, bag: bag, detail: "full BagIt verification at packaging",
                            batch: claim.batch, tool: tool),
                    ])
            }
            return true
        }
    }

    /// Gives record claims back unfinished. (``RecordClaimStore``)
    public func releaseRecordClaims(_ claims: [RecordClaim], worker: String) throws(QuireError) {
        guard !claims.isEmpty else { return }
        try write("release record claims") { tx in
            try tx.query(
                "UPDATE record SET claimed_by = NULL, lease_until = NULL WHERE claimed_by = $1 AND claim_token = ANY($2)",
                [.text(worker), .ints(claims.map(\.token))])
            try tx.query("SELECT pg_notify($1, '')", [.text(Self.workChannel)])
        }
    }

    /// What is left of a batch's record work. (``RecordClaimStore``)
    public func pendingRecordWork(batch: String) throws(QuireError) -> PendingWork {
        try read("count pending record work") { tx in
            let row = try tx.query(
                """
                SELECT COUNT(*) FILTER (WHERE r.claimed_by IS NULL OR r.lease_until < now()) AS claimable,
                       COUNT(*) FILTER (WHERE r.claimed_by IS NOT NULL AND r.lease_until >= now()) AS leased
                FROM record r
                WHERE r.batch_id = $1 AND r.state IN ('waiting', 'bound') AND NOT r.worked
                  AND EXISTS (SELECT 1 FROM batch b WHERE b.id = r.batch_id AND b.record_work IS NOT NULL)
                """, [.text(batch)])[0]
            return PendingWork(claimable: try row.int("claimable"), leased: try row.int("leased"))
        }
    }

    /// Records a worker finished since the record work was set. (``RecordClaimStore``)
    public func workedRecords(batch: String) throws(QuireError) -> Set<String> {
        try read("list worked records") { tx in
            Set(
                try tx.query("SELECT code FROM record WHERE batch_id = $1 AND worked", [.text(batch)]).map { try $0.text("code") }
            )
        }
    }
}
