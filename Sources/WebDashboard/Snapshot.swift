import Foundation
import LedgerReports
import Quota
import QuireCore
import Synchronization

/// What the overview, `/api/status`, `/api/quota`, `/api/overview`, `/metrics` and `/events` show, read from the
/// ledger at most once per ``maximumAge`` however many clients ask: the first request after the snapshot ages
/// reads the ledger, requests meanwhile wait for that one read (one flight), and every other request is answered
/// from memory. A live run's ledger is never read more than once a second by the dashboard.
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
        var takenAt: ContinuousClock.Instant
    }

    let source: DashboardSource
    let maximumAge: Duration
    private let state = Mutex<(snapshot: Snapshot?, reading: Task<Snapshot, any Error>?)>((nil, nil))

    init(source: DashboardSource, maximumAge: Duration) {
        self.source = source
        self.maximumAge = maximumAge
    }

    /// A snapshot no older than ``maximumAge``.
    func current() async throws -> Snapshot {
        let now = ContinuousClock.now
        enum Answer {
            case fresh(Snapshot)
            case wait(Task<Snapshot, any Error>)
        }
        let answer: Answer = state.withLock { state in
            if let snapshot = state.snapshot, now - snapshot.takenAt < maximumAge { return .fresh(snapshot) }
            if let reading = state.reading { return .wait(reading) }
            let source = source
            let reading = Task { try await Dashboard.read({ try Self.take(from: $0) }, from: source) }
            state.reading = reading
            return .wait(reading)
        }
        let task: Task<Snapshot, any Error>
        switch answer {
        case .fresh(let snapshot): return snapshot
        case .wait(let reading): task = reading
        }
        do {
            let snapshot = try await task.value
            state.withLock { state in
                if state.reading == task {
                    state.snapshot = snapshot
                    state.reading = nil
                }
            }
            return snapshot
        } catch {
            state.withLock { state in if state.reading == task { state.reading = nil } }
            throw error
        }
    }

    /// Reads the ledger once and renders every text served from it. Blocking.
    static func take(from source: DashboardSource) throws -> Snapshot {
        let status = try source.status()
        let quota = try source.quota()
        var reasons: [String: [QuarantineReason: Int]] = [:]
        for b in status.batches where b.counts.quarantined > 0 {
            for q in try source.ledger.quarantined(batch: b.batch) { reasons[b.batch, default: [:]][q.reason, default: 0] += 1 }
        }
        let statusJSON = status.jsonData()
        let quotaJSON = Data(quota.jsonString().utf8)
        return Snapshot(
            status: status, quota: quota, live: Pages.liveFigures(status), statusJSON: statusJSON, quotaJSON: quotaJSON,
            overviewJSON: overview(status: statusJSON, quota: quotaJSON),
            metrics: MetricsExport.text(status: status, quarantineReasons: reasons, quota: quota), takenAt: .now)
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
