public import QuireCore
import BindStage
public import Catalog
import ChecksumStage
import DurableIO
import Fixity
import Foundation
import ImageCodecs
public import Importer
public import Ledger
public import NormalizeStage
public import PackageStage
public import Policy
public import WorkerLoop
import Synchronization

/// `quire run`: the whole pipeline over a delivery, streaming.
///
/// Pages flow through one pool of workers: each file is read once, and that one read is decoded (the import's
/// check), hashed with every fixity algorithm (the checksum of the source) and, when it is a page, normalized
/// from the same image into its master, access copy and thumbnail. The import commits files in the
/// delivery's order, a few steps behind the workers at most, so memory stays flat whatever the batch size.
/// As soon as every file of a record has settled — registered and normalized, or quarantined — the record
/// is bound to the catalog and packaged, in a task of its own, while the workers go on with other pages.
///
/// What the stream could not finish is finished afterwards by the stages' own catch-up passes: pages
/// registered by an earlier, interrupted run but not normalized, a page whose slot another file also
/// claimed, records whose pages came in several runs. Then the whole batch is bound once more (records bound
/// by this run are kept as they are) for the batch-level findings — images without a record, catalog
/// records without images — and whatever is bound and not packaged is packaged (all of it, when the policy
/// wants one bag per batch). Every step is durable before the ledger records it, so a run killed at any
/// moment is finished by running it again.
public struct BatchRun: Sendable {
    /// What to run on.
    public struct Request: Sendable {
        /// The vendor's delivery folder to import.
        public var delivery: String
        /// The catalog CSV (目录) the batch's records are bound to.
        public var catalog: String
        /// The catalog's encoding; nil detects UTF-8 or GB18030 from its bytes.
        public var encoding: CatalogEncoding?
        /// The process metadata file (`process.yaml`); nil binds without process metadata.
        public var processFile: String?
        /// The batch id; nil names the batch after the delivery folder.
        public var batch: String?
        /// The archive (holdings register id) the batch belongs to; nil takes the policy's `archive`.
        public var archive: String?
        /// Where the bags go (default `<workspace>/bags`).
        public var out: String?
        /// On a shared ledger: the pages are not normalized by this process's stream but claimed, by this run
        /// (with this worker) and by any `quire worker` on other machines; this run binds and packages.
        public var shared: SharedWork?

        /// Makes a request.
        public init(
            delivery: String, catalog: String, encoding: CatalogEncoding? = nil, processFile: String? = nil,
            batch: String? = nil, archive: String? = nil, out: String? = nil, shared: SharedWork? = nil
        ) {
            self.shared = shared
            self.delivery = delivery
            self.catalog = catalog
            self.encoding = encoding
            self.processFile = processFile
            self.batch = batch
            self.archive = archive
            self.out = out
        }
    }

    /// How a run shares its batch's page work over a claiming ledger.
    public struct SharedWork: Sendable {
        /// The ledger the claims are made on (the run's ledger).
        public var ledger: any Ledger & ClaimStore
        /// This run's own worker: its identity and claim settings.
        public var configuration: PageWorker.Configuration
        /// What wakes the run's worker while other workers hold the last pages.
        public var signal: any WorkSignal

        /// Makes the value.
        public init(ledger: any Ledger & ClaimStore, configuration: PageWorker.Configuration, signal: any WorkSignal) {
            self.ledger = ledger
            self.configuration = configuration
            self.signal = signal
        }
    }

    /// Where a run is.
    public struct Progress: Sendable {
        /// `pages` while files stream, `finishing` for the catch-up, binding and packaging at the end.
        public var phase: String
        /// Files examined (and normalized) this run, of those to examine.
        public var files: Int
        /// Files to examine this run, the total `files` counts towards.
        public var filesTotal: Int
        /// Records bound (or held) by the stream so far.
        public var recordsBound: Int
        /// Records held back so far, of those.
        public var recordsHeld: Int
        /// Records packaged this run.
        public var recordsPackaged: Int
        /// Records in the catalog.
        public var recordsTotal: Int
    }

    /// One stage's share of the run.
    public struct StageSummary: Sendable, Encodable {
        /// The stage's name: `import`, `normalize`, `checksum`, `bind` or `package`.
        public var stage: String
        /// Items done by this run (files, pages or records).
        public var done: Int
        /// Items the stage could not do: files quarantined, pages not normalized, files not digested, records held, bags failed.
        public var failed: Int
        /// From the stage's first to its last piece of work; stages overlap in a streaming run.
        public var seconds: Double
    }

