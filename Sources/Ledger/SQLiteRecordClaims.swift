import Foundation
import GRDB
public import QuireCore

/// Record claims on the SQLite ledger (see ``RecordClaimStore``): the same counter gives tokens as pages' claims,
/// lease times are this machine's clock in milliseconds, and SQLite's single writer makes a claim a plain update.
extension SQLiteLedger: RecordClaimStore {
    private static func nowMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    /// The claimable-record condition on `record r` (see ``RecordClaimStore``), with the current time as `:now`.
    static let claimableRecord = """
        r.state IN ('waiting', 'bound') AND r.worked = 0 AND (r.claimed_by IS NULL OR r.lease_ms < :now)
        AND EXISTS (SELECT 1 FROM batch b WHERE b.id = r.batch_id AND b.record_work IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM page p WHERE p.batch_id = r.batch_id AND p.code = r.code AND p.state = 'decoded'
                        AND NOT EXISTS (SELECT 1 FROM page_check c WHERE c.batch_id = p.batch_id AND c.path = p.path
                                        AND c.stage = 'normalize' AND c.severity = 'error'))
        """

    /// Sets or clears the batch's record work. (``RecordClaimStore``)
    public func setRecordWork(_ work: RecordWork?, batch: String) throws(QuireError) {
        let text = work?.stored
        try write("set record work") { db in
            try db.execute(sql: "UPDATE batch SET record_work = ? WHERE id = ?", arguments: [text, batch])
            // Claims taken under the work replaced end here: their commits are refused (the files may have changed).
            try db.execute(
                sql: "UPDATE record SET claimed_by = NULL, lease_ms = NULL WHERE batch_id = ? AND claimed_by IS NOT NULL",
                arguments: [batch])
            if text != nil {
                try db.execute(
                    sql: "UPDATE record SET worked = 0 WHERE batch_id = ? AND state NOT IN ('packaged', 'verified')",
                    arguments: [batch])
            }
        }
    }

    /// The batch's record work. (``RecordClaimStore``)
    public func recordWork(batch: String) throws(QuireError) -> RecordWork? {
        let text: String? = try read("read record work") { db in
            try String.fetchOne(db, sql: "SELECT record_work FROM batch WHERE id = ?", arguments: [batch])
        }
        return try text.map { (t: String) throws(QuireError) -> RecordWork in try RecordWork(stored: t, batch: batch) }
    }

    /// Claims up to `limit` claimable records for `worker`. (``RecordClaimStore``)
    public func claimRecords(batch: String?, worker: String, limit: Int, lease: Duration) throws(QuireError)
        -> [RecordClaim]
    {
        guard limit > 0 else { return [] }
        let now = Self.nowMilliseconds()
        let until = now + Int64(lease.inSeconds * 1000)
        return try write("claim records") { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.batch_id, r.code FROM record r
                    WHERE \(Self.claimableRecord) AND (:batch IS NULL OR r.batch_id = :batch)
                    ORDER BY r.batch_id, r.code LIMIT :limit
                    """,
                arguments: ["now": now, "batch": batch, "limit": limit])
            var claims: [RecordClaim] = []
            for row in rows {
                try db.execute(sql: "UPDATE fencing SET last = last + 1")
                let token = try Int64.fetchOne(db, sql: "SELECT last FROM fencing") ?? 0
                let claim = RecordClaim(batch: row["batch_id"], code: row["code"], token: token)
                try db.execute(
                    sql: "UPDATE record SET claimed_by = ?, lease_ms = ?, claim_token = ? WHERE batch_id = ? AND code = ?",
                    arguments: [worker, until, token, claim.batch, claim.code])
                claims.append(claim)
            }
            return claims
        }
    }

    /// Ends a record claim with its outcome, only while it holds. (``RecordClaimStore``)
    public func completeRecordClaim(_ claim: RecordClaim, worker: String, outcome: RecordClaimOutcome, tool: String)
        throws(QuireError) -> Bool
    {
        let now = Self.nowMilliseconds()
        let at = LedgerEvent.now()
        return try write("complete a record claim") { db in
            try db.execute(
                sql: """
                    UPDATE record SET claimed_by = NULL, lease_ms = NULL, worked = 1
                    WHERE batch_id = ? AND code = ? AND claim_token = ? AND claimed_by = ? AND lease_ms >= ?
                    """, arguments: [claim.batch, claim.code, claim.token, worker, now])
            guard db.changesCount == 1 else { return false }
            if case .packaged(let bag, let detail) = outcome {
                for (state, note) in [(RecordState.packaged, detail), (.verified, "full BagIt verification at packaging")] {
                    try db.execute(
                        sql: "UPDATE record SET state = ?, bag = ?, updated_at = ? WHERE batch_id = ? AND code = ?",
                        arguments: [state.rawValue, bag, at, claim.batch, claim.code])
                    try Self.log(
                        db, .recordMarked(code: claim.code, state: state, bag: bag, detail: note, batch: claim.batch, tool: tool))
                }
            }
            return true
        }
    }

    /// Gives record claims back unfinished. (``RecordClaimStore``)
    public func releaseRecordClaims(_ claims: [RecordClaim], worker: String) throws(QuireError) {
        guard !claims.isEmpty else { return }
        try write("release record claims") { db in
            for claim in claims {
                try db.execute(
                    sql: "UPDATE record SET claimed_by = NULL, lease_ms = NULL WHERE claimed_by = ? AND claim_token = ?",
                    arguments: [worker, claim.token])
            }
        }
    }

    /// What is left of a batch's record work. (``RecordClaimStore``)
    public func pendingRecordWork(batch: String) throws(QuireError) -> PendingWork {
        let now = Self.nowMilliseconds()
        return try read("count pending record work") { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COALESCE(SUM(r.claimed_by IS NULL OR r.lease_ms < :now), 0) AS claimable,
                           COALESCE(SUM(r.claimed_by IS NOT NULL AND r.lease_ms >= :now), 0) AS leased
                    FROM record r
                    WHERE r.batch_id = :batch AND r.state IN ('waiting', 'bound') AND r.worked = 0
                      AND EXISTS (SELECT 1 FROM batch b WHERE b.id = r.batch_id AND b.record_work IS NOT NULL)
                    """, arguments: ["now": now, "batch": batch])
            return PendingWork(claimable: row?["claimable"] ?? 0, leased: row?["leased"] ?? 0)
        }
    }

    /// Records a worker finished since the record work was set. (``RecordClaimStore``)
    public func workedRecords(batch: String) throws(QuireError) -> Set<String> {
        try read("list worked records") { db in
            Set(try String.fetchAll(db, sql: "SELECT code FROM record WHERE batch_id = ? AND worked = 1", arguments: [batch]))
        }
    }
}
