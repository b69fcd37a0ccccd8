public import QuireCore
import ArchivalCode
import BlockingWork
import Fixity
import Foundation
import ImageCodecs
import QuireCore
public import Ledger
public import Policy

/// The import stage: registers a vendor's delivery in the ledger, page by page.
///
/// It walks the delivery (never following links out of it), maps each file to its 档号 and page by the
/// pipeline's naming rule, identifies the format by signature, decodes every page in a pool of workers
/// (the decode is the check) and records pages and quarantined files in the ledger, a few dozen files
/// per transaction, in the delivery's sorted order so that reruns and duplicates resolve the same way.
///
/// Re-running is safe: unchanged files are skipped by size and mtime; a registered file whose bytes
/// changed is reported, never replaced — unless no master could be made of it (its normalization failed),
/// when the new file is examined as a rescan; a quarantined file that changed is examined again.
///
/// ```swift
/// let importer = Importer(ledger: ledger, policy: policy)
/// let report = try await importer.run(delivery: "/data/2026-11-02", batch: nil, archive: nil)
/// print(report.accepted, report.quarantined.count)
/// ```
public struct Importer: Sendable {
    /// Progress of a running import.
    public struct Progress: Sendable {
        /// Files examined so far in this run.
        public var done: Int
        /// Files to examine in this run.
        public var total: Int
        /// Files quarantined so far in this run.
        public var quarantined: Int
    }

    /// Rules that `flaggedRecords` carries for this stage.
    public static let recordRules: Set<RecordFlagRule> = [.pageGap]

    let ledger: any BatchStore & IntakeStore & PageStore
    let policy: PipelinePolicy
    let workers: Int
    let tool: String
    /// The fingerprint of the settings the batch's pages are made with, recorded on the batch (nil leaves it).
    let settings: String?
    /// Files per ledger transaction.
    let commitEvery = 64

    /// Makes an importer; `workers` 0 takes the policy's value, and 0 there means one per core. `settings` (a run's
    /// ``NormalizeStage`` settings fingerprint) is recorded on the batch for the workers that join it.
    public init(
        ledger: any BatchStore & IntakeStore & PageStore, policy: PipelinePolicy, workers: Int = 0, tool: String = "quire",
        settings: String? = nil
    ) {
        self.settings = settings
        self.ledger = ledger
        self.policy = policy
        let requested = workers > 0 ? workers : policy.intake.workers
        self.workers = WorkerCount.resolve(requested)
        self.tool = tool
    }

    /// The batch id an import of `delivery` uses: `batch`, or the delivery folder's name (nil when the folder
    /// cannot be resolved).
    public static func batchID(delivery: String, batch: String?) -> String? {
        guard let root = DeliveryWalker.realPath(delivery) else { return nil }
        return batch ?? (root as NSString).lastPathComponent
    }

    /// Imports `delivery` into the batch `batch` (default: the delivery folder's name).
    public func run(
        delivery: String, batch batchName: String?, archive: String?,
        progress: (@Sendable (Progress) -> Void)? = nil
    ) async throws(ImportError) -> ImportReport {
        try await run(
            delivery: delivery, batch: batchName, archive: archive, followUp: ImportFollowUp<Never>?.none, progress: progress)
    }