    /// What the run did.
    public struct Report: Sendable {
        /// The batch id the run worked on (the delivery folder's name unless the request named one).
        public var batch: String
        /// Each stage's share, in pipeline order: import, normalize, checksum, bind, package.
        public var stages: [StageSummary]
        /// The import's report, cumulative for the batch.
        public var imported: ImportReport
        /// The whole batch's binding (from the final pass).
        public var binding: BindingResult
        /// Bags made or found by this run, streamed and final.
        public var bags: [PackageStage.BagOutcome]
        /// Records bound and packaged while other pages were still being worked on.
        public var streamedRecords: Int
        /// Wall-clock seconds of the whole run, catch-up included.
        public var seconds: Double
    }

    /// Why a run could not finish.
    public enum RunError: Error, Sendable, CustomStringConvertible {
        /// The pipeline file or the delivery's setup is wrong (exit 2).
        case usage(String)
        /// The disk filled up or an output could not be written: the run stops, and resumes when run again.
        case diskFull(DiskFull)
        /// Anything else that stops the run (exit 3).
        case couldNotRun(String)

        /// The usage or failure text, or the full disk's message.
        public var description: String {
            switch self {
            case .usage(let text), .couldNotRun(let text): text
            case .diskFull(let full): full.description
            }
        }
    }

    let ledger: any Ledger
    let policy: PipelinePolicy
    let workspace: String
    let workers: Int
    let version: String
    let tags: NormalizeStage.ScannerTags

    /// Makes a run; `workers` 0 takes the policy's value, and 0 there means one per core.
    public init(
        ledger: any Ledger, policy: PipelinePolicy, workspace: String, workers: Int = 0, version: String,
        tags: NormalizeStage.ScannerTags = .init()
    ) {
        self.ledger = ledger
        self.policy = policy
        self.workspace = workspace
        let requested = workers > 0 ? workers : policy.intake.workers
        self.workers = WorkerCount.resolve(requested)
        self.version = version
        self.tags = tags
    }

