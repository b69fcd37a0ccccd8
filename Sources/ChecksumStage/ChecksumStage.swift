public import QuireCore
import BlockingWork
import Fixity
import Foundation
public import Ledger
public import Policy

/// The checksum stage and the periodic fixity audit.
///
/// `record` digests every file of a batch that has no fixity record yet with all the algorithms the
/// policy names, in one read per file, in a pool of workers, and stores the digests in the ledger.
/// `check` re-hashes recorded files and reports drift (the bytes changed) and missing files.
///
/// ```swift
/// let stage = ChecksumStage(ledger: ledger, policy: policy)
/// let recorded = try await stage.record(batch: "day-07")
/// let audit = try await stage.check(batch: nil, paths: nil)
/// ```
public struct ChecksumStage: Sendable {
    let ledger: any BatchStore & PageStore & FixityStore
    let algorithms: [DigestAlgorithm]
    let workers: Int
    let tool: String
    /// Absolute path of the workspace, for files Quire wrote.
    let workspace: String

    /// Progress: files done and to do.
    public typealias Progress = @Sendable (_ done: Int, _ total: Int) -> Void

    /// Makes the stage; `workers` 0 means one per core.
    public init(
        ledger: any BatchStore & PageStore & FixityStore, policy: PipelinePolicy, workspace: String, workers: Int = 0,
        tool: String = "quire"
    ) {
        self.ledger = ledger
        self.algorithms = policy.fixity.algorithms
        self.workers = WorkerCount.resolve(workers)
        self.tool = tool
        self.workspace = workspace
    }

    /// What `record` did.
    public struct RecordReport: Sendable, Codable {
        /// The batch whose source pages were digested.
        public var batch: String
        /// The algorithms computed, by raw name (`sha256`, `sha512`, …), as the policy's fixity section lists them.
        public var algorithms: [String]
        /// Files digested by this run.
        public var recorded: Int
        /// Files that already had digests.
        public var alreadyRecorded: Int
        /// Bytes read.
        public var bytes: Int64
        /// Files that could not be read, with the reason.
        public var failures: [Failure]
        /// Wall-clock seconds of the pass.
        public var seconds: Double
    }

    /// A file that could not be read or hashed.
    public struct Failure: Sendable, Codable, Equatable {
        /// The page's path, relative to the delivery folder.
        public var path: String
        /// Why: the read error, or a SHA-256 that differs from the one registered at import.
        public var reason: String
    }

    /// Digests the batch's accepted source pages that have no fixity record yet.
    public func record(batch: String, progress: Progress? = nil) async throws(QuireError) -> RecordReport {
        let started = Date()
        guard let info = try ledger.batch(id: batch) else {
            throw QuireError(
                .couldNotRun, stage: .checksum, message: "no batch '\(batch)' in this workspace; run 'quire import' first")
        }
        let done = Set(try ledger.fixityRecords(batch: batch).filter { $0.root == .delivery }.map(\.path))
        let pages = try ledger.pages(batch: batch)
        let todo = pages.filter { !done.contains($0.path) }
        let algorithms = self.algorithms
        let root = info.delivery
        var failures: [Failure] = []
        var records: [FixityRecord] = []
        var bytes: Int64 = 0

        let outcomes = await map(todo.map { (root + "/" + $0.path, $0.path) }, progress: progress) { full, _ in
            Result { () throws(FixityError) -> [DigestAlgorithm: String] in
                try FileDigester.digest(path: full, algorithms: algorithms)
            }
        }
        for (page, outcome) in zip(todo, outcomes) {
            switch outcome {
            case .success(let digests):
                // The import recorded the SHA-256 of the bytes it decoded; a different value now means the
                // file changed between import and checksum: that is drift, not a new baseline.
                if let sha = digests[.sha256], sha != page.sha256 {
                    failures.append(
                        Failure(
                            path: page.path,
                            reason:
                                "SHA-256 \(sha) differs from the \(page.sha256) registered at import: the file changed after import"
                        ))
                    continue
                }
                records.append(
                    FixityRecord(
                        batch: batch, root: .delivery, path: page.path, role: .source, size: page.size,
                        digests: digests))
                bytes += page.size
            case .failure(let error):
                failures.append(Failure(path: page.path, reason: error.reason))
            }
            if records.count >= 256 {
                try ledger.recordFixity(records, batch: batch, tool: tool)
                records.removeAll()
            }
        }
        try ledger.recordFixity(records, batch: batch, tool: tool)
        return RecordReport(
            batch: batch, algorithms: algorithms.map(\.rawValue), recorded: todo.count - failures.count,
            alreadyRecorded: done.count, bytes: bytes, failures: failures,
            seconds: Date().timeIntervalSince(started))
    }

