import QuireCore
import ArgumentParser
import Audit
import BlockingWork
import Foundation
import QuireCore
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
    @Flag(name: .customLong("bagit-only"),
          help: "Every RFC 8493 rule and every digest, as bagit.py --validate checks, but no archival rule (for periodic fixity audits; does not mark records verified).")
    var bagitOnly = false
    @Option(help: ArgumentHelp("Check a random sample of this percentage of the bags.", valueName: "percent")) var sample: Double?
    @Option(help: "Seed for the sample (the same seed draws the same bags).") var seed: UInt64 = 1
    @OptionGroup var pipelineOptions: PipelineOptions
    @Option(help: "Parallel hashing workers (0 = one per core).") var workers = 0
    @Option(name: .customLong("memory-budget"),
            help: ArgumentHelp("File content held in memory at once, shared by all bags: MiB, or with K, M, G (512M, 2G). Default: $QUIRE_MEMORY_BUDGET, else 512 MiB. A master larger than this is hashed as a stream and decode-checked one strip at a time.", valueName: "size"))
    var memoryBudget: String?
    @Flag(help: "Print the report as JSON.") var json = false
    @Option(help: ArgumentHelp("Also record the outcome in this workspace's ledger: bags that pass a full verify keep their records 'verified' (they count toward quotas); bags that fail at any depth move their records to 'invalid'.", valueName: "dir"))
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
        var sample: Sample?
        var bags: [Auditor.Result]
    }

    struct Sample: Encodable {
        var percent: Double
        var seed: UInt64
        var population: Int
        var drawn: [String]
        var passPercent: Double
        var passedPercent: Double
        var accepted: Bool

        enum CodingKeys: String, CodingKey {
            case percent, seed, population, drawn, accepted
            case passPercent = "pass_percent"
            case passedPercent = "passed_percent"
        }
    }

    /// Writes each bag's outcome to the ledger of the workspace it came from.
    private func store(_ results: [Auditor.Result], in workspace: String) throws {
        var options = WorkspaceOptions()
        options.workspace = workspace
        let ledger = try options.openLedger(create: false)
        let lock = try options.lock()
        defer { withExtendedLifetime(lock) {} }
        // A failure is recorded whatever the depth; only a full pass (archival rules included) makes a record verified.
        for r in results where r.mode == "full" || !r.valid {
            let absolute = r.bag.hasPrefix("/") ? r.bag : FileManager.default.currentDirectoryPath + "/" + r.bag
            let path = (absolute as NSString).standardizingPath
            do {
                guard let owner = try ledger.recordForBag(path) else { continue }
                let failed = r.problems.filter { $0.severity == "error" }.map(\.rule)
                try ledger.markRecord(batch: owner.batch, code: owner.code, state: r.valid ? .verified : .invalid, bag: nil,
                                      detail: r.valid ? "quire verify" : "quire verify failed: \(Set(failed).sorted().joined(separator: ", "))",
                                      tool: "quire \(Quire.version)")
            } catch { throw CommandFailure.couldNotRun(error.description) }
        }
    }

    func run() async throws {
        let (policy, _) = try pipelineOptions.load()
        var bags: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CommandFailure.couldNotRun("\(path): no such folder")
            }
            // Whether a folder holds bagit.txt or data/ is asked of the entry itself (lstat): a link there is
            // never followed here, and the verifier reports where it leads.
            if Self.hasEntry(path + "/bagit.txt") || Self.hasEntry(path + "/data") {
                bags.append(path)
            } else {
                let children = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                bags += children.filter { !$0.hasPrefix(".") }.sorted().map { path + "/" + $0 }
                    .filter { Self.hasEntry($0 + "/bagit.txt") }
            }
        }
        guard !bags.isEmpty else { throw CommandFailure.couldNotRun("no bag (a folder with bagit.txt) under \(paths.joined(separator: ", "))") }

        var sampleInfo: Sample?
        var chosen = bags
        if let sample {
            let count = max(1, Int((Double(bags.count) * sample / 100).rounded(.up)))
            var rng = SplitMix(seed: seed)
            chosen = Array(bags.shuffled(using: &rng).prefix(count)).sorted()
            sampleInfo = Sample(percent: sample, seed: seed, population: bags.count, drawn: chosen,
                                passPercent: policy.acceptance.passPercent, passedPercent: 0, accepted: false)
        }
        let auditor = Auditor(policy: policy, workers: WorkerCount.resolve(workers),
                              memoryBudget: try budget())
        let results = await auditor.audit(bags: chosen, depth: fast ? .fast : bagitOnly ? .bagit : .full)
        let valid = results.filter(\.valid).count
        if let record { try store(results, in: record) }
        if var s = sampleInfo {
            s.passedPercent = 100 * Double(valid) / Double(results.count)
            s.accepted = s.passedPercent >= s.passPercent
            sampleInfo = s
        }
        let output = Output(checked: results.count, valid: valid, invalid: results.count - valid, sample: sampleInfo, bags: results)
        if json {
            try printJSON(output)
        } else {
            for r in results {
                print("\(r.valid ? "PASS" : "FAIL")  \(r.bag)  (\(r.mode); \(r.payloadFiles) payload files, \(r.errorCount) errors, \(r.problems.count - r.errorCount) warnings)")
                let properties = FourProperty.allCases.map { property in
                    let outcome = r.fourProperties[property]
                    return "\(property.chineseName) \(property.rawValue) " + (outcome.passed ? "pass" : "FAIL (\(outcome.errors.joined(separator: ", ")))")
                }
                print("      DA/T 70 四性: " + properties.joined(separator: " · ") + (r.mode == "full" ? "" : " — \(r.mode) check only"))
                if !r.problems.isEmpty {
                    var table = TextTable(["SEVERITY", "RULE", "FILE", "PROBLEM"])
                    for p in r.problems { table.add([p.severity, p.rule, p.file ?? "", p.message]) }
                    print(table.render(indent: "      "))
                }
            }
            print("\n\(results.count) \(results.count == 1 ? "bag" : "bags") checked: \(valid) pass, \(results.count - valid) fail.")
            print("(四性 security here covers paths and links that leave the bag; no virus scan or process audit.)")
            if let s = sampleInfo {
                print(String(format: "Acceptance sample: %.0f%% of %d bags, seed %llu: %@", s.percent, s.population, s.seed,
                             s.drawn.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")))
                print(String(format: "%.1f%% of the sample passed (needs %.0f%%): batch %@.", s.passedPercent, s.passPercent,
                             s.accepted ? "ACCEPTED" : "REJECTED, back for rework"))
            }
        }
        if valid < results.count || sampleInfo?.accepted == false { throw ExitStatus(code: Exit.itemsFailed) }
    }

    /// Whether something (of any kind, a link included, not followed) is at `path`.
    static func hasEntry(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }
}
