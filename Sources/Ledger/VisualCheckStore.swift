public import QuireCore

/// One mark of an auditor's visual check (DA/T 31 acceptance): a page of a batch, pass or fail with a reason.
public struct VisualCheckMark: Sendable, Equatable, Codable {
    /// The batch.
    public var batch: String
    /// The page's record (档号).
    public var code: String
    /// The page number.
    public var page: Int
    /// Pass or fail.
    public var verdict: VisualVerdict
    /// Why it failed (required for a fail, absent for a pass).
    public var reason: VisualCheckReason?
    /// The auditor's words, possibly empty.
    public var note: String
    /// Who marked it (the dashboard account).
    public var auditor: String
    /// The seed of the sample the page was drawn in, when it was.
    public var seed: UInt64?
    /// When (ISO 8601, UTC; set by the ledger).
    public var at: String

    /// Makes a mark (`at` is set when the ledger records it).
    public init(
        batch: String, code: String, page: Int, verdict: VisualVerdict, reason: VisualCheckReason?, note: String,
        auditor: String, seed: UInt64?, at: String = ""
    ) {
        self.batch = batch
        self.code = code
        self.page = page
        self.verdict = verdict
        self.reason = reason
        self.note = note
        self.auditor = auditor
        self.seed = seed
        self.at = at
    }

    /// The problem a failed mark puts on its record.
    public var problem: BindingProblem? {
        guard verdict == .fail else { return nil }
        let why = reason?.rawValue ?? VisualCheckReason.other.rawValue
        return BindingProblem(
            rule: .visualCheckFailed, detail: "page \(page): \(why)\(note.isEmpty ? "" : " (\(note))") — marked by \(auditor)")
    }

    /// Refuses a mark no ledger may store: a fail without a reason, a pass with one, a page number below 1, a
    /// note beyond 2,000 characters.
    package func validated(file: String) throws(QuireError) -> VisualCheckMark {
        func bad(_ why: String) -> QuireError { QuireError(.usage, stage: .ledger, file: file, message: "visual check: \(why)") }
        if verdict == .fail && reason == nil { throw bad("a failed page needs a reason") }
        if verdict == .pass && reason != nil { throw bad("a passed page has no reason") }
        if page < 1 { throw bad("page \(page) is no page number") }
        if note.count > 2000 { throw bad("the note is longer than 2,000 characters") }
        return self
    }
}

/// The auditors' visual checks. Recording a failed page holds its record in the same transaction, as a binding
/// problem does (state `held`, a `visual_check_failed` problem added), so `quire status`, `quire quota` and packaging
/// see it at once; a record held this way stays held until a later mark of the same page passes and binding runs
/// again.
public protocol VisualCheckStore: Sendable {
    /// Records a mark of a page the ledger holds (refused, naming the page, when it holds no such page), with an
    /// event; a fail holds the record.
    func recordVisualCheck(_ mark: VisualCheckMark, tool: String) throws(QuireError)
    /// Every mark of the batch, oldest first (a page marked twice has both; the later one counts).
    func visualChecks(batch: String) throws(QuireError) -> [VisualCheckMark]
}

extension Array where Element == VisualCheckMark {
    /// The last mark of each page, by record and page.
    public var latestByPage: [PageKey: VisualCheckMark] {
        var latest: [PageKey: VisualCheckMark] = [:]
        for mark in self { latest[PageKey(code: mark.code, page: mark.page)] = mark }
        return latest
    }
}

/// A page of a batch: its record and number.
public struct PageKey: Sendable, Hashable, Codable, Comparable {
    /// The record (档号).
    public var code: String
    /// The page number.
    public var page: Int

    /// Makes a key.
    public init(code: String, page: Int) {
        self.code = code
        self.page = page
    }

    /// By record, then page number.
    public static func < (a: PageKey, b: PageKey) -> Bool { a.code != b.code ? a.code < b.code : a.page < b.page }
}
