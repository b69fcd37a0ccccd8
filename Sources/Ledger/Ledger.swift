/// Durable job state for a workspace, behind one interface so a shared SQL server can later stand in for
/// the local SQLite file.
///
/// Writes that belong together are one transaction; nothing is written for a file before what it
/// describes is durable.
public protocol Ledger: Sendable {
    /// The batch with this id, or nil.
    func batch(id: String) throws(LedgerError) -> BatchInfo?
    /// Every batch, oldest first.
    func batches() throws(LedgerError) -> [BatchInfo]
    /// Creates the batch, or returns the existing one with that id.
    func openBatch(_ batch: BatchInfo) throws(LedgerError) -> BatchInfo
    /// Files of the batch already registered or quarantined, by relative path.
    func knownFiles(batch: String) throws(LedgerError) -> [String: KnownFile]
    /// For each digest given, a page anywhere in the workspace with those bytes (batch, path).
    func pagesWithDigests(_ digests: Set<String>) throws(LedgerError) -> [String: (batch: String, path: String)]
    /// Pages of the batch by (code, page number) → path, for duplicate-page checks.
    func pageSlots(batch: String) throws(LedgerError) -> [String: String]
    /// Writes one import step atomically, with an event per file.
    func commit(_ commit: ImportCommit, batch: String, tool: String) throws(LedgerError)
    /// Replaces the batch's record flags for the given rules.
    func replaceFlags(_ flags: [RecordFlag], rules: Set<String>, batch: String) throws(LedgerError)
    /// Page numbers present (accepted or quarantined with a known page) per record code.
    func pageNumbers(batch: String) throws(LedgerError) -> [String: [Int]]
    /// The batch's quarantined files, by path.
    func quarantined(batch: String) throws(LedgerError) -> [QuarantineRecord]
    /// The batch's record flags.
    func flags(batch: String) throws(LedgerError) -> [RecordFlag]
    /// Files found changed after registration.
    func changedFiles(batch: String) throws(LedgerError) -> [ChangedFile]
    /// The batch's accepted pages, by path.
    func pages(batch: String) throws(LedgerError) -> [PageRecord]
    /// One record's accepted pages, by page number.
    func pages(batch: String, code: String) throws(LedgerError) -> [PageRecord]
    /// One record's quarantined files.
    func quarantined(batch: String, code: String) throws(LedgerError) -> [QuarantineRecord]
    /// Counts for the batch.
    func counts(batch: String) throws(LedgerError) -> BatchCounts
    /// Records (or replaces) the digests of files; source-file records move their pages to `digested`.
    func recordFixity(_ records: [FixityRecord], batch: String, tool: String) throws(LedgerError)
    /// Fixity records of one batch, or of every batch.
    func fixityRecords(batch: String?) throws(LedgerError) -> [FixityRecord]
    /// Fixity records of the given relative paths (sources and outputs) in one batch.
    func fixityRecords(batch: String, paths: [String]) throws(LedgerError) -> [FixityRecord]
    /// Records one page's normalization: its outputs' digests, its checks, and the move to `normalized`
    /// (only when outputs were written) and, when given, the source's fixity as ``recordFixity(_:batch:tool:)``
    /// records it (a streaming run has both from one read), in one transaction.
    func completeNormalization(_ result: NormalizedPage, sourceFixity: FixityRecord?, batch: String, tool: String) throws(LedgerError)
    /// Per-page checks of the later stages (low resolution, skew, blank page…).
    func pageChecks(batch: String) throws(LedgerError) -> [PageCheck]
    /// Forgets pages whose normalization failed and whose file has since been replaced (a rescan): their page
    /// rows, checks, source fixity and change reports go, with an event each, so the import examines the new
    /// file as a page never seen. Pages that have a master are never released.
    func releaseFailedPages(batch: String, paths: [String], tool: String) throws(LedgerError)
    /// Why normalization failed, by page path, for pages whose last normalization failed (of one record when
    /// `code` is given): each failing check as `rule: detail`, joined by "; ". A normalization that succeeds
    /// replaces the page's checks, so a page fixed and normalized again drops out.
    func normalizationFailures(batch: String, code: String?) throws(LedgerError) -> [String: String]
    /// Stores each record's binding outcome and, when the binding carries one, replaces the batch's catalog,
    /// in one transaction. A record already `packaged` or `verified` that binds again stays so.
    func storeBinding(_ binding: StoredBinding, batch: String, tool: String) throws(LedgerError)
    /// The batch's records with their state (`waiting`, `bound`, `held`…).
    func records(batch: String) throws(LedgerError) -> [RecordRow]
    /// Moves a record to `state` (`packaged`, `verified`…), remembering its bag.
    func markRecord(batch: String, code: String, state: String, bag: String?, detail: String?, tool: String) throws(LedgerError)
    /// Records whose bags are packaged and verified, with the verification time, for quota reports.
    func digitizedRecords() throws(LedgerError) -> [DigitizedRecord]
    /// The record a bag path belongs to.
    func recordForBag(_ bag: String) throws(LedgerError) -> (batch: String, code: String)?
    /// Stores the outcome of a fixity check (`ok`, `drift`, `missing`).
    func markFixityChecked(_ results: [(record: FixityRecord, status: String)], tool: String) throws(LedgerError)
}

/// A ledger operation that failed.
public struct LedgerError: Error, Sendable, CustomStringConvertible {
    /// The database file.
    public var path: String
    /// What was being done.
    public var operation: String
    /// The database's own message.
    public var message: String

    /// Makes an error.
    public init(path: String, operation: String, message: String) {
        self.path = path
        self.operation = operation
        self.message = message
    }

    public var description: String { "ledger \(path): \(operation) failed: \(message)" }
}

extension Ledger {
    /// Records one page's normalization alone (see ``completeNormalization(_:sourceFixity:batch:tool:)``).
    public func completeNormalization(_ result: NormalizedPage, batch: String, tool: String) throws(LedgerError) {
        try completeNormalization(result, sourceFixity: nil, batch: batch, tool: tool)
    }
}