    /// Runs the pipeline; call it again on the same workspace to resume.
    public func run(_ request: Request, progress: (@Sendable (Progress) -> Void)? = nil) async throws(RunError) -> Report {
        let started = Date()
        let tool = "quire \(version)"
        let binder = BindStage(ledger: ledger, policy: policy, workspace: workspace, version: version)
        let prepared: BindStage.Prepared
        // On a shared ledger, what workers will bind by: the catalog and process file with their digests, parsed here
        // from the very bytes digested, so the run and every worker bind by the same files.
        var recordWork: RecordWork?
        do {
            if request.shared != nil {
                let work = try BindStage.recordWork(
                    catalog: request.catalog, encoding: request.encoding, processFile: request.processFile,
                    out: request.out ?? WorkspaceLayout(root: workspace).bagsFolder)
                prepared = try binder.prepare(work)
                recordWork = work
            } else {
                prepared = try binder.prepare(
                    catalog: request.catalog, encoding: request.encoding, processFile: request.processFile)
            }
        } catch {
            throw .couldNotRun(error.description)
        }
        var stage = NormalizeStage(
            ledger: ledger, policy: policy, workspace: workspace, workers: workers, version: version, tags: tags)
        // Other machines' processes write in a shared workspace: only long-abandoned temporaries are strays there.
        if request.shared != nil { stage.strayTemporaryAge = 15 * 60 }
        let normalizer = stage
        var packaging = PackageStage(ledger: ledger, policy: policy, workspace: workspace, version: version, workers: workers)
        // Workers on other machines write bags into the same folder: only long-abandoned partials are strays there.
        if request.shared != nil { packaging.strayPartialAge = 15 * 60 }
        let packager = packaging
        normalizer.removeStrayTemporaries()

        // What earlier runs left unfinished: records with a page lacking its master or its source digests wait
        // for the catch-up; records already packaged are not streamed again.
        guard let batchID = Importer.batchID(delivery: request.delivery, batch: request.batch) else {
            throw .couldNotRun("\(request.delivery): the delivery folder cannot be read (\(String(cString: strerror(errno))))")
        }
        let tracker = RecordTracker(batch: batchID, workspace: workspace)
        if (try? ledger.batch(id: batchID)) != nil {
            do {
                let fixity = Set(try ledger.fixityRecords(batch: batchID).map { "\($0.root.rawValue):\($0.path)" })
                let layout = WorkspaceLayout(root: workspace, pageDigits: policy.intake.pageDigits)
                var unfinished = Set<String>()
                for page in try ledger.pages(batch: batchID) {
                    let master = "workspace:" + layout.relativePath(of: .master, code: page.code, page: page.page)
                    if !fixity.contains(master) || !fixity.contains("delivery:" + page.path) { unfinished.insert(page.code) }
                }
                let finished = Set(try ledger.records(batch: batchID).filter(\.state.isPackaged).map(\.code))
                tracker.state.withLock {
                    $0.unfinished = unfinished
                    $0.finished = finished
                }
            } catch { throw .couldNotRun(error.description) }
        }

        let recordsTotal = prepared.catalog.records.count
        @Sendable func report(_ phase: String) {
            guard let progress else { return }
            let s = tracker.state.withLock { ($0.files, $0.bound.count, $0.held, $0.packaged) }
            progress(
                Progress(
                    phase: phase, files: s.0.done, filesTotal: s.0.total, recordsBound: s.1, recordsHeld: s.2,
                    recordsPackaged: s.3, recordsTotal: recordsTotal))
        }

        // Record stages: bind and package each record as soon as all its files have settled.
        let (records, recordQueue) = AsyncStream<String>.makeStream()
        let perRecordBags = policy.package.bagPer == .record
        let recordStage = Task {
            for await code in records {
                guard tracker.state.withLock({ $0.stop == nil }) else { continue }
                let batch = batchID
                tracker.mark("bind")
                do {
                    let bound = try binder.bind(batch: batch, prepared: prepared, scope: .records([code]))
                    // A 档号 without a catalog record binds to nothing here; the final pass reports its images.
                    let status = bound.binding.records.first { $0.code.canonical == code }?.status
                    let isBound = status == .bound
                    // Only catalog records count against the catalog's total; images of a 档号 the catalog lacks are
                    // reported as unmatched at the end.
                    if status != nil {
                        tracker.state.withLock {
                            $0.bound.insert(code)
                            if status == .held { $0.held += 1 }
                        }
                    }
                    report("pages")
                    guard perRecordBags, isBound else { continue }
                    tracker.mark("package")
                    let packaged = try await packager.run(batch: batch, out: request.out, codes: [code])
                    if let full = packaged.bags.lazy.compactMap(\.diskFull).first { tracker.stop(.diskFull(full)) }
                    tracker.state.withLock {
                        $0.bags += packaged.bags
                        $0.packaged += packaged.bags.filter { $0.status != "failed" }.count
                    }
                    report("pages")
                } catch let error as BindError {
                    if case .write(let failure) = error, let full = failure.diskFull {
                        tracker.stop(.diskFull(full))
                    } else {
                        tracker.stop(.couldNotRun(error.description))
                    }
                } catch {
                    tracker.stop(.couldNotRun("\(error)"))
                }
            }
        }

        // The page stream.
        let followUp = ImportFollowUp<PageWork>(
            algorithms: policy.fixity.algorithms,
            planned: { counts in tracker.state.withLock { $0.remaining = counts } },
            process: { accepted in
                PageWork(
                    normalized: normalizer.normalizeStaged(accepted.page, decoded: accepted.image),
                    sourceDigests: accepted.digests)
            },
            settled: { file in
                tracker.settle(file, ledger: ledger, tool: tool, queue: recordQueue)
            })
        // While files are registered no worker may bind a record of the batch (on a shared ledger, all of its files
        // may not be known yet; without one, this run binds and packages the batch itself).
        if let claims = ledger as? any ClaimStore, (try? ledger.batch(id: batchID)) != nil {
            do { try claims.setRecordWork(nil, batch: batchID) } catch {
                recordQueue.finish()
                await recordStage.value
                throw .couldNotRun(error.description)
            }
        }
        let imported: ImportReport
        do {
            let importer = Importer(
                ledger: ledger, policy: policy, workers: workers, tool: tool,
                settings: NormalizeStage.settingsFingerprint(policy: policy, tags: tags, version: version))
            let progress = { @Sendable (p: Importer.Progress) in
                tracker.state.withLock { $0.files = (p.done, p.total) }
                report("pages")
            }
            if request.shared != nil {
                // Registration only; the pages go to whoever claims them, this run's own worker among them.
                imported = try await importer.run(
                    delivery: request.delivery, batch: request.batch, archive: request.archive, progress: progress)
            } else {
                imported = try await importer.run(
                    delivery: request.delivery, batch: request.batch, archive: request.archive, followUp: followUp,
                    progress: progress)
            }
        } catch {
            recordQueue.finish()
            await recordStage.value
            if case .policy = error { throw .usage(error.description) }
            throw .couldNotRun(error.description)
        }
        if let shared = request.shared {
            // Workers bind and package each record as soon as its pages settle, by the catalog and process file
            // recorded here (on the storage every machine mounts), into this run's bags folder.
            do {
                try shared.ledger.setRecordWork(recordWork, batch: imported.batch)
            } catch {
                recordQueue.finish()
                await recordStage.value
                throw .couldNotRun("\(error)")
            }
            let worker = PageWorker(
                ledger: shared.ledger, policy: policy, workspace: workspace, version: version, tags: tags,
                configuration: shared.configuration, signal: shared.signal)
            do {
                let work = try await worker.run(batch: imported.batch, until: .batchDone(imported.batch))
                // Records the workers (this run's among them) bound are kept as they are by the final pass.
                // (Records packaged before this run keep their mark; they are this run's `finished`, not its work.)
                let catalogued = Set(prepared.catalog.records.map(\.code.canonical))
                let worked = try shared.ledger.workedRecords(batch: imported.batch)
                    .subtracting(tracker.state.withLock { $0.finished }).intersection(catalogued)
                let packaged = try ledger.records(batch: imported.batch).filter {
                    worked.contains($0.code) && $0.state.isPackaged
                }
                tracker.state.withLock {
                    $0.normalized += work.normalized
                    $0.normalizeFailed += work.failed
                    $0.sourcesDigested += work.normalized + work.failed
                    $0.bound.formUnion(worked)
                    $0.packaged = packaged.count
                    $0.workerBags = packaged.map {
                        PackageStage.BagOutcome(
                            name: $0.code, records: [$0.code], path: $0.bag, status: "packaged", detail: "by a worker",
                            payloadOxum: nil)
                    }
                }
            } catch {
                recordQueue.finish()
                await recordStage.value
                throw .couldNotRun(error.description)
            }
        }
        let pagesSeconds = Date().timeIntervalSince(started)
        recordQueue.finish()
        await recordStage.value
        if let stop = tracker.state.withLock({ $0.stop }) { throw stop }
        var streamed = tracker.state.withLock { $0 }
        // Bags the workers made: a bag per record, so none is retried by the final pass below.
        streamed.bags += streamed.workerBags

        // Catch-up: what the stream could not finish (and, on a resumed run, what the earlier run left).
        report("finishing")
        let batch = imported.batch
        let finishStarted = Date()
        let caughtUp: NormalizeStage.Report
        // On a shared ledger the claimed pages that failed were recorded by whichever worker tried them.
        var skipping = streamed.failedPages
        if request.shared != nil {
            do { skipping.formUnion(try ledger.normalizationFailures(batch: batch, code: nil).keys) } catch {
                throw .couldNotRun(error.description)
            }
        }
        do { caughtUp = try await normalizer.run(batch: batch, skipping: skipping) } catch {
            if case .diskFull(let detail) = error { throw .diskFull(detail) }
            throw .couldNotRun(error.description)
        }
        let checksum: ChecksumStage.RecordReport
        do {
            checksum = try await ChecksumStage(ledger: ledger, policy: policy, workspace: workspace, workers: workers, tool: tool)
                .record(batch: batch)
        } catch { throw .couldNotRun(error.description) }

        // A record packaged by an earlier run that received files in this one is bound and packaged again: its
        // bag no longer holds all its pages (the packaging refuses to replace a bag that does not verify).
        let reopened = streamed.finished.intersection(streamed.touched)
        do {
            for code in reopened.sorted() {
                try ledger.markRecord(
                    batch: batch, code: code, state: .bound, bag: nil,
                    detail: "files delivered after the record was packaged; its bag must be rebuilt", tool: tool)
            }
        } catch { throw .couldNotRun(error.description) }
        // The whole batch once more for the batch-level findings; records bound by the stream stay as they are.
        let bound: BindStage.Report
        do {
            bound = try binder.bind(
                batch: batch, prepared: prepared, scope: .allExcept(streamed.bound.union(streamed.finished.subtracting(reopened)))
            )
        } catch {
            if case .write(let failure) = error, let full = failure.diskFull { throw .diskFull(full) }
            throw .couldNotRun(error.description)
        }
        let packaged: PackageStage.Report
        do { packaged = try await packager.run(batch: batch, out: request.out) } catch { throw .couldNotRun(error.description) }
        if let full = packaged.bags.lazy.compactMap(\.diskFull).first { throw .diskFull(full) }
        let finishSeconds = Date().timeIntervalSince(finishStarted)

        // A record whose bag failed in the stream is tried again by the final pass: keep the later outcome.
        let retried = Set(packaged.bags.map(\.name))
        let bags = streamed.bags.filter { !retried.contains($0.name) } + packaged.bags
        let normalizedCount = streamed.normalized + caughtUp.normalized
        let stages = [
            StageSummary(
                stage: "import", done: imported.registeredThisRun, failed: imported.quarantined.count, seconds: pagesSeconds),
            StageSummary(
                stage: "normalize", done: normalizedCount, failed: streamed.normalizeFailed + caughtUp.failed,
                seconds: pagesSeconds + caughtUp.seconds),
            StageSummary(
                stage: "checksum", done: streamed.sourcesDigested + checksum.recorded, failed: checksum.failures.count,
                seconds: pagesSeconds + checksum.seconds),
            StageSummary(
                stage: "bind", done: streamed.bound.count + bound.recordsStored.count, failed: bound.binding.held.count,
                seconds: streamed.span("bind", until: finishStarted) + finishSeconds),
            StageSummary(
                stage: "package", done: bags.filter { $0.status != "failed" }.count,
                failed: bags.filter { $0.status == "failed" }.count,
                seconds: streamed.span("package", until: finishStarted) + packaged.seconds),
        ]
        return Report(
            batch: batch, stages: stages, imported: imported, binding: bound.binding, bags: bags,
            streamedRecords: streamed.packaged, seconds: Date().timeIntervalSince(started))
    }
}

