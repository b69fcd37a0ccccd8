import BlockingWork
public import QuireCore
public import Catalog
import DurableIO
import Fixity
import Foundation
public import ImageCodecs
import ImageOps
public import Ledger
public import Policy
import Raster

/// The normalize stage: from every imported page, the preservation master, the access copy and the
/// thumbnail, as the pipeline's policy says (DA/T 31-2017 §9–10).
///
/// Per page, from one decode: the colour mode is chosen (bitonal stays bitonal; gray stays gray; colour
/// stays colour — or becomes gray only when the policy reduces plain colour and no red seal or letterhead
/// is found); border crop and deskew are applied when switched on; blank pages are flagged, never
/// dropped; a resolution below the policy's minimum fails the page. The master is a TIFF (G4 for
/// bitonal, LZW or Deflate with predictor otherwise) with resolution, ImageDescription (档号 and page),
/// Software and the scanner's Make/Model/DateTime when given — and no wall-clock time, so the same input
/// gives the same bytes. The access JPEG and the thumbnail are area-averaged, the thumbnail from the
/// access copy. Every file is written to a temporary name, fsynced and renamed; the ledger learns of it
/// only afterwards.
///
/// Layout in the workspace (`WorkspaceLayout`): `masters/<档号>/<page>.tif`, `access/<档号>/<page>.jpg`,
/// `thumbs/<档号>/<page>.jpg`, page numbers zero-padded to the naming rule's width.
public struct NormalizeStage: Sendable {
    /// TIFF tags taken from the delivery's process metadata.
    public struct ScannerTags: Sendable, Equatable {
        /// The scanner's maker, written as the TIFF Make tag; nil writes none.
        public var make: String?
        /// The scanner's model, written as the TIFF Model tag; nil writes none.
        public var model: String?
        /// `YYYY:MM:DD HH:MM:SS`.
        public var dateTime: String?

        /// Makes tag values.
        public init(make: String? = nil, model: String? = nil, dateTime: String? = nil) {
            self.make = make
            self.model = model
            self.dateTime = dateTime
        }

        /// The tags a delivery's process metadata gives: the scanner's make and model, and the scan date as the
        /// TIFF DateTime at midnight (`2026-11-02` → `2026:11:02 00:00:00`); none where the metadata is silent.
        public init(_ process: ProcessMetadata) {
            self.init(
                make: process.scanner?.make, model: process.scanner?.model,
                dateTime: process.scanDate.map { $0.replacingOccurrences(of: "-", with: ":") + " 00:00:00" })
        }
    }

    /// What a run did.
    public struct Report: Sendable, Codable {
        /// The batch normalized.
        public var batch: String
        /// Pages this run made a master, access copy and thumbnail of (flagged ones included).
        public var normalized: Int
        /// Pages this run could make no master of.
        public var failed: Int
        /// Pages not worked on: they had a master already, or the caller skipped them.
        public var alreadyDone: Int
        /// Pages flagged (blank, residual skew) but normalized.
        public var flagged: Int
        /// Bytes of the source files of the pages this run processed.
        public var bytesRead: Int64
        /// Bytes of the outputs written: masters, access copies and thumbnails.
        public var bytesWritten: Int64
        /// Wall-clock seconds of the run.
        public var seconds: Double
        /// Every page check this run raised (warnings and errors), sorted by path, then rule.
        public var checks: [PageCheck]
    }

    let ledger: any BatchStore & PageStore & FixityStore
    let policy: PipelinePolicy
    let workspace: String
    let workers: Int
    /// How old a temporary of a process not running here must be to be taken for a stray: 0 in a workspace this
    /// process holds alone; longer where other machines write (a shared ledger), whose pids mean nothing here.
    public var strayTemporaryAge: Double = 0
    let version: String
    let tags: ScannerTags

    /// Makes the stage; `workers` 0 means one per core.
    public init(
        ledger: any BatchStore & PageStore & FixityStore, policy: PipelinePolicy, workspace: String, workers: Int = 0,
        version: String,
        tags: ScannerTags = ScannerTags()
    ) {
        self.ledger = ledger
        self.policy = policy
        self.workspace = workspace
        self.workers = WorkerCount.resolve(workers)
        self.version = version
        self.tags = tags
    }

    /// Why the stage stopped.
    public enum StopError: Error, Sendable, CustomStringConvertible, QuireErrorConvertible {
        case ledger(QuireError)
        /// The disk filled up: the run stops; pages already finished are kept, and a new run resumes.
        case diskFull(DiskFull)

