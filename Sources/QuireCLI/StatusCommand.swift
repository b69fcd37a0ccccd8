import ArgumentParser
import Foundation
import Ledger
import TextTable

/// `quire status`: every batch's state, from the ledger.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every batch in the workspace: pages by state, quarantined files, flagged records.",
        discussion: """
            Reads the ledger only, so it also works while a run is going.

            Examples:
              quire status
              quire status --workspace /data/quire --json
            """
    )

    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Flag(name: .long, help: "Print JSON on standard output.")
    var json = false

    struct BatchStatus: Encodable {
        var batch: String
        var delivery: String
        var archive: String?
        var pipeline: String
        var createdAt: String
        var counts: BatchCounts

        enum CodingKeys: String, CodingKey {
            case batch, delivery, archive, pipeline, counts
            case createdAt = "created_at"
        }
    }

    /// A worker silent this long (three missed heartbeats at the default lease) is flagged.
    static let silentAfter = 30.0

    struct WorkerStatus: Encodable {
        var id: String
        var host: String
        var startedAt: String
        var heartbeatAt: String
        var secondsSinceHeartbeat: Double
        var pagesDone: Int
        var pagesPerSecond: Double
        var leases: Int
        var state: String

        enum CodingKeys: String, CodingKey {
            case id, host, leases, state
            case startedAt = "started_at"
            case heartbeatAt = "heartbeat_at"
            case secondsSinceHeartbeat = "seconds_since_heartbeat"
            case pagesDone = "pages_done"
            case pagesPerSecond = "pages_per_second"
        }

        init(_ w: WorkerInfo) {
            id = w.id
            host = w.host
            startedAt = w.startedAt
            heartbeatAt = w.heartbeatAt
            secondsSinceHeartbeat = (w.secondsSinceHeartbeat * 10).rounded() / 10
            pagesDone = w.pagesDone
            pagesPerSecond = (w.pagesPerSecond * 100).rounded() / 100
            leases = w.leases
            state = w.stopped ? "stopped" : w.isSilent(after: StatusCommand.silentAfter) ? "silent" : "working"
        }
    }

    func run() throws {
        let ledger = try workspaceOptions.openLedgerForReading()
        let workers = try (ledger as? any ClaimStore)?.workers().map(WorkerStatus.init) ?? []
        var statuses: [BatchStatus] = []
        for b in try ledger.batches() {
            statuses.append(
                BatchStatus(
                    batch: b.id, delivery: b.delivery, archive: b.archive, pipeline: b.pipeline,
                    createdAt: b.createdAt, counts: try ledger.counts(batch: b.id)))
        }
        if json {
            try printJSON([
                "workspace": AnyEncodable(workspaceOptions.path), "ledger": AnyEncodable(workspaceOptions.ledgerDescription),
                "batches": AnyEncodable(statuses), "workers": AnyEncodable(workers),
            ])
            return
        }
        if statuses.isEmpty {
            print("No batches in \(workspaceOptions.path).")
            return
        }
        var table = TextTable(["BATCH", "RECORDS", "RECORD STATES", "PAGES", "PAGE STATES", "QUARANTINED", "FLAGGED", "CHANGED"])
        func states(_ counts: [some RawRepresentable<String>: Int]) -> String {
            counts.isEmpty
                ? "-"
                : counts.map { ($0.key.rawValue, $0.value) }.sorted { $0.0 < $1.0 }.map { "\($0.0) \($0.1)" }
                    .joined(separator: ", ")
        }
        for s in statuses {
            table.add([
                s.batch, "\(s.counts.records)", states(s.counts.recordsByState), "\(s.counts.pages)",
                states(s.counts.pagesByState),
                "\(s.counts.quarantined)", "\(s.counts.flaggedRecords)", "\(s.counts.changed)",
            ])
        }
        print("Workspace \(workspaceOptions.path)\n")
        print(table.render())
        guard !workers.isEmpty else { return }
        var list = TextTable(["WORKER", "HOST", "LAST HEARTBEAT", "PAGES", "PAGES/S", "LEASES", "STATE"])
        for w in workers {
            let state =
                w.state == "silent" ? "SILENT \(Int(w.secondsSinceHeartbeat)) s: killed, paused or cut off?" : w.state
            list.add([
                w.id, w.host, "\(w.heartbeatAt) (\(Int(w.secondsSinceHeartbeat)) s ago)", "\(w.pagesDone)",
                String(format: "%.2f", w.pagesPerSecond), "\(w.leases)", state,
            ])
        }
        print("\nWorkers\n")
        print(list.render())
    }
}

/// Type-erased `Encodable`, for ad-hoc JSON objects.
struct AnyEncodable: Encodable {
    private let encodeValue: (any Encoder) throws -> Void
    init(_ value: some Encodable) { encodeValue = value.encode(to:) }
    func encode(to encoder: any Encoder) throws { try encodeValue(encoder) }
}
