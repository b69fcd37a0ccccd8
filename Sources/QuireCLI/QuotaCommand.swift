import QuotaSettings
import QuireCore
import ArgumentParser
import Foundation
import Ledger
import LedgerReports
import Policy
import Quota

/// `quire quota`: progress of every archive against the digitization targets, from verified packages.
struct QuotaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quota",
        abstract: "Progress of every archive against the 70% / 50% digitization targets, counted from verified bags.",
        discussion: """
            Counts a 卷 (volume-style 档号) or 件 (item-style 档号) as digitized only when its bag was packaged \
            and verified in the ledger, plus the register's prior counts, and reports per archive and in total: \
            baseline, digitized, percentage, target, gap, status (met / on track / behind), the rate over the \
            last four weeks and the date the target will be met at that rate ("never" without progress), the \
            unit digital-room rates, pages and GB. Batches count toward the archive given with --archive at \
            import or run time (or the pipeline's 'archive').

            The register is a CSV (UTF-8 or GB18030) with the columns \
            id,name,level,baseline_volumes,baseline_items,baseline_pages,prior_volumes,prior_items,has_digital_room \
            (optional: parent, prior_pages, prior_gb, current_volumes, current_items, livelihood_volumes, \
            livelihood_items).

            Quota rules (targets and deadlines): --rules FILE (YAML, keys as in pipelines/quota-rules.yaml) if \
            given, else the 'quota:' section of the pipeline (--pipeline, default pipelines/dat31.yaml when \
            present), else the built-in policy values (city 70% and county 50% by 2018-12-31).

            Examples:
              quire quota --register samples/register.csv
              quire quota --register holdings.csv --as-of 2026-06-30 --json
              quire quota --register holdings.csv --html quota.html
              quire quota --register holdings.csv --pipeline pipelines/city.yaml
            """
    )

    @Option(help: ArgumentHelp("The holdings register CSV.", valueName: "csv")) var register: String
    @Option(
        help: ArgumentHelp(
            "Report as of this day (YYYY-MM-DD; default today, China time). Later verifications are ignored.", valueName: "date"))
    var asOf: String?
    @Option(
        help: ArgumentHelp(
            "Quota rules YAML (default: the pipeline's 'quota:' section, else the built-in policy values).", valueName: "file"))
    var rules: String?
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Print CSV.") var csv = false
    @Option(help: ArgumentHelp("Write a self-contained HTML report to this file.", valueName: "file")) var html: String?
    @OptionGroup var pipelineOptions: PipelineOptions
    @OptionGroup var workspaceOptions: WorkspaceOptions

    func validate() throws {
        if let asOf, QuotaDay(asOf) == nil { throw ValidationError("--as-of must be a date as YYYY-MM-DD, not '\(asOf)'") }
        if json && csv { throw ValidationError("choose one of --json and --csv") }
    }

    /// The rules and where they came from: `--rules`, else the pipeline's `quota:` section, else the defaults.
    struct RulesSource {
        var rules: String?
        var pipelineOptions: PipelineOptions

        /// The rules and their source; `loaded` is the pipeline when the caller has read it already.
        func load(pipeline loaded: (PipelinePolicy, String)? = nil) throws -> (QuotaRules, String) {
            if let rules { return (try PipelinePolicy.loadQuotaRules(path: rules), rules) }
            let (policy, pipelinePath) = try loaded ?? pipelineOptions.load()
            if let quota = policy.quota { return (quota, "the 'quota:' section of \(pipelinePath)") }
            return (.default, "the built-in policy values")
        }
    }

    func run() throws {
        let (quotaRules, rulesSource) = try RulesSource(rules: rules, pipelineOptions: pipelineOptions).load()
        let holdings = try HoldingsRegister.read(contentsOf: URL(fileURLWithPath: register))
        let day = asOf.flatMap(QuotaDay.init) ?? QuotaDay(Date(), timeZone: QuotaReport.chinaTimeZone)
        let ledger = workspaceOptions.hasLedger ? try workspaceOptions.openLedgerForReading() : nil
        let report = try LedgerQuota.report(ledger: ledger, register: holdings, rules: quotaRules, asOf: day)
        if let html {
            do { try report.htmlData().write(to: URL(fileURLWithPath: html), options: .atomic) } catch {
                throw QuireError(.couldNotRun, stage: .quota, message: "cannot write \(html): \(error.localizedDescription)")
            }
        }
        if json {
            print(report.jsonString())
        } else if csv {
            print(report.csvString(), terminator: "")
        } else {
            print(report.terminalTable())
            print("Quota rules: \(rulesSource)")
            if !holdings.errors.isEmpty {
                print("\nRegister rows skipped:")
                for e in holdings.errors { print("  line \(e.line): \(e.reason)") }
            }
            if let html { print("\nHTML report: \(html)") }
        }
        if !holdings.errors.isEmpty { throw ExitStatus(code: Exit.itemsFailed) }
    }
}
