import QuireCore
import Acceptance
import ArgumentParser
import Audit
import BlockingWork
import Foundation
import Ledger
import TextTable

/// `quire verify`: the auditor's check of delivered bags, with no ledger.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify BagIt bags: every RFC 8493 rule, then the archival rules recorded in the bag.",
        discussion: """
            PATH is a bag or a folder of bags. Every problem is reported, not only the first, each with a \
            stable rule id (bagit.*, manifest.*, payload.*, tagmanifest.*, taginfo.*, fetch.*, archival.*). \
            --fast checks Payload-Oxum and the file list only; --bagit-only checks every BagIt rule and \
            every digest but no archival rule (the periodic fixity audit). --sample draws DA/T 31 acceptance samples: \
            PERCENT of the bags (default: the pipeline's acceptance.sample_percent, 5), chosen by --seed so \
            another person can review the same ones; the batch passes when at least acceptance.pass_percent \
            (95) of them pass.

            Nothing outside a bag is opened: every file is opened beneath the bag folder (openat2 RESOLVE_BENEATH), \
            and a file or folder that a link takes out of the bag fails the bag (payload.symlink, 安全性) unread. \
            File contents held in memory stay within --memory-budget (QUIRE_MEMORY_BUDGET, default 512 MiB); a \
            larger master is hashed as a stream and decode-checked one strip at a time.

            Exit codes: 0 every checked bag passes (warnings alone do not fail) and any sample is accepted; \
            1 a bag is invalid or the sample is rejected; 3 could not run (no such path, no bag found).

            Examples:
              quire verify quire-workspace/bags
              quire verify /mnt/transfer --sample 5 --seed 20261125 --json
            """
    )

    @Argument(help: ArgumentHelp("Bags, or folders holding bags.", valueName: "path")) var paths: [String]
    @Flag(help: "Payload-Oxum and the file list only (no hashing, no archival checks).") var fast = false
    @Flag(
        name: .customLong("bagit-only"),
        help:
            "Every RFC 8493 rule and every digest, as bagit.py --validate checks, but no archival rule (for periodic fixity audits; does not mark records verified)."
    )
    var bagitOnly = false
    @Option(help: ArgumentHelp("Check a random sample of this percentage of the bags.", valueName: "percent")) var sample: Double?
    @Option(help: "Seed for the sample (the same seed draws the same bags).") var seed: UInt64 = 1
    @OptionGroup var pipelineOptions: PipelineOptions
    @Option(help: "Parallel hashing workers (0 = one per core).") var workers = 0
    @Option(
        name: .customLong("memory-budget"),
        help: ArgumentHelp(
            "File content held in memory at once, shared by all bags: MiB, or with K, M, G (512M, 2G). Default: $QUIRE_MEMORY_BUDGET, else 512 MiB. A master larger than this is hashed as a stream and decode-checked one strip at a time.",
            valueName: "size"))
    var memoryBudget: String?
    @Flag(help: "Print the report as JSON.") var json = false
    @Option(
        help: ArgumentHelp(
            "Also record the outcome in this workspace's ledger: bags that pass a full verify keep their records 'verified' (they count toward quotas); bags that fail at any depth move their records to 'invalid'.",
            valueName: "dir"))
    var record: String?

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("name at least one bag or folder") }
        guard !(fast && bagitOnly) else { throw ValidationError("--fast and --bagit-only are different depths: give one") }
        if let sample { guard sample > 0 && sample <= 100 else { throw ValidationError("--sample must be in (0, 100]") } }
        _ = try budget()
    }

    /// The memory budget: `--memory-budget`, else `QUIRE_MEMORY_BUDGET`, else the default.
    func budget() throws -> MemoryBudget {
        do {
            if let memoryBudget { return try MemoryBudget(parsing: memoryBudget) }
            return try MemoryBudget.fromEnvironment()
        } catch {
            throw ValidationError(memoryBudget == nil ? error.description : "--memory-budget: \(error.description)")
        }
    }

    struct Output: Encodable {
        var checked: Int
        var valid: Int
        var invalid: Int
        var sample: AcceptanceSample?
        var bags: [Auditor.Result]
    }

    func run() async throws {
        let (policy, _) = try pipelineOptions.load()
        let bags = try BagFolders.bags(under: paths)
        var sampleInfo = sample.map {
            AcceptanceSample(bags: bags, percent: $0, seed: seed, passPercent: policy.acceptance.passPercent)
        }
        let chosen = sampleInfo?.drawn ?? bags
        let auditor = Auditor(
            policy: policy, workers: WorkerCount.resolve(workers),
            memoryBudget: try budget())
        let results = await auditor.audit(bags: chosen, depth: fast ? .fast : bagitOnly ? .bagit : .full)
        let valid = results.filter(\.valid).count
        if let record { try VerificationRecord.store(results, in: Workspace(path: record), tool: "quire \(Quire.version)") }
        sampleInfo?.judge(passed: valid, checked: results.count)
        let output = Output(
            checked: results.count, valid: valid, invalid: results.count - valid, sample: sampleInfo, bags: results)
        if json {
            try printJSON(output)
        } else {
            for r in results {
                print(
                    "\(r.valid ? "PASS" : "FAIL")  \(r.bag)  (\(r.mode.rawValue); \(r.payloadFiles) payload files, \(r.errorCount) errors, \(r.problems.count - r.errorCount) warnings)"
                )
                let properties = FourProperty.allCases.map { property in
                    let outcome = r.fourProperties[property]
                    return "\(property.chineseName) \(property.rawValue) "
                        + (outcome.passed ? "pass" : "FAIL (\(outcome.errors.map(\.rawValue).joined(separator: ", ")))")
                }
                print(
                    "      DA/T 70 四性: " + properties.joined(separator: " · ")
                        + (r.mode == .full ? "" : " — \(r.mode.rawValue) check only"))
                if !r.problems.isEmpty {
                    var table = TextTable(["SEVERITY", "RULE", "FILE", "PROBLEM"])
                    for p in r.problems { table.add([p.severity.rawValue, p.rule.rawValue, p.file ?? "", p.message]) }
                    print(table.render(indent: "      "))
                }
            }
            print(
                "\n\(results.count) \(results.count == 1 ? "bag" : "bags") checked: \(valid) pass, \(results.count - valid) fail."
            )
            print("(四性 security here covers paths and links that leave the bag; no virus scan or process audit.)")
            if let s = sampleInfo {
                print(
                    String(
                        format: "Acceptance sample: %.0f%% of %d bags, seed %llu: %@", s.percent, s.population, s.seed,
                        s.drawn.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")))
                print(
                    String(
                        format: "%.1f%% of the sample passed (needs %.0f%%): batch %@.", s.passedPercent, s.passPercent,
                        s.accepted ? "ACCEPTED" : "REJECTED, back for rework"))
            }
        }
        if valid < results.count || sampleInfo?.accepted == false { throw ExitStatus(code: Exit.itemsFailed) }
    }
}
