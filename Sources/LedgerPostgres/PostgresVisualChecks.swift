public import Ledger
public import QuireCore

extension PostgresLedger {
    /// Records a mark; a fail holds its record in the same transaction. (``VisualCheckStore``)
    public func recordVisualCheck(_ mark: VisualCheckMark, tool: String) throws(QuireError) {
        var mark = try mark.validated(file: location.redacted)
        mark.at = LedgerEvent.now()
        let file = location.redacted
        try write("record a visual check") { tx in
            let exists = try tx.query(
                "SELECT 1 AS found FROM page WHERE batch_id = $1 AND code = $2 AND page_no = $3 LIMIT 1",
                [.text(mark.batch), .text(mark.code), .int(Int64(mark.page))])
            guard !exists.isEmpty else {
                throw QuireError(
                    .usage, stage: .ledger, file: file,
                    message: "visual check: batch \(mark.batch) has no page \(mark.page) of \(mark.code)")
            }
            _ = try tx.query(
                """
                INSERT INTO visual_check (batch_id, code, page_no, verdict, reason, note, auditor, seed, at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """,
                [
                    .text(mark.batch), .text(mark.code), .int(Int64(mark.page)), .text(mark.verdict.rawValue),
                    .text(mark.reason?.rawValue), .text(mark.note), .text(mark.auditor), .text(mark.seed.map { String($0) }),
                    .text(mark.at),
                ])
            try Self.log(tx, .visualCheck(mark, tool: tool))
            guard let problem = mark.problem else { return }
            // FOR UPDATE: two auditors failing pages of one record at once both keep their problem.
            let stored =
                try tx.query(
                    "SELECT problems FROM record WHERE batch_id = $1 AND code = $2 FOR UPDATE",
                    [.text(mark.batch), .text(mark.code)]
                ).first.map { try $0.optionalText("problems") } ?? nil
            let problems = (BindingProblem.fromStoredText(stored) ?? []) + [problem]
            _ = try tx.query(
                "UPDATE record SET state = 'held', problems = $1, updated_at = $2 WHERE batch_id = $3 AND code = $4",
                [.text(BindingProblem.storedText(problems)), .text(mark.at), .text(mark.batch), .text(mark.code)])
            try Self.log(
                tx,
                .recordMarked(code: mark.code, state: .held, bag: nil, detail: problem.description, batch: mark.batch, tool: tool)
            )
        }
    }

    /// Every mark of the batch, oldest first. (``VisualCheckStore``)
    public func visualChecks(batch: String) throws(QuireError) -> [VisualCheckMark] {
        try read("read visual checks") { tx in
            try tx.query("SELECT * FROM visual_check WHERE batch_id = $1 ORDER BY id", [.text(batch)]).map { row in
                VisualCheckMark(
                    batch: try row.text("batch_id"), code: try row.text("code"), page: try row.int("page_no"),
                    verdict: try Self.stored(try row.text("verdict"), as: VisualVerdict.self, "visual check verdict"),
                    reason: try row.optionalText("reason").map {
                        try Self.stored($0, as: VisualCheckReason.self, "visual check reason")
                    },
                    note: try row.text("note"), auditor: try row.text("auditor"),
                    seed: try row.optionalText("seed").flatMap { UInt64($0) }, at: try row.text("at"))
            }
        }
    }

    /// Pages normalized per hour from `since` on. (``EventStore``)
    public func pagesNormalizedPerHour(since: String, batch: String?) throws(QuireError) -> [HourCount] {
        try read("count pages per hour") { tx in
            try tx.query(
                """
                SELECT substr(at, 1, 13) AS hour, COUNT(*) AS n FROM event
                WHERE action = 'page.normalized' AND at >= $1 AND ($2::text IS NULL OR batch_id = $2) GROUP BY hour ORDER BY hour
                """, [.text(since), .text(batch)]
            ).map { HourCount(hour: try $0.text("hour"), count: try $0.int("n")) }
        }
    }
}
