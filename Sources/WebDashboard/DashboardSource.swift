public import Ledger
import LedgerReports
public import Quota
public import QuireCore
public import QuotaSettings
import Foundation

/// What the dashboard reads, and from where: the ledger (opened for reading), the holdings register and the quota
/// rules. Every figure comes from the same readers the commands use (``StatusReport``, ``LedgerQuota``), so the web
/// view computes nothing of its own. Reads block (SQLite, PostgreSQL): the server calls them off its event loops.
public struct DashboardSource: Sendable {
    /// The workspace folder as given.
    public var workspace: String
    /// The ledger as messages show it (passwords masked).
    public var ledgerDescription: String
    /// The ledger.
    public var ledger: any Ledger
    /// The holdings register the quota counts against.
    public var register: HoldingsRegister
    /// Its path, as given.
    public var registerPath: String
    /// The quota rules.
    public var rules: QuotaRules
    /// The visual check's sample share and pass line, in percent (the pipeline's `acceptance` values).
    public var samplePercent: Double = 5
    /// The share of checked pages that must pass, in percent.
    public var passPercent: Double = 95
    /// Digits of a page number in output names (the pipeline's `import.naming.page_digits`).
    public var pageDigits: Int = 4
    /// Opens the one writable handle, used for the auditors' marks only (the ledger above is read-only).
    public var openMarkWriter: @Sendable () throws(QuireError) -> any VisualCheckStore

    /// Makes a source.
    public init(
        workspace: String, ledgerDescription: String, ledger: any Ledger, register: HoldingsRegister, registerPath: String,
        rules: QuotaRules, samplePercent: Double = 5, passPercent: Double = 95, pageDigits: Int = 4,
        openMarkWriter: @escaping @Sendable () throws(QuireError) -> any VisualCheckStore
    ) {
        self.workspace = workspace
        self.ledgerDescription = ledgerDescription
        self.ledger = ledger
        self.register = register
        self.registerPath = registerPath
        self.rules = rules
        self.samplePercent = samplePercent
        self.passPercent = passPercent
        self.pageDigits = pageDigits
        self.openMarkWriter = openMarkWriter
    }

    /// What `quire status --json` prints.
    func status() throws(QuireError) -> StatusReport {
        try StatusReport.read(from: ledger, workspace: workspace, ledgerDescription: ledgerDescription)
    }

    /// What `quire quota --json` prints, as of `day` (default: today in China).
    func quota(asOf day: QuotaDay? = nil) throws(QuireError) -> QuotaReport {
        try LedgerQuota.report(
            ledger: ledger, register: register, rules: rules,
            asOf: day ?? QuotaDay(Date(), timeZone: QuotaReport.chinaTimeZone))
    }

    /// One batch in detail, or nil when the ledger has no such batch.
    func batch(_ id: String) throws(QuireError) -> BatchDetail? {
        guard let info = try ledger.batch(id: id) else { return nil }
        let since = SnapshotCache.throughputSince
        return BatchDetail(
            batch: info, counts: try ledger.counts(batch: id), quarantined: try ledger.quarantined(batch: id),
            records: try ledger.records(batch: id), perHour: try ledger.pagesNormalizedPerHour(since: since, batch: id))
    }
}

/// One batch as the batch page and `/api/batches/{id}` show it.
struct BatchDetail: Sendable, Encodable {
    var batch: BatchInfo
    var counts: BatchCounts
    var quarantined: [QuarantineRecord]
    var records: [RecordRow]
    /// Pages of the batch normalized per hour over the last days.
    var perHour: [HourCount] = []

    enum CodingKeys: String, CodingKey {
        case batch, counts, quarantined, records
        case perHour = "pages_per_hour"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(
            [
                "id": batch.id, "delivery": batch.delivery, "archive": batch.archive ?? "", "pipeline": batch.pipeline,
                "created_at": batch.createdAt,
            ], forKey: .batch)
        try c.encode(counts, forKey: .counts)
        try c.encode(quarantined.map(QuarantinedFile.init), forKey: .quarantined)
        try c.encode(records.map(RecordSummary.init), forKey: .records)
        try c.encode(perHour, forKey: .perHour)
    }

    /// A quarantined file: path, reason code, detail, and the record and page when known.
    struct QuarantinedFile: Encodable {
        var path: String
        var reason: String
        var detail: String
        var code: String?
        var page: Int?
        init(_ q: QuarantineRecord) {
            path = q.path
            reason = q.reason.rawValue
            detail = q.detail
            code = q.code
            page = q.page
        }
    }

    /// A record: 档号, state, bag, and the binding problems that hold it.
    struct RecordSummary: Encodable {
        var code: String
        var state: String
        var bag: String?
        var problems: [Problem]
        struct Problem: Encodable {
            var rule: String
            var detail: String
        }
        init(_ r: RecordRow) {
            code = r.code
            state = r.state.rawValue
            bag = r.bag
            problems = r.problems.map { Problem(rule: $0.rule.rawValue, detail: $0.detail) }
        }
    }
}