        /// The ledger error's message, or the full disk's.
        public var description: String {
            switch self {
            case .ledger(let error): error.description
            case .diskFull(let full): full.description
            }
        }

        /// The stage stopped: exit 3.
        public var quireError: QuireError { QuireError(.couldNotRun, stage: .normalize, message: description) }
    }

    /// Removes temporary files left in the output folders by a process that died while writing. Call it only
    /// while no normalization is running on this workspace.
    public func removeStrayTemporaries() {
        for folder in WorkspaceLayout(root: workspace).outputFolders {
            DurableFile.removeStrayTemporaries(in: folder, minimumAge: strayTemporaryAge)
        }
    }

    /// Normalizes one page from its decoded image, writing its outputs durably under staged names
    /// (`DurableFile.stagedPath(for:)`): the caller publishes them once the page is registered — or removes them
    /// when it turns out a duplicate — and then records the result (`completeNormalization`).
    public func normalizeStaged(_ page: PageRecord, decoded: DecodedImage) -> NormalizedPage {
        PageNormalizer(policy: policy, workspace: workspace, delivery: "", software: "Quire \(version)", tags: tags)
            .normalize(page, decoded: decoded, staged: true)
    }

    /// Normalizes one registered page from its source in `delivery`, writing its outputs durably in place (the
    /// caller records the result): what a worker does with a page it claimed.
    public func normalize(_ page: PageRecord, delivery: String) -> NormalizedPage {
        PageNormalizer(policy: policy, workspace: workspace, delivery: delivery, software: "Quire \(version)", tags: tags)
            .normalize(page)
    }

    /// Normalizes every page of `batch` that has no master yet, except those in `skipping` (paths: pages a
    /// streaming run has just tried and failed).
    public func run(batch: String, skipping: Set<String> = [], progress: (@Sendable (Int, Int) -> Void)? = nil)
        async throws(StopError) -> Report
    {
        do { return try await runPages(batch: batch, skipping: skipping, progress: progress) } catch let error as StopError {
            throw error
        } catch {
            throw .ledger(error as? QuireError ?? QuireError(.couldNotRun, stage: .normalize, message: "\(error)"))
        }
    }

    private func runPages(batch: String, skipping: Set<String>, progress: (@Sendable (Int, Int) -> Void)?) async throws -> Report
    {
        let started = Date()
        guard let info = try ledger.batch(id: batch) else {
            throw QuireError(
                .couldNotRun, stage: .normalize, message: "no batch '\(batch)' in this workspace; run 'quire import' first")
        }
        removeStrayTemporaries()
        let mastered = Set(try ledger.fixityRecords(batch: batch).filter { $0.role == .master }.map { $0.path })
        let layout = WorkspaceLayout(root: workspace, pageDigits: policy.intake.pageDigits)
        let pages = try ledger.pages(batch: batch)
        let todo = pages.filter {
            !skipping.contains($0.path) && !mastered.contains(layout.relativePath(of: .master, code: $0.code, page: $0.page))
        }
        let normalizer = PageNormalizer(
            policy: policy, workspace: workspace, delivery: info.delivery,
            software: "Quire \(version)", tags: tags)
        var report = Report(
            batch: batch, normalized: 0, failed: 0, alreadyDone: pages.count - todo.count, flagged: 0,
            bytesRead: 0, bytesWritten: 0, seconds: 0, checks: [])
        var failure: (any Error)?
        let tool = "quire \(version)"
        let sizes = Dictionary(todo.map { ($0.path, $0.size) }, uniquingKeysWith: { a, _ in a })
        var done = 0
        await WorkerPool(workers: workers).forEach(todo, { normalizer.normalize($0) }) { _, result in
            if let full = result.diskFull {
                // Not recorded as the page's fault: the page is simply not done, and a later run redoes it.
                failure = failure ?? StopError.diskFull(full)
                return false
            }
            if failure != nil { return false }  // let the pages in flight finish; submit no more
            do throws(QuireError) { try ledger.completeNormalization(result, batch: batch, tool: tool) } catch {
                failure = error
                return false
            }
            done += 1
            if result.outputs.isEmpty { report.failed += 1 } else { report.normalized += 1 }
            if !result.outputs.isEmpty && !result.checks.isEmpty { report.flagged += 1 }
            report.checks += result.checks
            report.bytesWritten += result.outputs.reduce(0) { $0 + $1.size }
            report.bytesRead += sizes[result.path] ?? 0
            progress?(done, todo.count)
            return true
        }
        if let failure { throw failure }
        report.checks.sort { ($0.path, $0.rule.rawValue) < ($1.path, $1.rule.rawValue) }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }
}
