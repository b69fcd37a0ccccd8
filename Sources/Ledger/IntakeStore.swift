public import QuireCore

/// What the import learns about a delivery's files: pages and quarantined files, files changed after
/// registration, and the flags it raises on whole records.
public protocol IntakeStore: Sendable {
    /// Files of the batch already registered or quarantined, by relative path (a quarantined entry wins over a
    /// page of the same path).
    func knownFiles(batch: String) throws(QuireError) -> [String: KnownFile]
    /// For each digest given, the first page registered anywhere in the workspace with those bytes.
    func pagesWithDigests(_ digests: Set<String>) throws(QuireError) -> [String: PageLocation]
    /// The batch's pages by their (档号, page number) slot, for duplicate-page checks.
    func pageSlots(batch: String) throws(QuireError) -> [PageSlot: String]
    /// Writes one import step in one transaction, with an event per file: released quarantine entries go, pages
    /// are registered (their records created `waiting`), quarantined files are stored (replacing an entry of the
    /// same path), changes are reported once per found digest, touched pages take their new mtime. A page whose
    /// path the batch already holds fails the whole step, and nothing of it is written.
    func commit(_ commit: ImportCommit, batch: String, tool: String) throws(QuireError)
    /// Replaces the batch's record flags of the given rules by `flags`.
    func replaceFlags(_ flags: [RecordFlag], rules: Set<RecordFlagRule>, batch: String) throws(QuireError)
    /// Page numbers present (accepted, or quarantined with a known page) per record code.
    func pageNumbers(batch: String) throws(QuireError) -> [String: [Int]]
    /// The batch's quarantined files, by path.
    func quarantined(batch: String) throws(QuireError) -> [QuarantineRecord]
    /// One record's quarantined files, by path.
    func quarantined(batch: String, code: String) throws(QuireError) -> [QuarantineRecord]
    /// The batch's record flags, by code and rule.
    func flags(batch: String) throws(QuireError) -> [RecordFlag]
    /// Files found changed after registration, by path.
    func changedFiles(batch: String) throws(QuireError) -> [ChangedFile]
    /// Forgets pages whose last normalization failed and whose file has since been replaced (a rescan): their page
    /// rows, checks, source fixity and change reports go, with an event each, so the import examines the new file
    /// as a page never seen. Pages without a failed normalization (a master exists, or none was tried) are kept.
    func releaseFailedPages(batch: String, paths: [String], tool: String) throws(QuireError)
}
