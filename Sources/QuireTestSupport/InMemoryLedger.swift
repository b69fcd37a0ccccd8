public import Ledger
public import QuireCore
import Synchronization

/// Every ledger store held in memory, behind one `Mutex`, with the semantics of `SQLiteLedger`: for stage tests
/// where the database is not the point, and as the second backend of the conformance suite (`LedgerConformance`),
/// which holds the two to the same behaviour.
///
/// What SQLite's schema enforces is enforced here too: a write that names an unknown batch fails (foreign keys), a
/// second page at one path or a second check of one rule fails (unique keys), and a write that fails writes
/// nothing (each write works on a copy of the state, kept only when the whole write succeeded). Text sorts as
/// SQLite's binary collation sorts it (UTF-8 bytes).
public final class InMemoryLedger: Ledger {
    /// The name errors give as the ledger's file.
    public static let file = "in-memory ledger"

    private let state = Mutex(State())

    /// An empty ledger.
    public init() {}

    // MARK: - State

    private struct BatchPath: Hashable {
        var batch: String
        var path: String
    }

    private struct BatchCode: Hashable {
        var batch: String
        var code: String
    }

    private struct FlagKey: Hashable {
        var batch: String
        var code: String
        var rule: RecordFlagRule
    }

    private struct ChangeKey: Hashable {
        var batch: String
        var path: String
        var found: String
    }

    private struct FixityKey: Hashable {
        var batch: String
        var root: FixityRecord.Root
        var path: String
    }

    private struct CheckKey: Hashable {
        var batch: String
        var path: String
        var stage: Stage
        var rule: PageCheckRule
    }

    private struct StoredPage {
        var id: Int
        var page: PageRecord
    }

    private struct StoredRecord {
        /// Insertion order (SQLite's rowid), which an upsert keeps.
        var sequence: Int
        var state: RecordState
        var problems: [BindingProblem] = []
        var metadataPath: String?
        var bag: String?
    }

    private struct StoredChange {
        var change: ChangedFile
        var detectedAt: String
    }

    private struct State {
        var sequence = 0
        var batches: [String: BatchInfo] = [:]
        var pages: [BatchPath: StoredPage] = [:]
        var quarantine: [BatchPath: QuarantineRecord] = [:]
        var records: [BatchCode: StoredRecord] = [:]
        var flags: [FlagKey: RecordFlag] = [:]
        var changes: [ChangeKey: StoredChange] = [:]
        var fixity: [FixityKey: FixityRecord] = [:]
        var catalog: [BatchCode: StoredBinding.CatalogRow] = [:]
        var checks: [CheckKey: PageCheck] = [:]
        var events: [LedgerEvent] = []
        var visualChecks: [VisualCheckMark] = []

        mutating func next() -> Int {
            sequence += 1
            return sequence
        }

        /// What SQLite's foreign keys refuse: a row of a batch that does not exist.
        func requireBatch(_ batch: String) throws(Violation) {
            guard batches[batch] != nil else { throw Violation("FOREIGN KEY constraint failed: no batch '\(batch)'") }
        }

        mutating func upsertFixity(_ r: FixityRecord, root: FixityRecord.Root, batch: String, now: String) throws(Violation) {
            try requireBatch(batch)
            fixity[FixityKey(batch: batch, root: root, path: r.path)] = FixityRecord(
                batch: batch, root: root, path: r.path, role: r.role, size: r.size, digests: r.digests, recordedAt: now,
                checkedAt: nil, status: .recorded)
        }

        mutating func recordFixity(_ records: [FixityRecord], batch: String, now: String, tool: String) throws(Violation) {
            for r in records {
                try upsertFixity(r, root: r.root, batch: batch, now: now)
                events.append(.fixityRecorded(r, batch: batch, tool: tool))
            }
            if Set(records.map(\.role)) == [.source] {
                for r in records {
                    let key = BatchPath(batch: batch, path: r.path)
                    if let page = pages[key], page.page.state == .decoded || page.page.state == .normalized {
                        pages[key]?.page.state = .digested
                    }
                }
            }
        }
    }

