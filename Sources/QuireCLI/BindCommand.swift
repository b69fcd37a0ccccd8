import ArgumentParser
import BindStage
import Catalog
import Foundation
import Ledger
import TextTable

/// `quire bind`: metadata binding (数据挂接) of a batch to its catalog.
struct BindCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bind",
        abstract: "Join a batch's pages to the catalog (目录), check page counts and numbering, write record metadata.",
        discussion: """
            Reads the catalog CSV as Excel exports it (UTF-8 with or without BOM, or GB18030; detected unless \
            --encoding says), reports bad rows with their line numbers, binds each record to its pages by 档号 \
            and checks: image count equals 页数, no gaps or duplicate page numbers, no images without a \
            record, no record without images. Records that fail are held back from packaging with their \
            reasons. Each record with pages gets metadata/<档号>/record.xml and record.json in the workspace.

            Examples:
              quire bind --catalog samples/catalog.csv --process samples/process.yaml
              quire bind --catalog 目录.csv --encoding gb18030 --batch day-07 --json
            """
    )

    @Option(help: ArgumentHelp("The catalog CSV.", valueName: "csv")) var catalog: String
    @Option(help: "utf-8 or gb18030 (default: detected).") var encoding: String?
    @Option(help: ArgumentHelp("Process metadata YAML (vendor, scanner, software, operator, scan_date).", valueName: "file"))
    var process: String?
    @Option(help: "Batch to bind (default: the workspace's only batch).") var batch: String?
    @OptionGroup var pipelineOptions: PipelineOptions
    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Flag(help: "Print the report as JSON.") var json = false

    func validate() throws {
        if let encoding, CatalogEncoding(rawValue: encoding) == nil {
            throw ValidationError("--encoding must be utf-8 or gb18030, not '\(encoding)'")
        }
    }

    func run() throws {
        let (policy, _) = try pipelineOptions.load()
        let ledger = try workspaceOptions.openLedger(create: false)
        let lock = try workspaceOptions.lock()
        defer { withExtendedLifetime(lock) {} }
        let batchID = try Workspace.resolveBatch(batch, in: ledger)
        let stage = BindStage(ledger: ledger, policy: policy, workspace: workspaceOptions.absolutePath, version: Quire.version)
        let report = try stage.run(
            batch: batchID, catalog: catalog, encoding: encoding.flatMap(CatalogEncoding.init(rawValue:)),
            processFile: process)
        if json {
            try printJSON(report)
        } else {
            print("Batch    \(report.batch)")
            print("Catalog  \(report.catalog) (\(report.encoding), \(report.binding.records.count) records)")
            print("")
            var table = TextTable(["档号", "STATUS", "PROBLEMS"])
            for r in report.binding.records {
                table.add([
                    r.code.canonical, r.status.rawValue,
                    r.problems.map { "\($0.rule.rawValue): \($0.detail)" }.joined(separator: "; "),
                ])
            }
            print(table.render())
            if !report.binding.unmatchedImages.isEmpty {
                print("\nImages with no catalog record (\(report.binding.unmatchedImages.count)):")
                report.binding.unmatchedImages.forEach { print("  \($0)") }
            }
            if !report.binding.catalogErrors.isEmpty {
                print("\nCatalog rows rejected (\(report.binding.catalogErrors.count)):")
                var errors = TextTable(["LINE", "REASON"])
                for e in report.binding.catalogErrors { errors.add(["\(e.line)", e.reason]) }
                print(errors.render())
            }
            print(
                "\n\(report.binding.bound.count) bound, \(report.binding.held.count) held; \(report.metadataDocuments.count / 2) metadata documents in \(workspaceOptions.path)/metadata/"
            )
        }
        if !report.isClean { throw ExitStatus(code: Exit.itemsFailed) }
    }
}
