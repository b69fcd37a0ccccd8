import ArgumentParser
import BindStage
import Catalog
import ChecksumStage
import Foundation
import Importer
import Ledger
import NormalizeStage
import PackageStage

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
    @Option(help: ArgumentHelp("Process metadata YAML (vendor, scanner, software, operator, scan_date).", valueName: "file")) var process: String?
    @OptionGroup var pipelineOptions: PipelineOptions
    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Option(help: "Batch name (default: the delivery folder's name).") var batch: String?
    @Option(help: "Holdings register id the batch counts toward.") var archive: String?
    @Option(help: ArgumentHelp("Where the bags go (default: <workspace>/bags).", valueName: "dir")) var out: String?
    @Option(help: "Workers per stage (0 = one per core).") var workers = 0
    @Flag(help: "Print the summary as JSON.") var json = false
    @Flag(help: "No progress output.") var quiet = false

    func validate() throws {
        if let encoding, CatalogEncoding(rawValue: encoding) == nil { throw ValidationError("--encoding must be utf-8 or gb18030") }
        guard workers >= 0 else { throw ValidationError("--workers must be 0 or more") }
    }

    struct StageSummary: Encodable {
        var stage: String
        var done: Int
        var failed: Int
        var seconds: Double
    }

    struct Summary: Encodable {
        var batch: String
        var stages: [StageSummary]
        var quarantined: [ImportReport.Quarantined]
        var failedPages: [PageCheck]
        var held: [String: String]
        var packaged: [String]
        var bags: String
        var exitCode: Int32

        enum CodingKeys: String, CodingKey {
            case batch, stages, quarantined, held, packaged, bags
            case failedPages = "failed_pages"
            case exitCode = "exit_code"
        }
    }

    func run() async throws {
        let (policy, _) = try pipelineOptions.load()
        let ledger = try workspaceOptions.openLedger(create: true)
        let lock = try workspaceOptions.lock()
        defer { withExtendedLifetime(lock) {} }
        let workspace = workspaceOptions.absolutePath
        let tool = "quire \(Quire.version)"
        var stages: [StageSummary] = []

        func progress(_ label: String) -> ProgressLine { ProgressLine(label: label, enabled: !quiet) }
        func fail(_ error: any Error) -> CommandFailure { CommandFailure.couldNotRun("\(error)") }

        // 1. Import.
        let importLine = progress("import")
        let imported: ImportReport
        do {
            imported = try await Importer(ledger: ledger, policy: policy, workers: workers, tool: tool)
                .run(delivery: delivery, batch: batch, archive: archive) { importLine.update(done: $0.done, total: $0.total) }
        } catch {
            importLine.finish()
            if case .policy = error { throw CommandFailure.usage(error.description) }
            throw CommandFailure.couldNotRun(error.description)
        }
        importLine.finish()
        stages.append(StageSummary(stage: "import", done: imported.registeredThisRun, failed: imported.quarantined.count, seconds: imported.seconds))
        let batchID = imported.batch

        // 2. Normalize.
        let tags = try scannerTags(processFile: process)
        let normalizeLine = progress("normalize")
        let normalized: NormalizeStage.Report
        do {
            normalized = try await NormalizeStage(ledger: ledger, policy: policy, workspace: workspace, workers: workers,
                                                  version: Quire.version, tags: tags).run(batch: batchID) { normalizeLine.update(done: $0, total: $1) }
        } catch { normalizeLine.finish(); throw fail(error) }
        normalizeLine.finish()
        stages.append(StageSummary(stage: "normalize", done: normalized.normalized, failed: normalized.failed, seconds: normalized.seconds))

        // 3. Checksum of the sources.
        let checksumLine = progress("checksum")
        let digested: ChecksumStage.RecordReport
        do {
            digested = try await ChecksumStage(ledger: ledger, policy: policy, workspace: workspace, workers: workers, tool: tool)
                .record(batch: batchID) { checksumLine.update(done: $0, total: $1) }
        } catch { checksumLine.finish(); throw fail(error) }
        checksumLine.finish()
        stages.append(StageSummary(stage: "checksum", done: digested.recorded, failed: digested.failures.count, seconds: digested.seconds))

        // 4. Bind (pages that failed normalization make their record fail its page count).
        let bindStarted = Date()
        let bound: BindStage.Report
        do {
            bound = try BindStage(ledger: ledger, policy: policy, workspace: workspace, version: Quire.version)
                .run(batch: batchID, catalog: catalog, encoding: encoding.flatMap(CatalogEncoding.init(rawValue:)), processFile: process)
        } catch { throw fail(error) }
        stages.append(StageSummary(stage: "bind", done: bound.binding.bound.count, failed: bound.binding.held.count,
                                   seconds: Date().timeIntervalSince(bindStarted)))

        // 5. Package.
        let packaged: PackageStage.Report
        do {
            packaged = try await PackageStage(ledger: ledger, policy: policy, workspace: workspace, version: Quire.version, workers: workers)
                .run(batch: batchID, out: out)
        } catch { throw fail(error) }
        stages.append(StageSummary(stage: "package", done: packaged.bags.filter { $0.status != "failed" }.count, failed: packaged.failed,
                                   seconds: packaged.seconds))

        let records: [RecordRow]
        let checks: [PageCheck]
        do {
            records = try ledger.records(batch: batchID)
            checks = try ledger.pageChecks(batch: batchID).filter { $0.severity == "error" }
        } catch { throw fail(error) }
        var held: [String: String] = [:]
        for r in records where r.state != "packaged" && r.state != "verified" {
            held[r.code] = r.state == "held" ? PackageStage.describe(r.problemsJSON) : r.state
        }
        for b in packaged.bags where b.status == "failed" { for code in b.records { held[code] = b.detail ?? "bag failed" } }
        let clean = imported.quarantined.isEmpty && checks.isEmpty && held.isEmpty && bound.binding.unmatchedImages.isEmpty
            && bound.binding.catalogErrors.isEmpty
        let summary = Summary(batch: batchID, stages: stages, quarantined: imported.quarantined, failedPages: checks, held: held,
                              packaged: records.filter { $0.state == "packaged" || $0.state == "verified" }.map(\.code),
                              bags: out ?? workspace + "/bags", exitCode: clean ? Exit.success : Exit.itemsFailed)
        if json {
            try printJSON(summary)
        } else {
            print("Batch \(batchID) — workspace \(workspaceOptions.path)\n")
            var table = TextTable(["STAGE", "DONE THIS RUN", "FAILED", "SECONDS"])
            for s in stages { table.add([s.stage, "\(s.done)", "\(s.failed)", String(format: "%.2f", s.seconds)]) }
            print(table.render(indent: ""))
            if !imported.quarantined.isEmpty {
                print("\nQuarantined files:")
                var t = TextTable(["FILE", "REASON", "DETAIL"])
                for q in imported.quarantined { t.add([q.path, q.reason, q.detail]) }
                print(t.render())
            }
            if !checks.isEmpty {
                print("\nPages that failed normalization:")
                var t = TextTable(["FILE", "RULE", "DETAIL"])
                for c in checks { t.add([c.path, c.rule, c.detail]) }
                print(t.render())
            }
            if !held.isEmpty {
                print("\nRecords held back:")
                var t = TextTable(["档号", "WHY"])
                for (code, why) in held.sorted(by: { $0.key < $1.key }) { t.add([code, why]) }
                print(t.render())
            }
            print("\n\(summary.packaged.count) of \(records.count) records packaged in \(summary.bags)" + (clean ? "." : " (exit code 1)."))
        }
        if !clean { throw ExitStatus(code: Exit.itemsFailed) }
    }
}