    /// What `check` found.
    public struct AuditReport: Sendable, Codable {
        /// One file's outcome.
        public struct Item: Sendable, Codable, Equatable {
            /// The batch the file belongs to.
            public var batch: String
            /// The file's path as recorded, relative to its delivery folder or to the workspace.
            public var path: String
            /// `ok`, `drift` or `missing`.
            public var status: FixityStatus
            /// What differed (digest and size) or why the file could not be read; nil when `ok`.
            public var detail: String?
        }

        /// Recorded files re-hashed.
        public var checked: Int
        /// Files whose every recorded digest still matches.
        public var ok: Int
        /// Files read whose bytes no longer match a recorded digest.
        public var drift: Int
        /// Files not found or not readable.
        public var missing: Int
        /// Bytes of the files found intact (`ok` only).
        public var bytes: Int64
        /// Wall-clock seconds of the check.
        public var seconds: Double
        /// Every file that is not `ok`.
        public var problems: [Item]

        /// Whether every file checked is intact.
        public var isClean: Bool { drift == 0 && missing == 0 }
    }

    /// Re-hashes recorded files: those of `batch` (or all batches), restricted to `paths` when given
    /// (relative paths as recorded, or absolute paths inside a delivery or the workspace).
    public func check(batch: String?, paths: [String]?, progress: Progress? = nil) async throws(QuireError) -> AuditReport {
        let started = Date()
        var roots: [String: String] = [:]
        for b in try ledger.batches() { roots[b.id] = b.delivery }
        var records = try ledger.fixityRecords(batch: batch)
        func absolute(_ r: FixityRecord) -> String { (r.root == .delivery ? roots[r.batch] ?? "" : workspace) + "/" + r.path }
        if let paths, !paths.isEmpty {
            let wanted = Set(paths.map { ($0 as NSString).standardizingPath })
            records = records.filter { wanted.contains($0.path) || wanted.contains((absolute($0) as NSString).standardizingPath) }
        }
        let outcomes = await map(records.map { (absolute($0), $0) }, progress: progress) {
            full, record -> (FixityStatus, String?) in
            let algorithms = Array(record.digests.keys)
            var info = stat()
            guard stat(full, &info) == 0 else { return (.missing, "file not found: \(full)") }
            do throws(FixityError) {
                let found = try FileDigester.digest(path: full, algorithms: algorithms)
                for algorithm in algorithms.sorted() {
                    let expected = record.digests[algorithm]!
                    if found[algorithm] != expected {
                        return (
                            .drift,
                            "\(algorithm.rawValue) is \(found[algorithm]!), recorded \(expected); size \(info.st_size) bytes, recorded \(record.size)"
                        )
                    }
                }
                return (.ok, nil)
            } catch {
                return (.missing, "cannot read: \(error.reason)")
            }
        }
        var report = AuditReport(checked: records.count, ok: 0, drift: 0, missing: 0, bytes: 0, seconds: 0, problems: [])
        var results: [(record: FixityRecord, status: FixityStatus)] = []
        for (record, (status, detail)) in zip(records, outcomes) {
            results.append((record, status))
            switch status {
            case .ok: report.ok += 1; report.bytes += record.size
            case .drift: report.drift += 1
            case .missing, .recorded: report.missing += 1
            }
            if status != .ok {
                report.problems.append(.init(batch: record.batch, path: record.path, status: status, detail: detail))
            }
        }
        try ledger.markFixityChecked(results, tool: tool)
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// Runs `body` over `items` in the stage's ``WorkerPool`` (on Dispatch threads), keeping the input order in
    /// the output.
    private func map<Item: Sendable, Context: Sendable, Output: Sendable>(
        _ items: [(Item, Context)], progress: Progress?, _ body: @escaping @Sendable (Item, Context) -> Output
    ) async -> [Output] {
        var results = [Output?](repeating: nil, count: items.count)
        var done = 0
        await WorkerPool(workers: workers).forEach(items, { body($0.0, $0.1) }) { index, output in
            results[index] = output
            done += 1
            progress?(done, items.count)
            return true
        }
        return results.map { $0! }
    }
}
