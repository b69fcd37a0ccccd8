public import QuireCore

/// Batches (one vendor delivery each) and what each holds, counted.
public protocol BatchStore: Sendable {
    /// The batch with this id, or nil.
    func batch(id: String) throws(QuireError) -> BatchInfo?
    /// Every batch, oldest first (by creation time, then id).
    func batches() throws(QuireError) -> [BatchInfo]
    /// Creates the batch, with a `batch.open` event, or returns the existing one with that id unchanged.
    func openBatch(_ batch: BatchInfo) throws(QuireError) -> BatchInfo
    /// Counts for the batch: pages (by state), quarantined files, records (by state), flagged records, changed files.
    func counts(batch: String) throws(QuireError) -> BatchCounts
}
