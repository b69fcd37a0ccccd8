import ArgumentParser
import Foundation
import Ledger
import PackageStage
import TextTable

/// `quire package`: BagIt bags of the bound records.
struct PackageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "package",
        abstract: "Package every bound record as a BagIt bag (RFC 8493), verified before it is marked packaged.",
        discussion: """
            One bag per record by default (package.bag_per: batch for one per batch), named by the 档号, \
            holding data/masters, data/access, data/thumbs and data/metadata, with manifests and tag \
            manifests for the pipeline's package.manifests algorithms (sha256 and sha512 by default; md5 and \
            sm3 on demand). Digests come from the checksum records, not a second hashing pass. Each bag is \
            built under a temporary name, verified in full, then renamed; held records are skipped with \
            their reasons.

            Examples:
              quire package
              quire package --out /mnt/transfer --json
            """
    )

    @OptionGroup var pipelineOptions: PipelineOptions
    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Option(help: "Batch to package (default: the workspace's only batch).") var batch: String?
    @Option(help: ArgumentHelp("Where the bags go (default: <workspace>/bags).", valueName: "dir")) var out: String?
    @Option(help: "Parallel hashing workers for the verification (0 = one per core).") var workers = 0
    @Flag(help: "Print the report as JSON.") var json = false

    func run() async throws {
        let (policy, _) = try pipelineOptions.load()
        let ledger = try workspaceOptions.openLedger(create: false)
        let lock = try workspaceOptions.lock()
        defer { withExtendedLifetime(lock) {} }
        let batchID = try Workspace.resolveBatch(batch, in: ledger)
        let stage = PackageStage(
            ledger: ledger, policy: policy, workspace: workspaceOptions.absolutePath, version: Quire.version,
            workers: workers)
        let report = try await stage.run(batch: batchID, out: out)
        if json {
            try printJSON(report)
        } else {
            var table = TextTable(["BAG", "STATUS", "PAYLOAD-OXUM", "PATH / DETAIL"])
            for b in report.bags { table.add([b.name, b.status, b.payloadOxum ?? "", b.path ?? b.detail ?? ""]) }
            print(report.bags.isEmpty ? "No bound record to package." : table.render(indent: ""))
            if !report.skipped.isEmpty {
                print("\nNot packaged:")
                var skipped = TextTable(["档号", "WHY"])
                for (code, why) in report.skipped.sorted(by: { $0.key < $1.key }) { skipped.add([code, why]) }
                print(skipped.render())
            }
        }
        if report.failed > 0 { throw ExitStatus(code: Exit.itemsFailed) }
    }
}
