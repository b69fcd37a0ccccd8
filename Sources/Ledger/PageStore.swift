public import QuireCore

/// Accepted pages, their normalization and the checks the stages after import make of them.
public protocol PageStore: Sendable {
    /// The batch's accepted pages, by code, page number and path.
    func pages(batch: String) throws(QuireError) -> [PageRecord]
    /// One record's accepted pages, by page number and path.
    func pages(batch: String, code: String) throws(QuireError) -> [PageRecord]
    /// Records one page's normalization in one transaction: its `normalize` checks replace the earlier ones, its
    /// outputs' digests are recorded (as workspace files), the page moves `decoded → normalized` when outputs were
    /// written, an event (`page.normalized` or `page.normalize-failed`) carries the processing steps, and, when
    /// given, the source's fixity is recorded as ``FixityStore/recordFixity(_:batch:tool:)`` records it (a
    /// streaming run has both from one read).
    func completeNormalization(
        _ result: NormalizedPage, sourceFixity: FixityRecord?, batch: String, tool: String
    ) throws(QuireError)
    /// The batch's page checks, by path, stage and rule.
    func pageChecks(batch: String) throws(QuireError) -> [PageCheck]
    /// Why normalization failed, by page path, for the batch's pages whose last normalization failed (of one
    /// record when `code` is given): the failing (`error`) checks, by rule. A normalization that succeeds
    /// replaces the page's checks, so a page fixed and normalized again drops out.
    func normalizationFailures(batch: String, code: String?) throws(QuireError) -> [String: [PageCheck]]
}

extension PageStore {
    /// Records one page's normalization alone (see ``completeNormalization(_:sourceFixity:batch:tool:)``).
    public func completeNormalization(_ result: NormalizedPage, batch: String, tool: String) throws(QuireError) {
        try completeNormalization(result, sourceFixity: nil, batch: batch, tool: tool)
    }
}