    /// Imports `delivery`, running `followUp` on each page that decodes, in the worker that decoded it.
    public func run<Output: Sendable>(
        delivery: String, batch batchName: String?, archive: String?, followUp: ImportFollowUp<Output>?,
        progress: (@Sendable (Progress) -> Void)? = nil
    ) async throws(ImportError) -> ImportReport {
        let started = Date()
        let naming: NamingRule
        do { naming = try policy.intake.namingRule() } catch {
            throw .policy(PolicyError(file: policy.name, key: "import.naming", message: error.description))
        }
        guard let root = DeliveryWalker.realPath(delivery) else {
            throw .deliveryUnreadable(path: delivery, reason: String(cString: strerror(errno)))
        }
        let batchID = batchName ?? (root as NSString).lastPathComponent
        let batch: BatchInfo
        do {
            batch = try ledger.openBatch(
                BatchInfo(
                    id: batchID, delivery: root, archive: archive ?? policy.archive,
                    pipeline: policy.name, createdAt: Date().formatted(.iso8601), settings: settings))
        } catch { throw .ledger(error) }
        guard batch.delivery == root else {
            throw .batchConflict(batch: batchID, registeredDelivery: batch.delivery, givenDelivery: root)
        }

        let intake = policy.intake
        let entries = try DeliveryWalker.walk(root: root, ignore: { intake.ignores(fileName: $0) })
        var known: [String: KnownFile]
        var slots: [PageSlot: String]
        do {
            known = try ledger.knownFiles(batch: batchID)
            // A page no master could be made of, whose file has since changed (the vendor rescanned it, as the
            // failure asked), is examined again as a new file instead of being reported as changed.
            let failed = try ledger.normalizationFailures(batch: batchID, code: nil)
            let rescanned = entries.filter { entry in
                guard failed[entry.path] != nil, let seen = known[entry.path], seen.kind == .page else { return false }
                return seen.size != entry.size || seen.mtimeNanoseconds != entry.mtimeNanoseconds
            }.map(\.path)
            if !rescanned.isEmpty {
                try ledger.releaseFailedPages(batch: batchID, paths: rescanned, tool: tool)
                known = try ledger.knownFiles(batch: batchID)
            }
            slots = try ledger.pageSlots(batch: batchID)
        } catch { throw .ledger(error) }

        // Plan: what each entry needs this run.
        var plan: [Work] = []
        var released: [String] = []
        var unchanged = 0
        for entry in entries {
            guard let seen = known[entry.path] else { plan.append(.examine(entry)); continue }
            if seen.size == entry.size && seen.mtimeNanoseconds == entry.mtimeNanoseconds { unchanged += 1; continue }
            switch seen.kind {
            case .page: plan.append(.recheck(entry, seen.sha256 ?? ""))
            case .quarantined:
                released.append(entry.path)
                plan.append(.examine(entry))
            }
        }

        let examiner = FileExaminer(
            root: root, naming: naming,
            formats: Set(intake.formats),
            decodeOptions: DecodeOptions(
                maxPixels: intake.maxMegapixels * 1_000_000,
                acceptMultiPage: intake.multiPage == .accept))
        // Follow-up planning: files per record, and the files whose page slot another file also claims.
        var followed = Set<Int>()
        if let followUp {
            var perCode: [String: Int] = [:]
            var claimed = Set(slots.keys)
            for (index, work) in plan.enumerated() {
                guard case .examine(let entry) = work, let name = try? naming.map(entry.path) else { continue }
                perCode[name.code.canonical, default: 0] += 1
                if claimed.insert(PageSlot(code: name.code.canonical, page: name.page)).inserted { followed.insert(index) }
            }
            followUp.planned(perCode)
        }

        var settledFiles: [SettledFile<Output>] = []
        var stopped = false
        var chunk = ImportCommit()
        chunk.released = released
        var chunkCount = 0
        var runDigests: [String: String] = [:]
        var stats = (registered: 0, decoded: 0, bytes: Int64(0), quarantined: 0)
        var failure: QuireError?

        func flush() {
            guard failure == nil, !chunk.isEmpty else { return }
            do { try ledger.commit(chunk, batch: batchID, tool: tool) } catch { failure = error }
            chunk = ImportCommit()
            chunkCount = 0
            // The files are durable in the ledger: tell the follow-up, in order.
            if failure == nil, let followUp {
                for file in settledFiles where !followUp.settled(file) { stopped = true }
            }
            settledFiles.removeAll()
        }

        /// Turns an accepted page into a quarantine when its bytes or its slot are taken.
        func settle(_ page: PageRecord, earlier: [String: PageLocation]) -> QuarantineRecord? {
            let slot = PageSlot(code: page.code, page: page.page)
            var reason: QuarantineReason?
            var detail = ""
            if let other = runDigests[page.sha256] {
                reason = .duplicate
                detail = "same bytes as \(other), delivered twice"
            } else if let other = earlier[page.sha256] {
                reason = .duplicate
                detail =
                    other.batch == batchID
                    ? "same bytes as \(other.path), delivered twice"
                    : "same bytes as \(other.path) in batch \(other.batch)"
            } else if let other = slots[slot] {
                reason = .duplicatePage
                detail = "page \(page.page) of \(page.code) is already \(other); remove one of the two files"
            }
            if let reason {
                let record = QuarantineRecord(
                    path: page.path, size: page.size, mtimeNanoseconds: page.mtimeNanoseconds,
                    sha256: page.sha256, reason: reason, detail: detail,
                    code: page.code, page: page.page)
                chunk.quarantined.append(record)
                stats.quarantined += 1
                return record
            } else {
                runDigests[page.sha256] = page.path
                slots[slot] = page.path
                chunk.pages.append(page)
                stats.registered += 1
                return nil
            }
        }

        /// Settles a run of outcomes in delivery order.
        func settleRun(_ ready: [(FileExaminer.Outcome, Output?)]) {
            guard !ready.isEmpty else { return }
            let digests = Set(ready.compactMap { if case .page(let p) = $0.0 { p.sha256 } else { nil } })
            let earlier: [String: PageLocation]
            do { earlier = try ledger.pagesWithDigests(digests) } catch { failure = error; return }
            for (outcome, output) in ready {
                switch outcome {
                case .page(let page):
                    stats.decoded += 1
                    stats.bytes += page.size
                    if let duplicate = settle(page, earlier: earlier) {
                        settledFiles.append(.quarantined(duplicate, output: output))
                    } else {
                        settledFiles.append(.page(page, output: output))
                    }
                case .quarantined(let record):
                    settledFiles.append(.quarantined(record, output: nil))
                    if record.reason == .corrupt || record.reason == .unsupported {
                        stats.decoded += 1
                        stats.bytes += record.size
                    }
                    chunk.quarantined.append(record)
                    stats.quarantined += 1
                case .sameBytes(let path, let mtime):
                    chunk.touched.append((path, mtime))
                case .changed(let change):
                    chunk.changed.append(change)
                }
                chunkCount += 1
            }
            // With follow-up work waiting on it, every step is committed at once (the follow-up streams).
            if chunkCount >= commitEvery || followUp != nil { flush() }
        }

        let total = plan.count
        let keeping = followUp?.algorithms
        let items = plan.enumerated().map { index, work in (work, followed.contains(index) ? followUp : nil) }
        var done = 0
        // At most `workers` files in flight, never more than a few beyond the oldest unsettled one, so that
        // nothing piles up behind a slow file; outcomes are settled in delivery order.
        await WorkerPool(workers: workers).forEachInOrder(
            items, window: 4 * workers,
            { work, follow in
                switch work {
                case .examine(let entry):
                    return examiner.examine(entry, keeping: follow == nil ? nil : keeping) { follow!.process($0) }
                case .recheck(let entry, let sha): return (examiner.recheck(entry, registeredSHA256: sha), nil)
                }
            }
        ) { _, ready in
            guard failure == nil else { return false }
            settleRun(ready)
            done += ready.count
            if failure != nil { return false }
            progress?(Progress(done: done, total: total, quarantined: stats.quarantined))
            return !stopped
        }
        flush()
        if let failure { throw .ledger(failure) }

        // Record-level checks over everything the batch holds.
        let report: ImportReport
        do {
            var flags: [RecordFlag] = []
            for (code, numbers) in try ledger.pageNumbers(batch: batchID) {
                let present = Set(numbers)
                guard let last = present.max() else { continue }
                let missing = (1...last).filter { !present.contains($0) }
                if !missing.isEmpty {
                    flags.append(
                        RecordFlag(
                            code: code, rule: .pageGap,
                            detail: "page\(missing.count == 1 ? "" : "s") \(PageRanges.describe(missing)) missing from 1–\(last)")
                    )
                }
            }
            try ledger.replaceFlags(flags, rules: Self.recordRules, batch: batchID)
            let counts = try ledger.counts(batch: batchID)
            report = ImportReport(
                batch: batchID, delivery: root, accepted: counts.pages, registeredThisRun: stats.registered,
                unchanged: unchanged, records: counts.records,
                quarantined: try ledger.quarantined(batch: batchID).map {
                    .init(path: $0.path, reason: $0.reason, detail: $0.detail)
                },
                flaggedRecords: try ledger.flags(batch: batchID), changed: try ledger.changedFiles(batch: batchID),
                decoded: stats.decoded, decodedBytes: stats.bytes, seconds: Date().timeIntervalSince(started))
        } catch { throw .ledger(error) }
        return report
    }
}

/// What the import does with one file of the delivery this run.
private enum Work: Sendable {
    /// Examine a file never seen (or a quarantined file that changed).
    case examine(DeliveryEntry)
    /// Re-hash a registered page whose size or mtime moved (its registered SHA-256).
    case recheck(DeliveryEntry, String)
}