extension BatchRun {
    /// How a run left its batch, read back from the ledger: what the run's summary lists and its exit code.
    public struct Outcome: Sendable {
        /// Pages whose normalization failed (error-severity page checks).
        public var failedPages: [PageCheck]
        /// Catalog records not packaged, with why: the binding's problems for a held record, the bag's failure
        /// for a record whose bag failed, else the record's state. A 档号 the catalog has no valid row for is not
        /// listed: its images are the binding's unmatched images.
        public var held: [String: String]
        /// Records packaged (or verified since), in the ledger's order.
        public var packaged: [String]
        /// Catalog records with a valid row.
        public var catalogued: Int
        /// Nothing quarantined, failed, held, unmatched or rejected: the run exits 0.
        public var isClean: Bool
    }

    /// How `report`'s run left its batch.
    public func outcome(of report: Report) throws(QuireError) -> Outcome {
        let records = try ledger.records(batch: report.batch)
        let checks = try ledger.pageChecks(batch: report.batch).filter { $0.severity == .error }
        var held: [String: String] = [:]
        let catalogued = Set(report.binding.records.map(\.code.canonical))
        for r in records where !r.state.isPackaged {
            // A 档号 the catalog has no valid row for is not held: its images are listed as unmatched.
            if r.state == .waiting && !catalogued.contains(r.code) { continue }
            held[r.code] = r.state == .held ? PackageStage.describe(r.problems) : r.state.rawValue
        }
        for b in report.bags where b.status == "failed" {
            for code in b.records where held[code] != nil { held[code] = b.detail ?? "bag failed" }
        }
        let clean =
            report.imported.quarantined.isEmpty && checks.isEmpty && held.isEmpty && report.binding.unmatchedImages.isEmpty
            && report.binding.catalogErrors.isEmpty
        return Outcome(
            failedPages: checks, held: held,
            packaged: records.filter(\.state.isPackaged).map(\.code),
            catalogued: catalogued.count, isClean: clean)
    }
}

