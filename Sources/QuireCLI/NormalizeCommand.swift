import ArgumentParser
import BindStage
import Foundation
import Ledger
import NormalizeStage
import QuireCore
import TextTable

/// The masters' Make, Model and DateTime tags from the process metadata file given with `--process`, or none without
/// one; a file that cannot be used is a usage error here (exit 2).
func scannerTags(processFile: String?) throws(QuireError) -> NormalizeStage.ScannerTags {
    guard let processFile else { return NormalizeStage.ScannerTags() }
    do { return NormalizeStage.ScannerTags(try ProcessFile.load(processFile)) } catch {
        var usage = error.quireError
        usage.kind = .usage
        throw usage
    }
}

/// `quire normalize`: preservation masters, access copies and thumbnails.
struct NormalizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "normalize",
        abstract: "Make each imported page's preservation master (TIFF), access JPEG and thumbnail, per the pipeline.",
        discussion: """
            Bitonal pages get CCITT G4 masters, gray and colour pages LZW or Deflate with the horizontal \
            predictor (pipeline: master.compression). Colour stays colour unless colour.reduce_plain_colour is \
            on and no red seal or letterhead is found. Border crop, deskew and blank-page detection run as \
            processing.* says, each recorded with its parameters. A page below resolution.minimum_dpi fails \
            with that reason; blank pages and residual skew are flagged, never dropped. Outputs go to \
            masters/, access/ and thumbs/ in the workspace, each written to a temporary name, fsynced and \
            renamed. Pages already normalized are skipped, so an interrupted run resumes.

            Examples:
              quire normalize
              quire normalize --batch day-07 --process samples/process.yaml --workers 2 --json
            """
    )

    @OptionGroup var pipelineOptions: PipelineOptions
    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Option(help: "Batch to normalize (default: the workspace's only batch).") var batch: String?
    @Option(
        help: ArgumentHelp(
            "Process metadata YAML: scanner make/model and scan date go into the masters' TIFF tags.", valueName: "file"))
    var process: String?
    @Option(help: "Parallel workers (0 = one per core).") var workers = 0
    @Flag(help: "Print the report as JSON.") var json = false
    @Flag(help: "No progress output.") var quiet = false

    func run() async throws {
        let (policy, _) = try pipelineOptions.load()
        let ledger = try workspaceOptions.openLedger(create: false)
        let lock = try workspaceOptions.lock()
        defer { withExtendedLifetime(lock) {} }
        let batchID = try Workspace.resolveBatch(batch, in: ledger)
        let tags = try scannerTags(processFile: process)
        let stage = NormalizeStage(
            ledger: ledger, policy: policy, workspace: workspaceOptions.absolutePath, workers: workers,
            version: Quire.version, tags: tags)
        let progress = ProgressLine(label: "normalize", enabled: !quiet)
        let report = try await stage.run(batch: batchID) { progress.update(done: $0, total: $1) }
        progress.finish()
        if json {
            try printJSON(report)
        } else {
            let rate = report.seconds > 0 ? Double(report.normalized + report.failed) / report.seconds : 0
            print(
                String(
                    format:
                        "Batch %@: %d normalized, %d failed, %d flagged, %d already done — %.1f MB in, %.1f MB out, %.2f s (%.1f pages/s)",
                    report.batch, report.normalized, report.failed, report.flagged, report.alreadyDone,
                    Double(report.bytesRead) / 1e6, Double(report.bytesWritten) / 1e6, report.seconds, rate))
            if !report.checks.isEmpty {
                var table = TextTable(["FILE", "RULE", "SEVERITY", "DETAIL"])
                for c in report.checks { table.add([c.path, c.rule.rawValue, c.severity.rawValue, c.detail]) }
                print("\n" + table.render())
            }
        }
        if report.failed > 0 { throw ExitStatus(code: Exit.itemsFailed) }
    }
}
