import ArgumentParser
import Foundation
import Ledger
import LedgerReports
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

    func run() throws {
        let report = try StatusReport.read(
            from: try workspaceOptions.openLedgerForReading(), workspace: workspaceOptions.path,
            ledgerDescription: workspaceOptions.ledgerDescription)
        let statuses = report.batches, workers = report.workers
        if json {
            FileHandle.standardOutput.write(report.jsonData())
            FileHandle.standardOutput.write(Data("\n".utf8))
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
                w.state == .silent ? "SILENT \(Int(w.secondsSinceHeartbeat)) s: killed, paused or cut off?" : w.state.rawValue
            list.add([
                w.id, w.host, "\(w.heartbeatAt) (\(Int(w.secondsSinceHeartbeat)) s ago)", "\(w.pagesDone)",
                String(format: "%.2f", w.pagesPerSecond), "\(w.leases)", state,
            ])
        }
        print("\nWorkers\n")
        print(list.render())
    }
}
