import ArgumentParser
import Dispatch
import Foundation
import DurableIO
import Ledger
import LedgerPostgres
import QuireCore
import Synchronization
import WorkerLoop

/// `quire worker`: one machine's share of every open batch on a shared ledger.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Work the pages of every open batch on a shared (PostgreSQL) ledger, beside other machines.",
        discussion: """
            A worker claims pages in small batches under a lease (--lease), keeps the lease alive with a \
            heartbeat, normalizes and digests each page into the shared workspace, and commits each result \
            with the claim's fencing token: a worker that was killed, paused or cut off finds its late \
            commit refused, and its pages are done once by whoever holds them. Once every page of a record \
            has settled, a worker claims the record the same way, binds it by the catalog and process file the \
            run recorded (refusing them if they changed since) and packages its bag into the run's bags folder. \
            Idle workers wake on PostgreSQL notifications when a run registers new pages. `quire run` finishes \
            its batch: what is left, the batch-level findings, its summary.

            Every machine must mount the same workspace and deliveries at the same paths, on storage with \
            atomic rename and working fsync (NFSv4, CephFS; not SMB without durable handles), and give the \
            same --pipeline and --process as the run: a worker whose settings differ from those the run \
            recorded on its batch gives back the pages it claimed and stops (exit 2). Stop it with Ctrl-C or \
            SIGTERM: it finishes the pages in hand and gives back the rest.

            Exit codes: 0 stopped cleanly; 2 usage or configuration error (other settings than a batch's \
            included); 3 could not run (the ledger \
            unreachable for longer than the reconnect window, the disk full).

            Examples:
              quire worker --ledger postgres://quire:secret@db.archive.lan/quire?sslmode=verify-full --workspace /mnt/quire
              QUIRE_LEDGER=postgres://quire@db/quire quire worker --workspace /mnt/quire --workers 4 --until-idle
            """
    )

    @OptionGroup var pipelineOptions: PipelineOptions
    @OptionGroup var workspaceOptions: WorkspaceOptions
    @Option(help: ArgumentHelp("Process metadata YAML, the same as the run's.", valueName: "file")) var process: String?
    @Option(help: "Work only this batch (default: every open batch).") var batch: String?
    @Option(help: "Pages normalized at once (0 = one per core).") var workers = 0
    @Option(help: "Pages claimed at a time (0 = twice --workers).") var claim = 0
    @Option(help: "Seconds a claim holds without a heartbeat (5 to 3600).") var lease = 30
    @Flag(help: "Stop when nothing is left to claim instead of waiting for new work.") var untilIdle = false
    @Flag(help: "Print what the worker did as JSON when it stops.") var json = false

    func validate() throws {
        guard workers >= 0 else { throw ValidationError("--workers must be 0 or more") }
        guard (0...10_000).contains(claim) else { throw ValidationError("--claim must be from 0 to 10000") }
        guard (5...3600).contains(lease) else { throw ValidationError("--lease must be from 5 to 3600 seconds") }
    }

    func run() async throws {
        let (policy, _) = try pipelineOptions.load()
        let tags = try scannerTags(processFile: process)
        let opened = try workspaceOptions.openLedger(create: false)
        guard let ledger = opened as? any Ledger & ClaimStore else {
            throw QuireError(.usage, stage: .ledger, message: "this ledger cannot distribute work")
        }
        let workspace = workspaceOptions.absolutePath
        try SharedStorage.check(workspace)
        let signal: any WorkSignal = (ledger as? PostgresLedger).map { PostgresWorkSignal(ledger: $0) } ?? PollingSignal()
        let configuration = PageWorker.Configuration(threads: workers, claimSize: claim, lease: .seconds(lease))
        let worker = PageWorker(
            ledger: ledger, policy: policy, workspace: workspace, version: Quire.version, tags: tags,
            configuration: configuration, signal: signal)
        let stop = StopRequest()
        let handlers = stop.install()
        defer { withExtendedLifetime(handlers) {} }
        printError(
            "quire worker \(configuration.id) on \(workspaceOptions.ledgerDescription): \(configuration.threads) threads, claims of \(configuration.claimSize), lease \(lease) s"
        )
        let report = try await worker.run(batch: batch, until: untilIdle ? .idle : .stopped({ stop.requested }))
        if json {
            try printJSON(report)
        } else {
            print(
                "worker \(configuration.id): \(report.normalized) pages normalized, \(report.failed) failed, \(report.refused) refused (claim lost); \(report.recordsPackaged) records packaged, \(report.recordsSettled) bound without a bag, \(report.recordsRefused) refused; \(String(format: "%.1f", report.seconds)) s"
            )
        }
    }
}

/// SIGINT or SIGTERM asks the worker to stop after the pages in hand.
final class StopRequest: Sendable {
    private let flag = Atomic<Bool>(false)

    /// Whether a stop was asked for.
    var requested: Bool { flag.load(ordering: .relaxed) }

    /// Installs the handlers; keep the returned sources alive while the worker runs.
    func install() -> [any DispatchSourceSignal] {
        let queue = DispatchQueue(label: "quire.signals")
        return [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [self] in flag.store(true, ordering: .relaxed) }
            source.resume()
            return source
        }
    }
}
