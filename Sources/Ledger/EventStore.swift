public import QuireCore

/// The append-only history every write adds to: what happened to which file or record, when, by which tool.
public protocol EventStore: Sendable {
    /// The events of one batch, or of every batch (and none) when `batch` is nil, oldest first.
    func events(batch: String?) throws(QuireError) -> [LedgerEvent]
    /// Pages normalized per hour (UTC) from `since` (ISO 8601) on, of one batch or (nil) every batch together,
    /// oldest hour first; hours without a page are absent. Read from an index on the events' action and time, not
    /// by reading every event.
    func pagesNormalizedPerHour(since: String, batch: String?) throws(QuireError) -> [HourCount]
}

/// A count in one hour: `hour` is `YYYY-MM-DDTHH` (UTC), the first 13 characters of the events' times.
public struct HourCount: Sendable, Equatable, Codable {
    /// The hour, `YYYY-MM-DDTHH`.
    public var hour: String
    /// How many.
    public var count: Int

    /// Makes a count.
    public init(hour: String, count: Int) {
        self.hour = hour
        self.count = count
    }
}

extension EventStore {
    /// Number of events logged for the batch.
    public func eventCount(batch: String) throws(QuireError) -> Int {
        try events(batch: batch).count
    }
}
