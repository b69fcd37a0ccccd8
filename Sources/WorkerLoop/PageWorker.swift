import BindStage
import BlockingWork
import Dispatch
import Foundation
import Synchronization
public import Ledger
public import NormalizeStage
import PackageStage
public import Policy
public import QuireCore

/// One process's share of the page work over a claiming ledger: claims pages in small batches under a lease, keeps
/// the leases alive with a heartbeat thread, normalizes and digests each page on a pool of threads, and commits the
/// results a claim's worth (or a second's worth) at a time, each with its fencing token — a result whose claim was
/// lost (the lease expired, another worker took the page) is refused by the ledger and counted, never written twice. `quire worker` runs it over every open batch; a
/// `quire run` on a shared ledger runs it over its own batch beside the workers of other machines.
public struct PageWorker: Sendable {
    /// How a worker claims and keeps its claims.
    public struct Configuration: Sendable {
        /// Unique per process.
        public var id: String
        /// The machine, as `quire status` lists it.
        public var host: String
        /// Pages normalized at once (0: one per core).
        public var threads: Int
        /// Pages claimed per claim (0: twice the threads).
        public var claimSize: Int
        /// How long a claim holds without a heartbeat.
        public var lease: Duration
        /// How often the heartbeat renews the leases (a third of the lease by default).
        public var heartbeat: Duration
        /// How long an idle worker waits for a notification before looking again.
        public var idleWait: Duration
        /// How long a finished page's result may wait to be committed with others (at most a claim's worth wait).
        public var commitEvery: Duration
        /// How long the worker may hold claims without finishing a page before its heartbeat stops renewing them:
        /// a worker wedged on a page (a hung mount, a decoder that does not return) lets its leases lapse, so other
        /// workers take its pages and the run is not held up for good, and `quire status` shows it silent.
        public var stallLimit: Duration

        /// A configuration; `id` defaults to `host:pid:random`.
        public init(
            id: String? = nil, threads: Int = 0, claimSize: Int = 0, lease: Duration = .seconds(30),
            heartbeat: Duration? = nil, idleWait: Duration = .seconds(2), commitEvery: Duration = .seconds(1),
            stallLimit: Duration = .seconds(600)
        ) {
            let host = ProcessInfo.processInfo.hostName
            self.host = host
            self.id = id ?? "\(host):\(getpid()):\(UInt32.random(in: 0...UInt32.max))"
            self.threads = WorkerCount.resolve(threads)
            self.claimSize = claimSize > 0 ? claimSize : self.threads * 2
            self.lease = lease
            self.heartbeat = heartbeat ?? lease / 3
            self.idleWait = idleWait
            self.commitEvery = commitEvery
            self.stallLimit = stallLimit
        }
    }

    /// When the worker stops.
    public enum Until: Sendable {
        /// When the batch has nothing left to claim and nothing under a live lease (a run's own batch).
        case batchDone(String)
        /// When nothing is claimable in any batch (tests, and `quire worker --until-idle`).
        case idle
        /// When `stop` says so (a signal); idle workers wait for notifications meanwhile.
        case stopped(@Sendable () -> Bool)
    }

    /// What a worker did.
    public struct Report: Sendable, Codable {
        /// Pages it normalized and committed.
        public var normalized = 0
        /// Pages whose normalization failed (committed with their error checks).
        public var failed = 0
        /// Results refused because the claim was lost meanwhile (done again by whoever holds the page).
        public var refused = 0
        /// Records it bound and packaged (bag committed under its claim).
        public var recordsPackaged = 0
        /// Records it bound that have no bag to make (held, not in the catalog, or their bag failed).
        public var recordsSettled = 0
        /// Record commits refused because the claim was lost meanwhile.
        public var recordsRefused = 0
        /// Claims made.
        public var claims = 0
        /// Seconds it ran.
        public var seconds = 0.0
    }

    let ledger: any Ledger & ClaimStore
    let policy: PipelinePolicy
    let workspace: String
    let version: String
    let tags: NormalizeStage.ScannerTags
    /// This worker's identity and claim settings.
    public let configuration: Configuration
    let signal: any WorkSignal
    /// The fingerprint of the settings this worker makes pages with; a batch recorded with another is refused.
    let settings: String

    /// A worker over `ledger`, writing outputs into `workspace` (the shared storage every machine mounts).
    public init(
        ledger: any Ledger & ClaimStore, policy: PipelinePolicy, workspace: String, version: String,
        tags: NormalizeStage.ScannerTags = .init(), configuration: Configuration = .init(),
        signal: any WorkSignal = PollingSignal()
    ) {
        self.ledger = ledger
        self.policy = policy
        self.workspace = workspace
        self.version = version
        self.tags = tags
        self.configuration = configuration
        self.signal = signal
        self.settings = NormalizeStage.settingsFingerprint(policy: policy, tags: tags, version: version)
    }

