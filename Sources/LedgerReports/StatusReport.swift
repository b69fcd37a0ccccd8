public import Foundation
public import Ledger
public import QuireCore

/// What `quire status` reports: every batch of a ledger with its counts, and the workers of a shared ledger.
///
/// One value, read in one place: `quire status --json` prints it and the web dashboard's `/api/status` serves it, so
/// the two never disagree in shape or in figures.
public struct StatusReport: Sendable, Encodable {
    /// One batch and its counts.
    public struct Batch: Sendable, Encodable {
        /// The batch name.
        public var batch: String
        /// The delivery folder.
        public var delivery: String
        /// The register id the batch counts toward.
        public var archive: String?
        /// The pipeline used.
        public var pipeline: String
        /// When it was registered (ISO 8601, UTC).
        public var createdAt: String
        /// Pages, records, quarantined and flagged, by state.
        public var counts: BatchCounts

        enum CodingKeys: String, CodingKey {
            case batch, delivery, archive, pipeline, counts
            case createdAt = "created_at"
        }

        /// Makes a batch's line.
        public init(batch: String, delivery: String, archive: String?, pipeline: String, createdAt: String, counts: BatchCounts) {
            self.batch = batch
            self.delivery = delivery
            self.archive = archive
            self.pipeline = pipeline
            self.createdAt = createdAt
            self.counts = counts
        }

        /// Pages normalized (masters and copies written), digested or not yet, as a share of the accepted pages (0
        /// when there are none).
        public var pagesDoneFraction: Double {
            guard counts.pages > 0 else { return 0 }
            let done = (counts.pagesByState[.normalized] ?? 0) + (counts.pagesByState[.digested] ?? 0)
            return Double(done) / Double(counts.pages)
        }
    }

    /// How a worker is doing.
    public enum WorkerState: String, Sendable, Encodable {
        /// Heart-beating.
        case working
        /// Stopped cleanly.
        case stopped
        /// No heartbeat for ``StatusReport/silentAfter`` seconds: killed, paused or cut off.
        case silent
    }

    /// One worker of a shared ledger.
    public struct Worker: Sendable, Encodable {
        /// The worker's id (host, pid, start).
        public var id: String
        /// Its host.
        public var host: String
        /// When it started (ISO 8601, UTC).
        public var startedAt: String
        /// Its last heartbeat (ISO 8601, UTC).
        public var heartbeatAt: String
        /// Seconds since that heartbeat, to a tenth.
        public var secondsSinceHeartbeat: Double
        /// Pages it committed.
        public var pagesDone: Int
        /// Its rate since it started, to a hundredth.
        public var pagesPerSecond: Double
        /// Leases it holds.
        public var leases: Int
        /// Working, stopped or silent.
        public var state: WorkerState

        enum CodingKeys: String, CodingKey {
            case id, host, leases, state
            case startedAt = "started_at"
            case heartbeatAt = "heartbeat_at"
            case secondsSinceHeartbeat = "seconds_since_heartbeat"
            case pagesDone = "pages_done"
            case pagesPerSecond = "pages_per_second"
        }

        /// The worker as the ledger recorded it.
        public init(_ w: WorkerInfo) {
            id = w.id
            host = w.host
            startedAt = w.startedAt
            heartbeatAt = w.heartbeatAt
            secondsSinceHeartbeat = (w.secondsSinceHeartbeat * 10).rounded() / 10
            pagesDone = w.pagesDone
            pagesPerSecond = (w.pagesPerSecond * 100).rounded() / 100
            leases = w.leases
            state = w.stopped ? .stopped : w.isSilent(after: StatusReport.silentAfter) ? .silent : .working
        }
    }

    /// A worker silent this long (three missed heartbeats at the default lease) is flagged.
    public static let silentAfter = 30.0

    /// The workspace folder as given.
    public var workspace: String
    /// The ledger as messages show it (passwords masked).
    public var ledger: String
    /// Every batch, in the ledger's order.
    public var batches: [Batch]
    /// The workers of a shared ledger (none on SQLite).
    public var workers: [Worker]

    /// Makes a report.
    public init(workspace: String, ledger: String, batches: [Batch], workers: [Worker]) {
        self.workspace = workspace
        self.ledger = ledger
        self.batches = batches
        self.workers = workers
    }

    /// Reads the report from `ledger`.
    public static func read(
        from ledger: any Ledger, workspace: String, ledgerDescription: String
    ) throws(QuireError) -> StatusReport {
        let workers = try (ledger as? any ClaimStore)?.workers().map(Worker.init) ?? []
        var batches: [Batch] = []
        for b in try ledger.batches() {
            batches.append(
                Batch(
                    batch: b.id, delivery: b.delivery, archive: b.archive, pipeline: b.pipeline, createdAt: b.createdAt,
                    counts: try ledger.counts(batch: b.id)))
        }
        return StatusReport(workspace: workspace, ledger: ledgerDescription, batches: batches, workers: workers)
    }

    /// The JSON every surface prints: sorted keys, pretty, slashes and UTF-8 unescaped.
    public func jsonData() -> Data {
        // Every member is a string, number, array or object of those: encoding cannot fail.
        (try? Self.encoder.encode(self)) ?? Data("{}".utf8)
    }

    /// The encoder of ``jsonData()``, for other values of the same surfaces.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
