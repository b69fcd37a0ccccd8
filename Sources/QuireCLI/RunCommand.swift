import ArgumentParser
import BatchRun
import BindStage
import Catalog
import ChecksumStage
import Foundation
import Synchronization
import Importer
import Ledger
import LedgerPostgres
import NormalizeStage
import PackageStage
import TextTable
import WorkerLoop

/// `quire run`: the whole pipeline on a delivery, resumable.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run import → normalize → checksum → bind → package on a delivery; run it again to resume.",
        discussion: """
            Each stage works in a pool of workers and commits its work to the ledger only once its outputs \
            are durably on disk, so after a crash, a kill -9 or a power cut the same command finishes the \
            batch: finished work is not redone, and no page is packaged twice. One run per workspace at a \
            time (a second is refused; a lock left by a dead process is taken over).

            Exit codes: 0 every record packaged; 1 the run finished but some files were quarantined, pages \
            failed or records were held back (listed); 2 usage or configuration error; 3 could not run.

            Examples:
              quire run samples/delivery --catalog samples/catalog.csv --process samples/process.yaml
              quire run /data/vendor/2026-11-02 --catalog /data/vendor/目录.csv --workspace /data/quire --workers 2 --json
            """
    )

    @Argument(help: ArgumentHelp("The delivery folder (scanner output).", valueName: "delivery")) var delivery: String
    @Option(help: ArgumentHelp("The catalog CSV (UTF-8 or GB18030).", valueName: "csv")) var catalog: String
    @Option(help: "utf-8 or gb18030 (default: detected).") var encoding: String?
    @Option(help: ArgumentHelp("Process metadata YAML (vendor, scanner, software, operator, scan_date).", valueName: "file"))
    var process: String?
    @OptionGroup var pipelineOptions: PipelineOptions
    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Option(help: "Batch name (default: the delivery folder's name).") var batch: String?
    @Option(help: "Holdings register id the batch counts toward.") var archive: String?
    @Option(help: ArgumentHelp("Where the bags go (default: <workspace>/bags).", valueName: "dir")) var out: String?
    @Option(help: "Workers per stage (0 = one per core).") var workers = 0
    @Flag(help: "Print the summary as JSON.") var json = false
    @Flag(help: "No progress output.") var quiet = false

    func validate() throws {
        if let encoding, CatalogEncoding(rawValue: encoding) == nil {
            throw ValidationError("--encoding must be utf-8 or gb18030")
        }
        guard workers >= 0 else { throw ValidationError("--workers must be 0 or more") }
    }

    struct Summary: Encodable {
        var batch: String
        var stages: [BatchRun.StageSummary]
        var quarantined: [ImportReport.Quarantined]
        var failedPages: [PageCheck]
        var held: [String: String]
        /// Images whose 档号 has no (valid) catalog record, as `quire bind` reports them.
        var unmatchedImages: [String]
        /// Catalog rows rejected, with their lines and reasons.
        var catalogErrors: [CSVRowError]
        var packaged: [String]
        var streamedRecords: Int
        /// Peak resident set (MB) when the page stream ended, and at the end of the run.
        var peakRSSMB: [String: Double]
        var bags: String
        var seconds: Double
        var exitCode: Int32

        enum CodingKeys: String, CodingKey {
            case batch, stages, quarantined, held, packaged, bags, seconds
            case failedPages = "failed_pages"
            case unmatchedImages = "unmatched_images"
            case catalogErrors = "catalog_errors"
            case streamedRecords = "records_packaged_by_stream"
            case peakRSSMB = "peak_rss_mb"
            case exitCode = "exit_code"
        }
    }

    /// On a PostgreSQL ledger the run shares its pages with `quire worker`s by claims; on SQLite it streams alone.
    func shared(_ ledger: any Ledger) -> BatchRun.SharedWork? {
        guard let postgres = ledger as? PostgresLedger else { return nil }
        return BatchRun.SharedWork(
            ledger: postgres, configuration: PageWorker.Configuration(threads: workers),
            signal: PostgresWorkSignal(ledger: postgres))
    }

    func run() async throws {
        let (policy, _) = try pipelineOptions.load()
        let ledger = try workspaceOptions.openLedger(create: true)
        // One run per batch: on a shared ledger a hold on the batch in the server (runs of other batches, and
        // workers, may share the workspace); on a workspace's own ledger the workspace's lock.
        let lock: AnyObject
        if let postgres = ledger as? PostgresLedger, let id = Importer.batchID(delivery: delivery, batch: batch) {
            lock = try PostgresBatchHold(ledger: postgres, batch: id)
        } else {
            lock = try workspaceOptions.lock()
        }
        defer { withExtendedLifetime(lock) {} }
        let workspace = workspaceOptions.absolutePath
        let tags = try scannerTags(processFile: process)
        let line = ProgressLine(labels: ["pages", "records"], enabled: !quiet)
        let pagesPeak = Mutex<Double?>(nil)
        let run = BatchRun(
            ledger: ledger, policy: policy, workspace: workspace, workers: workers, version: Quire.version, tags: tags)
        let report: BatchRun.Report
        do {
            report = try await run.run(
                .init(
                    delivery: delivery, catalog: catalog, encoding: encoding.flatMap(CatalogEncoding.init(rawValue:)),
                    processFile: process, batch: batch, archive: archive, out: out, shared: shared(ledger))
            ) { p in
                if p.phase == "pages" {
                    if p.filesTotal > 0 {
                        line.update(row: 0, done: p.files, total: p.filesTotal, extra: "read, decoded, digested, normalized")
                    }
                    if p.recordsBound > 0 {
                        line.update(
                            row: 1, done: p.recordsBound, total: p.recordsTotal,
                            extra: "bound; \(p.recordsPackaged) packaged, \(p.recordsHeld) held")
                    }
                } else {
                    line.finish()
                    pagesPeak.withLock { $0 = $0 ?? peakRSSMegabytes() }
                }
            }
        } catch {
            line.finish()
            throw error
        }
        line.finish()
        let batchID = report.batch
        let imported = report.imported
        let stages = report.stages
        let outcome = try run.outcome(of: report)
        let (checks, held, clean) = (outcome.failedPages, outcome.held, outcome.isClean)
        let summary = Summary(
            batch: batchID, stages: stages, quarantined: imported.quarantined, failedPages: checks, held: held,
            unmatchedImages: report.binding.unmatchedImages, catalogErrors: report.binding.catalogErrors,
            packaged: outcome.packaged,
            streamedRecords: report.streamedRecords,
            peakRSSMB: ["pages": pagesPeak.withLock { $0 } ?? peakRSSMegabytes(), "run": peakRSSMegabytes()],
            bags: out ?? workspaceOptions.folder.layout().bagsFolder, seconds: report.seconds,
            exitCode: clean ? Exit.success : Exit.itemsFailed)
        if json {
            try printJSON(summary)
        } else {
            print("Batch \(batchID) — workspace \(workspaceOptions.path)\n")
            var table = TextTable(["STAGE", "DONE THIS RUN", "FAILED", "SECONDS (STAGES OVERLAP)"])
            for s in stages { table.add([s.stage, "\(s.done)", "\(s.failed)", String(format: "%.2f", s.seconds)]) }
            print(table.render(indent: ""))
            if !imported.quarantined.isEmpty {
                print("\nQuarantined files:")
                var t = TextTable(["FILE", "REASON", "DETAIL"])
                for q in imported.quarantined { t.add([q.path, q.reason.rawValue, q.detail]) }
                print(t.render())
            }
            if !checks.isEmpty {
                print("\nPages that failed normalization:")
                var t = TextTable(["FILE", "RULE", "DETAIL"])
                for c in checks { t.add([c.path, c.rule.rawValue, c.detail]) }
                print(t.render())
            }
            if !held.isEmpty {
                print("\nRecords held back:")
                var t = TextTable(["档号", "WHY"])
                for (code, why) in held.sorted(by: { $0.key < $1.key }) { t.add([code, why]) }
                print(t.render())
            }
            if !report.binding.catalogErrors.isEmpty {
                print("\nCatalog rows rejected (\(report.binding.catalogErrors.count)):")
                var t = TextTable(["LINE", "REASON"])
                for e in report.binding.catalogErrors { t.add(["\(e.line)", e.reason]) }
                print(t.render())
            }
            if !report.binding.unmatchedImages.isEmpty {
                print("\nImages with no catalog record (\(report.binding.unmatchedImages.count)):")
                for path in report.binding.unmatchedImages { print("  \(path)") }
            }
            print(
                "\n\(summary.packaged.count) of \(outcome.catalogued) catalog records packaged in \(summary.bags)"
                    + (clean ? "." : " (exit code 1).")
                    + String(
                        format: " %.1f s; %d packaged as soon as their pages were through.", report.seconds,
                        report.streamedRecords))
        }
        if !clean { throw ExitStatus(code: Exit.itemsFailed) }
    }
}

/// This process's peak resident set so far, in MB.
/// This process's peak resident memory in MB: `VmHWM`, the high-water mark of its own address space. (`getrusage`'s
/// `ru_maxrss` also carries the parent's size at the time of the `posix_spawn` that started this process.)
func peakRSSMegabytes() -> Double {
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kB = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    {
        return kB / 1024
    }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}