    /// Works until `until` says stop; pages of `batch` only, or of every batch when nil.
    public func run(batch: String?, until: Until) async throws(QuireError) -> Report {
        let started = Date()
        let tool = "quire \(version)"
        let id = configuration.id
        try ledger.registerWorker(id: id, host: configuration.host)
        let progress = WorkProgress()
        let heartbeat = Heartbeat(
            ledger: ledger, worker: id, lease: configuration.lease, every: configuration.heartbeat, progress: progress,
            stallLimit: configuration.stallLimit)
        defer {
            heartbeat.stop()
            try? ledger.stopWorker(id: id)
        }
        let stage = NormalizeStage(
            ledger: ledger, policy: policy, workspace: workspace, workers: configuration.threads, version: version, tags: tags)
        let records = RecordWorker(
            ledger: ledger, binder: BindStage(ledger: ledger, policy: policy, workspace: workspace, version: version),
            packager: PackageStage(
                ledger: ledger, policy: policy, workspace: workspace, version: version, workers: configuration.threads),
            perRecordBags: policy.package.bagPer == .record, worker: id, tool: tool, lease: configuration.lease)
        let catalogs = RecordWorker.Catalogs()
        let algorithms = policy.fixity.algorithms
        var deliveries: [String: String] = [:]
        var checked = Set<String>()
        // A batch made with other settings than this worker's is not this worker's to make: its claims are given
        // back untouched, and the worker stops saying why.
        func checkSettings(_ batchID: String) throws(QuireError) {
            guard !checked.contains(batchID), let info = try ledger.batch(id: batchID) else { return }
            if let theirs = info.settings, theirs != settings {
                throw QuireError(
                    .usage, stage: .normalize, file: info.id,
                    message:
                        "batch \(info.id) is made with other settings (\(theirs.prefix(19))…, pipeline '\(info.pipeline)') "
                        + "than this worker's (\(settings.prefix(19))…, pipeline '\(policy.name)', quire \(version))",
                    fix: "start the worker with the run's --pipeline and --process, on the same Quire version"
                        + (batch == nil ? ", or give --batch to work only batches made like this" : ""))
            }
            checked.insert(batchID)
            deliveries[batchID] = info.delivery
        }
        var report = Report()
        work: while true {
            if case .stopped(let stop) = until, stop() { break work }
            // A record whose pages have all settled comes first: its bag is out while other pages are worked.
            progress.claimed()
            let record = try await records.workOne(batch: batch, catalogs: catalogs, progress: progress, check: checkSettings)
            progress.idle()
            switch record {
            case .nothing: break
            case .committed(let packaged):
                if packaged { report.recordsPackaged += 1 } else { report.recordsSettled += 1 }
                report.claims += 1
            case .refused:
                report.recordsRefused += 1
                report.claims += 1
            }
            let claims = try ledger.claimPages(
                batch: batch, worker: id, limit: configuration.claimSize, lease: configuration.lease)
            if claims.isEmpty {
                if case .nothing = record {} else { continue work }
                switch until {
                case .batchDone(let done):
                    if try ledger.pendingWork(batch: done).isDone, try ledger.pendingRecordWork(batch: done).isDone {
                        break work
                    }
                    // Pages under other workers' leases: wait for them (or for their leases to expire).
                    signal.wait(timeout: .milliseconds(500))
                case .idle:
                    break work
                case .stopped:
                    signal.wait(timeout: configuration.idleWait)
                }
                continue work
            }
            report.claims += claims.count
            progress.claimed()
            defer { progress.idle() }
            do throws(QuireError) {
                for claim in claims { try checkSettings(claim.batch) }
            } catch {
                try? ledger.releaseClaims(claims, worker: id)
                throw error
            }
            let roots = deliveries
            var failure: QuireError?
            // Claims not yet committed (or refused): given back if the worker stops on a failure.
            var unfinished = claims
            var pending: [ClaimCompletion] = []
            var pendingSince: ContinuousClock.Instant?
            func flush() throws(QuireError) {
                guard !pending.isEmpty else { return }
                let batch = pending
                pending = []
                pendingSince = nil
                let refused = Set(try ledger.completeClaims(batch, worker: id, tool: tool).map(\.token))
                for c in batch {
                    unfinished.removeAll { $0.token == c.claim.token }
                    if refused.contains(c.claim.token) {
                        report.refused += 1
                    } else if c.result.outputs.isEmpty {
                        report.failed += 1
                    } else {
                        report.normalized += 1
                    }
                }
            }
            await WorkerPool(workers: configuration.threads).forEach(
                claims,
                { claim -> (PageClaim, NormalizedPage, FixityRecord?) in
                    let delivery = roots[claim.batch] ?? ""
                    guard Self.isPlainRelativePath(claim.page.path), !delivery.isEmpty else {
                        let check = PageCheck(
                            path: claim.page.path, stage: .normalize, rule: .sourceUnreadable, severity: .error,
                            detail: "the ledger names a page path outside its delivery: \(claim.page.path)")
                        return (
                            claim, NormalizedPage(path: claim.page.path, outputs: [], checks: [check], steps: []), nil
                        )
                    }
                    let result = stage.normalize(claim.page, delivery: delivery)
                    return (claim, result, Self.sourceFixity(claim, digests: result.sourceDigests, algorithms: algorithms))
                }
            ) { _, output in
                let (claim, result, source) = output
                progress.advanced()
                if let full = result.diskFull {
                    failure = failure ?? QuireError(.couldNotRun, stage: .normalize, message: full.description)
                    return false
                }
                pending.append(ClaimCompletion(claim, result: result, sourceFixity: source))
                if pendingSince == nil { pendingSince = ContinuousClock.now }
                // Results are committed together, a claim's worth or a second's worth at a time: one transaction
                // for many pages is what lets one ledger serve hundreds of machines.
                if pending.count >= configuration.claimSize || ContinuousClock.now - pendingSince! >= configuration.commitEvery {
                    do throws(QuireError) { try flush() } catch {
                        failure = failure ?? error
                        return false
                    }
                }
                return true
            }
            if failure == nil {
                do throws(QuireError) { try flush() } catch { failure = error }
            } else {
                // Pages done before the failure keep their results (their outputs are written).
                try? flush()
            }
            if let failure {
                try? ledger.releaseClaims(unfinished, worker: id)
                throw failure
            }
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// The page's source fixity from the digests the normalizer took as it read the source (one read per page), when
    /// they cover the pipeline's algorithms (else the checksum stage takes them).
    static func sourceFixity(_ claim: PageClaim, digests: [DigestAlgorithm: String]?, algorithms: [DigestAlgorithm])
        -> FixityRecord?
    {
        guard let digests, digests[.sha256] == claim.page.sha256, algorithms.allSatisfy({ digests[$0] != nil }) else {
            return nil
        }
        return FixityRecord(
            batch: claim.batch, root: .delivery, path: claim.page.path, role: .source, size: claim.page.size,
            digests: digests.filter { algorithms.contains($0.key) })
    }

    /// A path relative to its delivery that cannot leave it: no empty, `.` or `..` component, no leading `/`.
    static func isPlainRelativePath(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.contains("\0")
            && path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }
}

/// Whether a worker's page work moves: claims taken, pages finished, claims done. Its heartbeat reads it.
final class WorkProgress: Sendable {
    private let state = Mutex<(holding: Bool, last: ContinuousClock.Instant)>((false, .now))

    /// Claims were taken: the clock starts.
    func claimed() { state.withLock { $0 = (true, .now) } }
    /// A page was finished.
    func advanced() { state.withLock { $0.last = .now } }
    /// The claims in hand are done (committed, refused or given back).
    func idle() { state.withLock { $0.holding = false } }
    /// Whether claims have been held longer than `limit` without a page finishing.
    func stalled(longerThan limit: Duration) -> Bool {
        state.withLock { $0.holding && ContinuousClock.now - $0.last > limit }
    }
}

/// Renews a worker's leases on a thread of its own until stopped, so a page that takes long keeps its claim; a
/// renewal that fails (the ledger unreachable) is tried again at the next beat — if the lease expires meanwhile,
/// the page's commit is refused and another worker does it. While the worker holds claims and has finished no page
/// for `stallLimit`, it stops renewing (and so stops heart-beating): the leases lapse, other workers take the pages,
/// and the stuck worker's late commit is refused.
final class Heartbeat: Sendable {
    private let done = DispatchSemaphore(value: 0)

    init(
        ledger: any ClaimStore, worker: String, lease: Duration, every interval: Duration, progress: WorkProgress,
        stallLimit: Duration
    ) {
        let seconds = interval.inSeconds
        let thread = Thread { [done] in
            // Waits for the interval, or wakes at once when stopped.
            while done.wait(timeout: .now() + seconds) == .timedOut {
                guard !progress.stalled(longerThan: stallLimit) else { continue }
                _ = try? ledger.renewLeases(worker: worker, lease: lease)
            }
        }
        thread.name = "quire-heartbeat"
        thread.start()
    }

    /// Ends the heartbeat (call once).
    func stop() { done.signal() }
}
