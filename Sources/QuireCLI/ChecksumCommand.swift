import ArgumentParser
import ChecksumStage
import Foundation
import Ledger
import TextTable

/// `quire checksum`: the checksum stage — digests of every file, recorded in the ledger.
struct ChecksumCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checksum",
        abstract: "Record the digests of every file of a batch (the pipeline's fixity.algorithms, one read per file).",
        discussion: """
            Digests each accepted page that has no fixity record yet, with every algorithm the pipeline \
            names (SHA-256 and SHA-512 by default; MD5 and SM3 on demand), in parallel, and records them \
            in the ledger. A page whose SHA-256 no longer equals the one taken at import is reported.

            Examples:
              quire checksum
              quire checksum --batch day-07 --pipeline pipelines/receiver-sm3.yaml --json
            """
    )

    @OptionGroup var pipelineOptions: PipelineOptions
    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Option(help: "Batch to digest (default: every batch in the workspace).") var batch: String?
    @Option(help: "Parallel workers (0 = one per core).") var workers = 0
    @Flag(help: "Print the report as JSON.") var json = false
    @Flag(help: "No progress output.") var quiet = false

    func run() async throws {
        let (policy, _) = try pipelineOptions.load()
        let ledger = try workspaceOptions.openLedger(create: false)
        let lock = try workspaceOptions.lock()
        defer { withExtendedLifetime(lock) {} }
        let stage = ChecksumStage(
            ledger: ledger, policy: policy, workspace: workspaceOptions.absolutePath, workers: workers,
            tool: "quire \(Quire.version)")
        let batches = try batch.map { [$0] } ?? ledger.batches().map(\.id)
        var reports: [ChecksumStage.RecordReport] = []
        for id in batches {
            let progress = ProgressLine(label: "checksum \(id)", enabled: !quiet)
            reports.append(try await stage.record(batch: id) { progress.update(done: $0, total: $1) })
            progress.finish()
        }
        if json {
            try printJSON(reports)
        } else {
            var table = TextTable(["BATCH", "ALGORITHMS", "DIGESTED", "ALREADY", "MB", "MB/S", "FAILED"])
            for r in reports {
                table.add([
                    r.batch, r.algorithms.joined(separator: "+"), "\(r.recorded)", "\(r.alreadyRecorded)",
                    String(format: "%.1f", Double(r.bytes) / 1e6),
                    String(format: "%.0f", r.seconds > 0 ? Double(r.bytes) / 1e6 / r.seconds : 0), "\(r.failures.count)",
                ])
            }
            print(table.render(indent: ""))
            for r in reports where !r.failures.isEmpty {
                print("\nFailed in \(r.batch):")
                var failures = TextTable(["FILE", "REASON"])
                for f in r.failures { failures.add([f.path, f.reason]) }
                print(failures.render())
            }
        }
        if reports.contains(where: { !$0.failures.isEmpty }) { throw ExitStatus(code: Exit.itemsFailed) }
    }
}

/// `quire fixity`: the periodic fixity audit of recorded files.
struct FixityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixity",
        abstract: "Audit recorded files against their digests.",
        subcommands: [FixityCheck.self]
    )
}

/// `quire fixity check`.
struct FixityCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Re-hash recorded files and report any drift (changed bytes) or missing file.",
        discussion: """
            Examples:
              quire fixity check --all
              quire fixity check samples/delivery/0026-003-0045/0001.tif --json
            """
    )

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Argument(help: ArgumentHelp("Files to check (as recorded, or absolute paths).", valueName: "path")) var paths: [String] = []
    @Flag(help: "Check every recorded file.") var all = false
    @Option(help: "Only this batch.") var batch: String?
    @Option(help: "Parallel workers (0 = one per core).") var workers = 0
    @Flag(help: "Print the report as JSON.") var json = false
    @Flag(help: "No progress output.") var quiet = false

    func validate() throws {
        guard all || !paths.isEmpty || batch != nil else { throw ValidationError("name files to check, or --batch, or --all") }
    }

    func run() async throws {
        let ledger = try workspaceOptions.openLedger(create: false)
        let stage = ChecksumStage(
            ledger: ledger, policy: .init(), workspace: workspaceOptions.absolutePath, workers: workers,
            tool: "quire \(Quire.version)")
        let progress = ProgressLine(label: "fixity check", enabled: !quiet)
        let absolute = paths.map { $0.hasPrefix("/") ? $0 : FileManager.default.currentDirectoryPath + "/" + $0 }
        let report = try await stage.check(batch: batch, paths: all ? nil : paths + absolute) {
            progress.update(done: $0, total: $1)
        }
        progress.finish()
        if json {
            try printJSON(report)
        } else {
            print(
                String(
                    format: "Checked %d files (%.1f MB in %.2f s): %d ok, %d drift, %d missing",
                    report.checked, Double(report.bytes) / 1e6, report.seconds, report.ok, report.drift, report.missing))
            if !report.problems.isEmpty {
                var table = TextTable(["BATCH", "FILE", "STATUS", "DETAIL"])
                for p in report.problems { table.add([p.batch, p.path, p.status.rawValue, p.detail ?? ""]) }
                print("\n" + table.render())
            }
        }
        if !paths.isEmpty && report.checked == 0 {
            printError("quire: error: none of the named files has a fixity record; run 'quire checksum' first")
            throw ExitStatus(code: Exit.itemsFailed)
        }
        if !report.isClean { throw ExitStatus(code: Exit.itemsFailed) }
    }
}