extension BatchRun.RunError: QuireErrorConvertible {
    /// A usage error exits 2; a full disk or anything else that stops the run exits 3.
    public var quireError: QuireError {
        switch self {
        case .usage(let text): QuireError(.usage, stage: .workspace, message: text)
        case .diskFull(let full): QuireError(.couldNotRun, stage: .workspace, message: full.description)
        case .couldNotRun(let text): QuireError(.couldNotRun, stage: .workspace, message: text)
        }
    }
}

/// A page's follow-up work, done in the worker that decoded it.
struct PageWork: Sendable {
    var normalized: NormalizedPage
    /// Digests of the source's bytes, from the import's read.
    var sourceDigests: [DigestAlgorithm: String]
}

/// The run's record bookkeeping, shared by the committing task and the record stage.
final class RecordTracker: Sendable {
    struct State: Sendable {
        /// Files still to settle, per record.
        var remaining: [String: Int] = [:]
        /// Records with a page that the catch-up has to finish.
        var unfinished = Set<String>()
        /// Records packaged before this run.
        var finished = Set<String>()
        /// Records that received a file this run (a packaged one among them is bound again, and held when
        /// the new file breaks its page count).
        var touched = Set<String>()
        /// Records the stream bound (bound or held).
        var bound = Set<String>()
        var held = 0
        /// Pages whose normalization failed in the stream (the catch-up does not try them again this run).
        var failedPages = Set<String>()
        /// Files examined this run, of those to examine.
        var files = (done: 0, total: 0)
        var packaged = 0
        var bags: [PackageStage.BagOutcome] = []
        /// On a shared ledger: the bags workers made and committed under their record claims.
        var workerBags: [PackageStage.BagOutcome] = []
        var normalized = 0
        var normalizeFailed = 0
        var sourcesDigested = 0
        var stop: BatchRun.RunError?
        /// First and last moment each record stage worked.
        var spans: [String: (first: Date, last: Date)] = [:]

