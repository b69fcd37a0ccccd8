public import QuireCore

/// The append-only history every write adds to: what happened to which file or record, when, by which tool.
public protocol EventStore: Sendable {
    /// The events of one batch, or of every batch (and none) when `batch` is nil, oldest first.
    func events(batch: String?) throws(QuireError) -> [LedgerEvent]
}

extension EventStore {
    /// Number of events logged for the batch.
    public func eventCount(batch: String) throws(QuireError) -> Int {
        try events(batch: batch).count
    }
}