    /// A write SQLite's schema would refuse.
    private struct Violation: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// The batch's pages in the order they were registered (SQLite's rowid order).
    private static func pages(of batch: String, in state: borrowing State) -> [StoredPage] {
        state.pages.filter { $0.key.batch == batch }.values.sorted { $0.id < $1.id }
    }

    private func read<T: Sendable>(_ body: (borrowing State) -> T) -> T {
        state.withLock { state in body(state) }
    }

    /// Runs `body` on a copy of the state and keeps the copy only when `body` succeeds: one transaction.
    private func write<T: Sendable>(_ operation: String, _ body: (inout State) throws(Violation) -> T) throws(QuireError) -> T {
        let outcome: Result<T, Violation> = state.withLock { state in
            var draft = state
            do throws(Violation) {
                let value = try body(&draft)
                state = draft
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .success(let value): return value
        case .failure(let violation):
            throw QuireError.ledger(operation, file: Self.file, underlying: .init(source: "memory", message: violation.message))
        }
    }

    // MARK: - Batches

    /// The batch with this id, or nil. (``BatchStore``)
    public func batch(id: String) throws(QuireError) -> BatchInfo? {
        read { $0.batches[id] }
    }

    /// Every batch, oldest first (by creation time, then id). (``BatchStore``)
    public func batches() throws(QuireError) -> [BatchInfo] {
        read { state in
            state.batches.values.sorted { a, b in
                a.createdAt != b.createdAt ? a.createdAt.ledgerPrecedes(b.createdAt) : a.id.ledgerPrecedes(b.id)
            }
        }
    }

    /// Creates the batch, with a `batch.open` event, or returns the existing one with that id unchanged. (``BatchStore``)
    public func openBatch(_ batch: BatchInfo) throws(QuireError) -> BatchInfo {
        try write("open batch") { state in
            if var existing = state.batches[batch.id] {
                if let settings = batch.settings { existing.settings = settings }
                state.batches[batch.id] = existing
                return existing
            }
            state.batches[batch.id] = batch
            state.events.append(.batchOpened(batch))
            return batch
        }
    }

    /// Counts for the batch: pages (by state), quarantined files, records (by state), flagged records, changed files. (``BatchStore``)
    public func counts(batch: String) throws(QuireError) -> BatchCounts {
        read { state in
            var pages: [PageState: Int] = [:]
            for (key, stored) in state.pages where key.batch == batch { pages[stored.page.state, default: 0] += 1 }
            var records: [RecordState: Int] = [:]
            for (key, record) in state.records where key.batch == batch { records[record.state, default: 0] += 1 }
            return BatchCounts(
                pages: pages.values.reduce(0, +),
                quarantined: state.quarantine.keys.filter { $0.batch == batch }.count,
                records: records.values.reduce(0, +),
                flaggedRecords: Set(state.flags.keys.filter { $0.batch == batch }.map(\.code)).count,
                changed: Set(state.changes.keys.filter { $0.batch == batch }.map(\.path)).count,
                pagesByState: pages, recordsByState: records)
        }
    }

    // MARK: - Intake

    /// Files of the batch already registered or quarantined, by relative path (a quarantined entry wins over a. (``IntakeStore``)
    public func knownFiles(batch: String) throws(QuireError) -> [String: KnownFile] {
        read { state in
            var known: [String: KnownFile] = [:]
            for (key, stored) in state.pages where key.batch == batch {
                let p = stored.page
                known[p.path] = KnownFile(kind: .page, size: p.size, mtimeNanoseconds: p.mtimeNanoseconds, sha256: p.sha256)
            }
            for (key, q) in state.quarantine where key.batch == batch {
                known[q.path] = KnownFile(
                    kind: .quarantined, size: q.size, mtimeNanoseconds: q.mtimeNanoseconds, sha256: q.sha256)
            }
            return known
        }
    }

    /// For each digest given, the first page registered anywhere in the workspace with those bytes. (``IntakeStore``)
    public func pagesWithDigests(_ digests: Set<String>) throws(QuireError) -> [String: PageLocation] {
        read { state in
            var found: [String: (id: Int, location: PageLocation)] = [:]
            for (key, stored) in state.pages where digests.contains(stored.page.sha256) {
                if let earlier = found[stored.page.sha256], earlier.id < stored.id { continue }
                found[stored.page.sha256] = (stored.id, PageLocation(batch: key.batch, path: key.path))
            }
            return found.mapValues(\.location)
        }
    }

    /// The batch's pages by their (档号, page number) slot, for duplicate-page checks. (``IntakeStore``)
    public func pageSlots(batch: String) throws(QuireError) -> [PageSlot: String] {
        read { state in
            var slots: [PageSlot: String] = [:]
            for stored in Self.pages(of: batch, in: state) {
                slots[PageSlot(code: stored.page.code, page: stored.page.page)] = stored.page.path
            }
            return slots
        }
    }

    /// Writes one import step in one transaction, with an event per file: released quarantine entries go, pages. (``IntakeStore``)
    public func commit(_ commit: ImportCommit, batch: String, tool: String) throws(QuireError) {
        guard !commit.isEmpty else { return }
        let now = LedgerEvent.now()
        try write("commit import step") { state throws(Violation) in
            for path in commit.released {
                state.quarantine[BatchPath(batch: batch, path: path)] = nil
                state.events.append(.quarantineReleased(batch: batch, path: path, tool: tool))
            }
            for p in commit.pages {
                try state.requireBatch(batch)
                let key = BatchPath(batch: batch, path: p.path)
                guard state.pages[key] == nil else {
                    throw Violation("UNIQUE constraint failed: page.batch_id, page.path ('\(p.path)')")
                }
                state.pages[key] = StoredPage(id: state.next(), page: p)
                let record = BatchCode(batch: batch, code: p.code)
                if state.records[record] == nil { state.records[record] = StoredRecord(sequence: state.next(), state: .waiting) }
                state.events.append(.pageRegistered(p, batch: batch, tool: tool))
            }
            for q in commit.quarantined {
                try state.requireBatch(batch)
                state.quarantine[BatchPath(batch: batch, path: q.path)] = q
                if let code = q.code {
                    let record = BatchCode(batch: batch, code: code)
                    if state.records[record] == nil {
                        state.records[record] = StoredRecord(sequence: state.next(), state: .waiting)
                    }
                }
                state.events.append(.fileQuarantined(q, batch: batch, tool: tool))
            }
            for c in commit.changed {
                try state.requireBatch(batch)
                let key = ChangeKey(batch: batch, path: c.path, found: c.foundSHA256)
                if state.changes[key] == nil { state.changes[key] = StoredChange(change: c, detectedAt: now) }
                state.events.append(.fileChanged(c, batch: batch, tool: tool))
            }
            for t in commit.touched {
                state.pages[BatchPath(batch: batch, path: t.path)]?.page.mtimeNanoseconds = t.mtimeNanoseconds
            }
        }
    }

    /// Replaces the batch's record flags of the given rules by `flags`. (``IntakeStore``)
    public func replaceFlags(_ flags: [RecordFlag], rules: Set<RecordFlagRule>, batch: String) throws(QuireError) {
        try write("replace record flags") { state throws(Violation) in
            state.flags = state.flags.filter { !($0.key.batch == batch && rules.contains($0.key.rule)) }
            for f in flags {
                try state.requireBatch(batch)
                state.flags[FlagKey(batch: batch, code: f.code, rule: f.rule)] = f
            }
        }
    }

    /// Page numbers present (accepted, or quarantined with a known page) per record code. (``IntakeStore``)
    public func pageNumbers(batch: String) throws(QuireError) -> [String: [Int]] {
        read { state in
            var numbers: [String: [Int]] = [:]
            for stored in Self.pages(of: batch, in: state) {
                numbers[stored.page.code, default: []].append(stored.page.page)
            }
            for (key, q) in state.quarantine where key.batch == batch {
                if let code = q.code, let page = q.page { numbers[code, default: []].append(page) }
            }
            return numbers
        }
    }

    /// The batch's quarantined files, by path. (``IntakeStore``)
    public func quarantined(batch: String) throws(QuireError) -> [QuarantineRecord] {
        read { state in
            state.quarantine.filter { $0.key.batch == batch }.values.sorted { $0.path.ledgerPrecedes($1.path) }
        }
    }

    /// One record's quarantined files, by path. (``IntakeStore``)
    public func quarantined(batch: String, code: String) throws(QuireError) -> [QuarantineRecord] {
        try quarantined(batch: batch).filter { $0.code == code }
    }

    /// The batch's record flags, by code and rule. (``IntakeStore``)
    public func flags(batch: String) throws(QuireError) -> [RecordFlag] {
        read { state in
            state.flags.filter { $0.key.batch == batch }.values.sorted { a, b in
                a.code != b.code ? a.code.ledgerPrecedes(b.code) : a.rule.rawValue.ledgerPrecedes(b.rule.rawValue)
            }
        }
    }

    /// Files found changed after registration, by path. (``IntakeStore``)
    public func changedFiles(batch: String) throws(QuireError) -> [ChangedFile] {
        read { state in
            state.changes.filter { $0.key.batch == batch }.values.sorted { a, b in
                a.change.path != b.change.path
                    ? a.change.path.ledgerPrecedes(b.change.path) : a.detectedAt.ledgerPrecedes(b.detectedAt)
            }.map(\.change)
        }
    }

    /// Forgets pages whose last normalization failed and whose file has since been replaced (a rescan): their page. (``IntakeStore``)
    public func releaseFailedPages(batch: String, paths: [String], tool: String) throws(QuireError) {
        guard !paths.isEmpty else { return }
        try write("release pages for a rescan") { state in
            for path in paths {
                let failed = state.checks.contains { key, check in
                    key.batch == batch && key.path == path && key.stage == .normalize && check.severity == .error
                }
                guard failed else { continue }
                let key = BatchPath(batch: batch, path: path)
                let sha = state.pages[key]?.page.sha256
                state.pages[key] = nil
                state.checks = state.checks.filter { !($0.key.batch == batch && $0.key.path == path) }
                state.fixity[FixityKey(batch: batch, root: .delivery, path: path)] = nil
                state.changes = state.changes.filter { !($0.key.batch == batch && $0.key.path == path) }
                state.events.append(.pageReleased(path: path, sha256: sha, batch: batch, tool: tool))
            }
        }
    }

    // MARK: - Pages

    /// The batch's accepted pages, by code, page number and path. (``PageStore``)
    public func pages(batch: String) throws(QuireError) -> [PageRecord] {
        read { state in
            state.pages.filter { $0.key.batch == batch }.values.map(\.page).sorted { a, b in
                if a.code != b.code { return a.code.ledgerPrecedes(b.code) }
                if a.page != b.page { return a.page < b.page }
                return a.path.ledgerPrecedes(b.path)
            }
        }
    }

    /// One record's accepted pages, by page number and path. (``PageStore``)
    public func pages(batch: String, code: String) throws(QuireError) -> [PageRecord] {
        try pages(batch: batch).filter { $0.code == code }
    }

    /// Records one page's normalization in one transaction. (``PageStore``)
    public func completeNormalization(
        _ result: NormalizedPage, sourceFixity: FixityRecord?, batch: String, tool: String
    ) throws(QuireError) {
        let now = LedgerEvent.now()
        try write("record normalization") { state throws(Violation) in
            state.checks = state.checks.filter {
                !($0.key.batch == batch && $0.key.path == result.path && $0.key.stage == .normalize)
            }
            for c in result.checks {
                try state.requireBatch(batch)
                let key = CheckKey(batch: batch, path: result.path, stage: .normalize, rule: c.rule)
                guard state.checks[key] == nil else {
                    throw Violation("UNIQUE constraint failed: page_check (\(result.path), normalize, \(c.rule.rawValue))")
                }
                state.checks[key] = PageCheck(
                    path: result.path, stage: .normalize, rule: c.rule, severity: c.severity, detail: c.detail)
            }
            for r in result.outputs {
                try state.upsertFixity(r, root: .workspace, batch: batch, now: now)
            }
            let key = BatchPath(batch: batch, path: result.path)
            if !result.outputs.isEmpty, state.pages[key]?.page.state == .decoded {
                state.pages[key]?.page.state = .normalized
            }
            state.events.append(.pageNormalized(result, batch: batch, tool: tool))
            if let sourceFixity { try state.recordFixity([sourceFixity], batch: batch, now: now, tool: tool) }
        }
    }

    /// The batch's page checks, by path, stage and rule. (``PageStore``)
    public func pageChecks(batch: String) throws(QuireError) -> [PageCheck] {
        read { state in
            state.checks.filter { $0.key.batch == batch }.values.sorted(by: Self.checkOrder)
        }
    }

    private static func checkOrder(_ a: PageCheck, _ b: PageCheck) -> Bool {
        if a.path != b.path { return a.path.ledgerPrecedes(b.path) }
        if a.stage != b.stage { return a.stage.rawValue.ledgerPrecedes(b.stage.rawValue) }
        return a.rule.rawValue.ledgerPrecedes(b.rule.rawValue)
    }

    /// Why normalization failed, by page path, for the batch's pages whose last normalization failed (of one. (``PageStore``)
    public func normalizationFailures(batch: String, code: String?) throws(QuireError) -> [String: [PageCheck]] {
        read { state in
            let failing = state.checks.filter { key, check in
                guard key.batch == batch, key.stage == .normalize, check.severity == .error,
                    let page = state.pages[BatchPath(batch: batch, path: key.path)]
                else { return false }
                return code == nil || page.page.code == code
            }
            return Dictionary(grouping: failing.values.sorted(by: Self.checkOrder), by: \.path)
        }
    }

    // MARK: - Fixity

    /// Records (or replaces) the digests of files of `batch`, with an event each; a replaced record goes back to. (``FixityStore``)
    public func recordFixity(_ records: [FixityRecord], batch: String, tool: String) throws(QuireError) {
        guard !records.isEmpty else { return }
        let now = LedgerEvent.now()
        try write("record fixity") { state throws(Violation) in
            try state.recordFixity(records, batch: batch, now: now, tool: tool)
        }
    }

    private static func fixityOrder(_ a: FixityRecord, _ b: FixityRecord) -> Bool {
        if a.root != b.root { return a.root.rawValue.ledgerPrecedes(b.root.rawValue) }
        return a.path.ledgerPrecedes(b.path)
    }

    /// Fixity records of one batch (by root and path), or of every batch (by batch, root and path). (``FixityStore``)
    public func fixityRecords(batch: String?) throws(QuireError) -> [FixityRecord] {
        read { state in
            guard let batch else {
                return state.fixity.values.sorted { a, b in
                    a.batch != b.batch ? a.batch.ledgerPrecedes(b.batch) : Self.fixityOrder(a, b)
                }
            }
            return state.fixity.filter { $0.key.batch == batch }.values.sorted(by: Self.fixityOrder)
        }
    }

    /// Fixity records of the given relative paths (sources and outputs) in one batch, by root and path. (``FixityStore``)
    public func fixityRecords(batch: String, paths: [String]) throws(QuireError) -> [FixityRecord] {
        let wanted = Set(paths)
        return try fixityRecords(batch: batch).filter { wanted.contains($0.path) }
    }

    /// Stores the outcome of a fixity check, with an event each. (``FixityStore``)
    public func markFixityChecked(_ results: [(record: FixityRecord, status: FixityStatus)], tool: String) throws(QuireError) {
        guard !results.isEmpty else { return }
        let now = LedgerEvent.now()
        try write("record fixity check") { state in
            for (r, status) in results {
                let key = FixityKey(batch: r.batch, root: r.root, path: r.path)
                if state.fixity[key] != nil {
                    state.fixity[key]?.checkedAt = now
                    state.fixity[key]?.status = status
                }
                state.events.append(.fixityChecked(r, status: status, tool: tool))
                let code = r.demotedCode(status: status) { state.pages[BatchPath(batch: r.batch, path: r.path)]?.page.code }
                guard let code else { continue }
                let record = BatchCode(batch: r.batch, code: code)
                if let current = state.records[record]?.state, current.isPackaged {
                    state.records[record]?.state = .invalid
                    state.events.append(.recordInvalidated(code: code, by: r, status: status, tool: tool))
                }
            }
        }
    }

    // MARK: - Records

    /// Stores each record's binding outcome and, when the binding carries one, replaces the batch's catalog, in one. (``RecordStore``)
    public func storeBinding(_ binding: StoredBinding, batch: String, tool: String) throws(QuireError) {
        try write("store binding") { state throws(Violation) in
            if let catalog = binding.catalog {
                state.catalog = state.catalog.filter { $0.key.batch != batch }
                for c in catalog {
                    try state.requireBatch(batch)
                    let key = BatchCode(batch: batch, code: c.code)
                    guard state.catalog[key] == nil else {
                        throw Violation("UNIQUE constraint failed: catalog_record.batch_id, catalog_record.code ('\(c.code)')")
                    }
                    state.catalog[key] = c
                }
            }
            for r in binding.records {
                try state.requireBatch(batch)
                let key = BatchCode(batch: batch, code: r.code)
                if var existing = state.records[key] {
                    existing.state = r.state == .bound && existing.state.isPackaged ? existing.state : r.state
                    existing.problems = r.problems
                    existing.metadataPath = r.metadataPath
                    state.records[key] = existing
                } else {
                    state.records[key] = StoredRecord(
                        sequence: state.next(), state: r.state, problems: r.problems,
                        metadataPath: r.metadataPath)
                }
                if state.records[key]?.state == r.state {
                    state.events.append(.recordBound(r, batch: batch, tool: tool))
                }
            }
        }
    }

    /// The batch's records, by code. (``RecordStore``)
    public func records(batch: String) throws(QuireError) -> [RecordRow] {
        read { state in
            state.records.filter { $0.key.batch == batch }
                .map {
                    RecordRow(
                        code: $0.key.code, state: $0.value.state, problems: $0.value.problems,
                        metadataPath: $0.value.metadataPath, bag: $0.value.bag)
                }
                .sorted { $0.code.ledgerPrecedes($1.code) }
        }
    }

    /// Moves a record to `state`, remembering its bag when one is given, with an event. (``RecordStore``)
    public func markRecord(
        batch: String, code: String, state newState: RecordState, bag: String?, detail: String?, tool: String
    ) throws(QuireError) {
        try write("mark record") { state in
            let key = BatchCode(batch: batch, code: code)
            if var record = state.records[key] {
                record.state = newState
                record.bag = bag ?? record.bag
                state.records[key] = record
            }
            state.events.append(.recordMarked(code: code, state: newState, bag: bag, detail: detail, batch: batch, tool: tool))
        }
    }

    /// Records whose bags are packaged and verified, with the verification time, for quota reports; by that. (``RecordStore``)
    public func digitizedRecords() throws(QuireError) -> [DigitizedRecord] {
        read { state in
            var found: [(verifiedAt: String?, record: DigitizedRecord)] = []
            for (key, record) in state.records where record.state == .verified {
                guard let batch = state.batches[key.batch] else { continue }
                let verifiedAt = state.events.filter {
                    $0.batch == key.batch && $0.subject == key.code && $0.action == "record.verified"
                }.map(\.at).max { $0.ledgerPrecedes($1) }
                let pages = Self.pages(of: key.batch, in: state).filter { $0.page.code == key.code }.count
                // SQLite's LIKE 'masters/<code>/%': ASCII letters match either case.
                let prefix = "masters/\(key.code)/".lowercasedASCII
                let bytes = state.fixity.values.filter {
                    $0.batch == key.batch && $0.root == .workspace && $0.role == .master
                        && $0.path.lowercasedASCII.hasPrefix(prefix)
                }.reduce(Int64(0)) { $0 + $1.size }
                found.append(
                    (
                        verifiedAt,
                        DigitizedRecord(
                            batch: key.batch, archive: batch.archive, code: key.code,
                            verifiedAt: verifiedAt ?? "", pages: pages, bytes: bytes)
                    ))
            }
            // ORDER BY verified_at, code: a record with no verification event (NULL) first.
            return found.sorted { a, b in
                switch (a.verifiedAt, b.verifiedAt) {
                case (nil, .some): return true
                case (.some, nil): return false
                case (let x?, let y?) where x != y: return x.ledgerPrecedes(y)
                default: return a.record.code.ledgerPrecedes(b.record.code)
                }
            }.map(\.record)
        }
    }

    /// The record a bag path belongs to. (``RecordStore``)
    public func recordForBag(_ bag: String) throws(QuireError) -> (batch: String, code: String)? {
        read { state in
            state.records.filter { $0.value.bag == bag }.min { $0.value.sequence < $1.value.sequence }
                .map { ($0.key.batch, $0.key.code) }
        }
    }

    // MARK: - Events

    /// The events of one batch, or of every batch (and none) when `batch` is nil, oldest first. (``EventStore``)
    public func events(batch: String?) throws(QuireError) -> [LedgerEvent] {
        read { state in
            guard let batch else { return state.events }
            return state.events.filter { $0.batch == batch }
        }
    }
}

extension String {
    /// The string with ASCII letters lowered (SQLite's `LIKE` folds only those).
    fileprivate var lowercasedASCII: String {
        String(decoding: utf8.map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }
}

// MARK: - Visual checks

extension InMemoryLedger {
    /// Records a mark; a fail holds its record in the same transaction. (``VisualCheckStore``)
    public func recordVisualCheck(_ mark: VisualCheckMark, tool: String) throws(QuireError) {
        var mark = try mark.validated(file: Self.file)
        mark.at = LedgerEvent.now()
        let missing: Bool = read { state in
            !state.pages.values.contains {
                $0.page.code == mark.code && $0.page.page == mark.page
                    && state.pages.keys.contains(BatchPath(batch: mark.batch, path: $0.page.path))
            }
        }
        if missing {
            throw QuireError(
                .usage, stage: .ledger, file: Self.file,
                message: "visual check: batch \(mark.batch) has no page \(mark.page) of \(mark.code)")
        }
        try write("record a visual check") { state throws(Violation) in
            try state.requireBatch(mark.batch)
            state.visualChecks.append(mark)
            state.events.append(.visualCheck(mark, tool: tool))
            guard let problem = mark.problem else { return }
            let key = BatchCode(batch: mark.batch, code: mark.code)
            if var record = state.records[key] {
                record.state = .held
                record.problems.append(problem)
                state.records[key] = record
            }
            state.events.append(
                .recordMarked(code: mark.code, state: .held, bag: nil, detail: problem.description, batch: mark.batch, tool: tool)
            )
        }
    }

    /// Every mark of the batch, oldest first. (``VisualCheckStore``)
    public func visualChecks(batch: String) throws(QuireError) -> [VisualCheckMark] {
        read { state in state.visualChecks.filter { $0.batch == batch } }
    }

    /// Pages normalized per hour from `since` on. (``EventStore``)
    public func pagesNormalizedPerHour(since: String, batch: String?) throws(QuireError) -> [HourCount] {
        read { state in
            var counts: [String: Int] = [:]
            for e in state.events where e.action == "page.normalized" && e.at >= since && (batch == nil || e.batch == batch) {
                counts[String(e.at.prefix(13)), default: 0] += 1
            }
            return counts.sorted { $0.key < $1.key }.map { HourCount(hour: $0.key, count: $0.value) }
        }
    }
}
