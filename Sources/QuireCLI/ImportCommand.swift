import ArgumentParser
import Foundation
import Importer
import Ledger
import Policy
import TextTable

/// `quire import`: register a delivery, decode-check every page, quarantine what is broken.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Register a vendor's delivery: identify, decode-check and map every page to its 档号.",
        discussion: """
            Walks DELIVERY (links out of it are not followed), identifies TIFF/PNG/JPEG by signature, decodes \
            every page in parallel and maps it to its 档号 and page number by the pipeline's naming rule \
            (a folder per 档号 holding 0001.tif…, or flat <档号>-0001.tif). Broken files are quarantined with \
            a reason code; everything else is registered. Safe to re-run: nothing is registered twice, new \
            files are added, and a file changed since registration is reported, never replaced.

            Examples:
              quire import samples/delivery
              quire import /data/vendor/2026-11-02 --workspace /data/quire --batch day-07 --json
            """
    )

    @Argument(help: ArgumentHelp("The delivery folder (scanner output).", valueName: "delivery"))
    var delivery: String

    @OptionGroup var pipelineOptions: PipelineOptions
    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Option(name: .long, help: "Batch name (default: the delivery folder's name).")
    var batch: String?

    @Option(name: .long, help: "Holdings register id the batch counts toward (default: the pipeline's 'archive').")
    var archive: String?

    @Option(name: .long, help: "Decode workers (default: the pipeline's import.workers; 0 = one per core).")
    var workers: Int = 0

    @Flag(name: .long, help: "Print the report as JSON on standard output.")
    var json = false

    @Flag(name: .long, help: "No progress output.")
    var quiet = false

    func validate() throws {
        guard workers >= 0 else { throw ValidationError("--workers must be 0 or more") }
    }

    func run() async throws {
        let (policy, pipelinePath) = try pipelineOptions.load()
        let ledger = try workspaceOptions.openLedger(create: true)
        let lock = try workspaceOptions.lock()
        defer { withExtendedLifetime(lock) {} }

        let reporter = ProgressLine(label: "import", enabled: !quiet)
        let importer = Importer(ledger: ledger, policy: policy, workers: workers, tool: "quire \(Quire.version)")
        var report: ImportReport
        do {
            report = try await importer.run(delivery: delivery, batch: batch, archive: archive) { progress in
                reporter.update(
                    done: progress.done, total: progress.total,
                    extra: progress.quarantined > 0 ? "\(progress.quarantined) quarantined" : nil)
            }
        } catch {
            reporter.finish()
            throw error
        }
        reporter.finish()
        if json {
            report.peakRSSMB = peakRSSMegabytes()
            try printJSON(report)
        } else {
            print(Self.render(report, pipeline: "\(policy.name) (\(pipelinePath))", workspace: workspaceOptions.path))
        }
        if !report.isClean { throw ExitStatus(code: Exit.itemsFailed) }
    }

    static func render(_ r: ImportReport, pipeline: String, workspace: String) -> String {
        var out: [String] = []
        let rate = r.seconds > 0 ? Double(r.decoded) / r.seconds : 0
        out.append("Batch      \(r.batch)")
        out.append("Delivery   \(r.delivery)")
        out.append("Pipeline   \(pipeline)")
        out.append("Workspace  \(workspace)")
        out.append("Records    \(r.records)")
        out.append(
            "Pages      \(r.accepted) accepted (\(r.registeredThisRun) new this run, \(r.unchanged) files unchanged since the last run)"
        )
        out.append(
            String(
                format: "Decoded    %d files, %.1f MB in %.2f s (%.1f files/s)",
                r.decoded, Double(r.decodedBytes) / 1e6, r.seconds, rate))
        out.append("")
        if r.quarantined.isEmpty {
            out.append("Quarantined: none")
        } else {
            out.append("Quarantined (\(r.quarantined.count)):")
            var table = TextTable(["FILE", "REASON", "DETAIL"])
            for q in r.quarantined { table.add([q.path, q.reason.rawValue, q.detail]) }
            out.append(table.render())
        }
        if !r.flaggedRecords.isEmpty {
            out.append("")
            out.append("Records flagged (\(r.flaggedRecords.count)):")
            var table = TextTable(["档号", "RULE", "DETAIL"])
            for f in r.flaggedRecords { table.add([f.code, f.rule.rawValue, f.detail]) }
            out.append(table.render())
        }
        if !r.changed.isEmpty {
            out.append("")
            out.append(
                "Changed since registration (\(r.changed.count)) — kept as registered; redeliver under a new batch if the change is intended:"
            )
            var table = TextTable(["FILE", "REGISTERED SHA-256", "NOW"])
            for c in r.changed {
                table.add([c.path, String(c.registeredSHA256.prefix(16)) + "…", String(c.foundSHA256.prefix(16)) + "…"])
            }
            out.append(table.render())
        }
        out.append("")
        let problems = r.quarantined.count + r.flaggedRecords.count + r.changed.count
        out.append(
            problems == 0
                ? "Result: all \(r.accepted) pages accepted."
                : "Result: \(r.quarantined.count) quarantined, \(r.flaggedRecords.count) records flagged, \(r.changed.count) changed (exit code 1)."
        )
        return out.joined(separator: "\n")
    }
}
