import Foundation
import GRDB
public import QuireCore

extension SQLiteLedger {
    /// Records a mark; a fail holds its record in the same transaction. (``VisualCheckStore``)
    public func recordVisualCheck(_ mark: VisualCheckMark, tool: String) throws(QuireError) {
        var mark = try mark.validated(file: path)
        mark.at = LedgerEvent.now()
        let file = path
        try write("record a visual check") { db in
            guard
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM page WHERE batch_id = ? AND code = ? AND page_no = ?)",
                    arguments: [mark.batch, mark.code, mark.page]) == true
            else {
                throw QuireError(
                    .usage, stage: .ledger, file: file,
                    message: "visual check: batch \(mark.batch) has no page \(mark.page) of \(mark.code)")
            }
            try db.execute(
                sql: """
                    INSERT INTO visual_check (batch_id, code, page_no, verdict, reason, note, auditor, seed, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    mark.batch, mark.code, mark.page, mark.verdict.rawValue, mark.reason?.rawValue, mark.note, mark.auditor,
                    mark.seed.map { String($0) }, mark.at,
                ])
            try Self.log(db, .visualCheck(mark, tool: tool))
            guard let problem = mark.problem else { return }
            let stored = try String.fetchOne(
                db, sql: "SELECT problems FROM record WHERE batch_id = ? AND code = ?", arguments: [mark.batch, mark.code])
            let problems = (BindingProblem.fromStoredText(stored) ?? []) + [problem]
            try db.execute(
                sql: "UPDATE record SET state = 'held', problems = ?, updated_at = ? WHERE batch_id = ? AND code = ?",
                arguments: [BindingProblem.storedText(problems), mark.at, mark.batch, mark.code])
            try Self.log(
                db,
                .recordMarked(
                    code: mark.code, state: .held, bag: nil, detail: problem.description, batch: mark.batch, tool: tool))
        }
    }

    /// Every mark of the batch, oldest first. (``VisualCheckStore``)
    public func visualChecks(batch: String) throws(QuireError) -> [VisualCheckMark] {
        try read("read visual checks") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM visual_check WHERE batch_id = ? ORDER BY id", arguments: [batch]).map {
                row in
                let reason: String? = row["reason"]
                let seed: String? = row["seed"]
                return VisualCheckMark(
                    batch: row["batch_id"], code: row["code"], page: row["page_no"],
                    verdict: try Self.stored(row["verdict"], as: VisualVerdict.self, "visual check verdict"),
                    reason: try reason.map { try Self.stored($0, as: VisualCheckReason.self, "visual check reason") },
                    note: row["note"], auditor: row["auditor"], seed: seed.flatMap { UInt64($0) }, at: row["at"])
            }
        }
    }
}
