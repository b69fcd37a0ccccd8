import Foundation
import Ledger
import LedgerReports
import Quota
import QuireCore
import Synchronization

/// What the overview, `/api/status`, `/api/quota`, `/api/overview`, `/metrics` and `/events` show, read from the
/// ledger at most once per ``maximumAge`` however many clients ask: the first request after the snapshot ages
/// starts one read of the ledger and every request — that one included — is answered from the last snapshot
/// meanwhile (only the very first request of the server waits for a read). A snapshot ages after the larger of
/// ``maximumAge`` (1 s) and ``readTimeFactor`` times its own read time, so a live run's ledger is read at most once
/// a second, less often when it is large, and a slow read (a million pages) never holds a request.
final class SnapshotCache: Sendable {
    /// One reading of the ledger, with the texts served from it.
    struct Snapshot: Sendable {
        var status: StatusReport
        var quota: QuotaReport
        var live: [String: String]
        var statusJSON: Data
        var quotaJSON: Data
        var overviewJSON: Data
        var metrics: String
        /// Pages normalized per hour over the last ``throughputHours`` hours (read at most once a minute).
        var perHour: [HourCount]
        var perHourAt: ContinuousClock.Instant
        var takenAt: ContinuousClock.Instant
        /// How long reading it took.
        var readTime: Duration = .zero
    }

    /// A snapshot is read again once it is older than the larger of ``maximumAge`` and this many times its
    /// own read time: on a ledger so large that a read takes 300 ms, the dashboard spends at most a thirtieth of
    /// a core on it however many clients ask, and the figures are at most 9 s old (at 10×, a run beside a day of
    /// dashboard use lost 3.7–7.8% of its speed on a million-page ledger).
    static let readTimeFactor = 30

    /// Hours of throughput the overview and the batch page show.
    static let throughputHours = 72

    /// The first moment of the throughput they show, as the ledger writes times.
    static var throughputSince: String {
        Date().addingTimeInterval(-Double(throughputHours) * 3600).formatted(.iso8601)
    }

    let source: DashboardSource
    let maximumAge: Duration
    private let state = Mutex<(snapshot: Snapshot?, reading: Task<Snapshot, any Error>?)>((nil, nil))

    init(source: DashboardSource, maximumAge: Duration) {
        self.source = source
        self.maximumAge = maximumAge
    }

    /// The last snapshot (starting a read when it has aged); only the first call of all waits for a read.
    func current() async throws -> Snapshot {
        let now = ContinuousClock.now
        enum Answer {
            case fresh(Snapshot)
            case wait(Task<Snapshot, any Error>)
        }
        let answer: Answer = state.withLock { state in
            if let snapshot = state.snapshot,
                now - snapshot.takenAt < max(maximumAge, snapshot.readTime * Self.readTimeFactor)
            {
                return .fresh(snapshot)
            }
            // Aged: one read starts (or is already under way); meanwhile everyone gets the last snapshot, so no
            // request waits for the ledger except the very first.
            let reading = state.reading ?? startReading(after: state.snapshot)
            state.reading = reading
            if let snapshot = state.snapshot { return .fresh(snapshot) }
            return .wait(reading)
        }
        switch answer {
        case .fresh(let snapshot): return snapshot
        case .wait(let task): return try await task.value
        }
    }

    /// Starts the one read of the ledger; when it ends, its snapshot replaces the last one.
    private func startReading(after previous: Snapshot?) -> Task<Snapshot, any Error> {
        let source = source
        return Task { [weak self] in
            do {
                let snapshot = try await Dashboard.read({ try Self.take(from: $0, previous: previous) }, from: source)
                self?.state.withLock { state in
                    state.snapshot = snapshot
                    state.reading = nil
                }
                return snapshot
            } catch {
                self?.state.withLock { $0.reading = nil }
                throw error
            }
        }
    }

    /// Reads the ledger once and renders every text served from it. Blocking.
    static func take(from source: DashboardSource, previous: Snapshot? = nil) throws -> Snapshot {
        let started = ContinuousClock.now
        let status = try source.status()
        let quota = try source.quota()
        var reasons: [String: [QuarantineReason: Int]] = [:]
        for b in status.batches where b.counts.quarantined > 0 {
            for q in try source.ledger.quarantined(batch: b.batch) { reasons[b.batch, default: [:]][q.reason, default: 0] += 1 }
        }
        var perHour = previous?.perHour ?? []
        var perHourAt = previous?.perHourAt ?? .now
        if previous == nil || ContinuousClock.now - perHourAt > .seconds(60) {
            perHour = try source.ledger.pagesNormalizedPerHour(since: throughputSince, batch: nil)
            perHourAt = .now
        }
        let statusJSON = status.jsonData()
        let quotaJSON = Data(quota.jsonString().utf8)
        return Snapshot(
            status: status, quota: quota, live: Pages.liveFigures(status), statusJSON: statusJSON, quotaJSON: quotaJSON,
            overviewJSON: overview(status: statusJSON, quota: quotaJSON),
            metrics: MetricsExport.text(status: status, quarantineReasons: reasons, quota: quota), perHour: perHour,
            perHourAt: perHourAt, takenAt: .now, readTime: ContinuousClock.now - started)
    }

    /// `{"quota": …, "status": …}` from the two documents, keys sorted as the rest of the API.
    static func overview(status: Data, quota: Data) -> Data {
        var body = Data("{\n\"quota\" : ".utf8)
        body += quota
        body += Data(",\n\"status\" : ".utf8)
        body += status
        body += Data("\n}".utf8)
        return body
    }
}
