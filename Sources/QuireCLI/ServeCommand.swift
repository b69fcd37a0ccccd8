import ArgumentParser
import Foundation
import Hummingbird
import Ledger
import LedgerReports
import Policy
import Quota
import QuireCore
import WebDashboard

/// `quire serve`: the archive's live dashboard, JSON API and metrics over a ledger.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the live dashboard, JSON API (/api/…) and Prometheus metrics (/metrics) over a ledger.",
        discussion: """
            Reads the ledger of --workspace (or the --ledger / $QUIRE_LEDGER one, SQLite or PostgreSQL) while runs \
            write to it, and the holdings register for the quota figures. Pages: / (quotas, batches with live \
            progress, workers), /batches/NAME (stages, quarantined files, held records). API: /api/status and \
            /api/quota (the shapes of `quire status --json` and `quire quota --json`), /api/overview, \
            /api/batches/NAME, /api/openapi.json. Live updates: /events (server-sent events).

            Listens on 127.0.0.1:8080 unless --listen says otherwise; any address other than loopback needs \
            --users FILE, lines of NAME:ROLE:BCRYPT-HASH with ROLE viewer or auditor (make a hash with \
            `htpasswd -nbB NAME PASSWORD`). Stop it with Ctrl-C or SIGTERM.

            Examples:
              quire serve --workspace quire-workspace --register samples/register.csv
              quire serve --ledger postgres://quire@db/quire --register holdings.csv --listen 0.0.0.0:8080 --users users.txt
            """
    )

    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Option(help: ArgumentHelp("The holdings register CSV the quota figures count against.", valueName: "csv"))
    var register: String
    @Option(
        help: ArgumentHelp(
            "Quota rules YAML (default: the pipeline's 'quota:' section, else the built-in policy values).", valueName: "file"))
    var rules: String?
    @OptionGroup var pipelineOptions: PipelineOptions
    @Option(
        help: ArgumentHelp(
            "Address to listen on, HOST:PORT (default 127.0.0.1:8080; port 0 picks a free one).", valueName: "host:port"))
    var listen: String = ListenAddress.standard.description
    @Option(
        help: ArgumentHelp("Accounts file (NAME:ROLE:BCRYPT-HASH lines); needed to listen beyond loopback.", valueName: "file"))
    var users: String?

    func run() async throws {
        let address = try ListenAddress(parsing: listen)
        let accounts = try users.map { path throws(QuireError) in try DashboardUsers(contentsOf: path) }
        try Dashboard.checkExposure(users: accounts, address: address)
        let pipeline = try pipelineOptions.load()
        let policy = pipeline.0
        let (quotaRules, _) = try QuotaCommand.RulesSource(rules: rules, pipelineOptions: pipelineOptions).load(
            pipeline: pipeline)
        let holdings = try HoldingsRegister.read(contentsOf: URL(fileURLWithPath: register))
        guard workspaceOptions.hasLedger else {
            throw QuireError(
                .couldNotRun, stage: .serve, file: workspaceOptions.ledgerDescription,
                message: "no ledger to serve: nothing has run in this workspace",
                fix: "run `quire run` first, or point --workspace or --ledger at an existing ledger")
        }
        let source = DashboardSource(
            workspace: workspaceOptions.path, ledgerDescription: workspaceOptions.ledgerDescription,
            ledger: try workspaceOptions.openLedgerForReading(), register: holdings, registerPath: register, rules: quotaRules,
            samplePercent: policy.acceptance.samplePercent, passPercent: policy.acceptance.passPercent,
            pageDigits: policy.intake.pageDigits
        ) { [workspaceOptions] () throws(QuireError) in try workspaceOptions.openLedger(create: false) }
        let app = try Dashboard.application(source: source, users: accounts, address: address) { port in
            let shown = ListenAddress(host: address.host, port: port)
            let who = accounts == nil ? "no accounts: this machine only" : "accounts from \(users ?? "")"
            FileHandle.standardOutput.write(Data("Quire dashboard on http://\(shown)/ (\(who); Ctrl-C stops)\n".utf8))
        }
        do { try await app.runService() } catch {
            throw QuireError(
                .couldNotRun, stage: .serve, message: "cannot serve on \(address): \(error)", fix: "choose another --listen port")
        }
    }
}