        func span(_ stage: String, until end: Date) -> Double {
            guard let span = spans[stage] else { return 0 }
            return end.timeIntervalSince(span.first)
        }
    }

    let state = Mutex(State())
    let batch: String
    let layout: WorkspaceLayout

    init(batch: String, workspace: String) {
        self.batch = batch
        self.layout = WorkspaceLayout(root: workspace)
    }

    func mark(_ stage: String) {
        let now = Date()
        state.withLock { $0.spans[stage] = ($0.spans[stage]?.first ?? now, now) }
    }

    func stop(_ error: BatchRun.RunError) {
        state.withLock { $0.stop = $0.stop ?? error }
    }

    /// Records a settled file in the ledger and hands its record to the record stage when it was the last one.
    func settle(
        _ file: SettledFile<PageWork>, ledger: any Ledger, tool: String,
        queue: AsyncStream<String>.Continuation
    ) -> Bool {
        var code: String?
        switch file {
        case .page(let page, let work):
            code = page.code
            guard let work else {
                state.withLock { _ = $0.unfinished.insert(page.code) }
                break
            }
            if let full = work.normalized.diskFull {
                // Not the page's fault: it is left for a later run, and this one stops.
                state.withLock { _ = $0.unfinished.insert(page.code) }
                stop(.diskFull(full))
                return false
            }
            do {
                // The page is registered: its staged outputs take their places, then the ledger learns of them.
                for output in work.normalized.outputs {
                    let target = layout.absolute(output.path)
                    try DurableFile.publish(staged: DurableFile.stagedPath(for: target), to: target)
                }
                let source = FixityRecord(
                    batch: batch, root: .delivery, path: page.path, role: .source, size: page.size,
                    digests: work.sourceDigests)
                try ledger.completeNormalization(work.normalized, sourceFixity: source, batch: batch, tool: tool)
            } catch let error as DurableFileError {
                stop(error.diskFull.map { .diskFull($0) } ?? .couldNotRun(error.description))
                return false
            } catch {
                stop(.couldNotRun("\(error)"))
                return false
            }
            state.withLock {
                if work.normalized.outputs.isEmpty {
                    $0.normalizeFailed += 1
                    $0.failedPages.insert(page.path)
                } else {
                    $0.normalized += 1
                }
                $0.sourcesDigested += 1
            }
        case .quarantined(let record, let work):
            code = record.code
            // A page that decoded and was normalized, then found a duplicate: its staged outputs go (the paths
            // they would have taken may belong to the page it duplicates, in this batch or another).
            for output in work?.normalized.outputs ?? [] { unlink(DurableFile.stagedPath(for: layout.absolute(output.path))) }
        }
        guard let code else { return state.withLock { $0.stop == nil } }
        let ready: Bool = state.withLock {
            $0.touched.insert(code)
            guard let left = $0.remaining[code] else { return false }
            $0.remaining[code] = left - 1
            guard left == 1, !$0.unfinished.contains(code), !$0.finished.contains(code) else { return false }
            return true
        }
        if ready { queue.yield(code) }
        return state.withLock { $0.stop == nil }
    }

}
