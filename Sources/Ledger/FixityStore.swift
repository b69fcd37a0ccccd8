public import QuireCore

/// The digests of every file, source and output, and the outcome of each fixity check.
public protocol FixityStore: Sendable {
    /// Records (or replaces) the digests of files of `batch`, with an event each; a replaced record goes back to
    /// `recorded`. When every record is a source, their pages move to `digested` (from `decoded` or `normalized`).
    func recordFixity(_ records: [FixityRecord], batch: String, tool: String) throws(QuireError)
    /// Fixity records of one batch (by root and path), or of every batch (by batch, root and path).
    func fixityRecords(batch: String?) throws(QuireError) -> [FixityRecord]
    /// Fixity records of the given relative paths (sources and outputs) in one batch, by root and path.
    func fixityRecords(batch: String, paths: [String]) throws(QuireError) -> [FixityRecord]
    /// Stores the outcome of a fixity check, with an event each. A `drift` (or, for Quire's own outputs, a
    /// `missing`) demotes a `packaged` or `verified` record the file belongs to, to `invalid`, with an event.
    func markFixityChecked(_ results: [(record: FixityRecord, status: FixityStatus)], tool: String) throws(QuireError)
}
