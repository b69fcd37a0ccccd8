public import Ledger
package import QuireCore
public import Testing

import Foundation

/// The behaviour every ledger backend must have, written once: each ``Behaviour`` runs against a fresh, empty
/// ledger from the backend's factory and asserts with `#expect`/`#require`, so a test target runs
/// ``behaviours`` × its ``LedgerBackend``s as parameterized tests.
///
/// ```swift
/// @Test(arguments: [LedgerBackend.sqlite, .inMemory], LedgerConformance.behaviours)
/// func conforms(_ backend: LedgerBackend, _ behaviour: LedgerConformance.Behaviour) throws {
///     try backend.run(behaviour)
/// }
/// ```
public struct LedgerConformance: Sendable {
    /// Makes a fresh, empty ledger; called once or more per behaviour.
    public typealias Factory = @Sendable () throws -> any Ledger

    /// One behaviour of the suite, by name.
    public struct Behaviour: Sendable, CustomTestStringConvertible {
        /// What it checks, in words.
        public let name: String
        let body: @Sendable (LedgerConformance) throws -> Void

        init(_ name: String, _ body: @escaping @Sendable (LedgerConformance) throws -> Void) {
            self.name = name
            self.body = body
        }

        /// The name, as the test report shows it.
        public var testDescription: String { name }
    }

    let make: Factory

    /// A suite over the ledgers `make` returns.
    public init(_ make: @escaping Factory) {
        self.make = make
    }

    /// Runs one behaviour.
    public func run(_ behaviour: Behaviour) throws {
        try behaviour.body(self)
    }

    /// Every behaviour, each a test of its own.
    public static let behaviours: [Behaviour] = [
        Behaviour("batches open once and list oldest first") { try $0.batchesOpenOnceAndListOldestFirst() },
        Behaviour("an import commit round-trips pages, quarantine and changes") { try $0.importCommitRoundTrips() },
        Behaviour("a commit releases, replaces and touches") { try $0.commitReleasesReplacesAndTouches() },
        Behaviour("a failing commit writes nothing") { try $0.aFailingCommitWritesNothing() },
        Behaviour("writes to an unknown batch fail") { try $0.writesToAnUnknownBatchFail() },
        Behaviour("digests and slots find earlier pages") { try $0.digestsAndSlotsFindEarlierPages() },
        Behaviour("record flags are replaced by rule") { try $0.flagsAreReplacedByRule() },
        Behaviour("page numbers include quarantined pages") { try $0.pageNumbersIncludeQuarantinedPages() },
        Behaviour("normalization records outputs and checks") { try $0.normalizationRecordsOutputsAndChecks() },
        Behaviour("page states only move forward") { try $0.pageStatesOnlyMoveForward() },
        Behaviour("two checks of one rule fail the whole normalization") { try $0.twoChecksOfOneRuleFailTheNormalization() },
        Behaviour("releasing failed pages forgets only those") { try $0.releasingFailedPagesForgetsOnlyThose() },
        Behaviour("fixity round-trips, replaces and orders") { try $0.fixityRoundTripsReplacesAndOrders() },
        Behaviour("fixity checks store status and demote packaged records") { try $0.fixityChecksDemotePackagedRecords() },
        Behaviour("binding stores records and the catalog") { try $0.bindingStoresRecordsAndCatalog() },
        Behaviour("binding again keeps packaged records and demotes held ones") { try $0.bindingAgainKeepsPackagedRecords() },
        Behaviour("marking a record keeps its bag unless given") { try $0.markingARecordKeepsItsBag() },
        Behaviour("digitized records are the verified ones") { try $0.digitizedRecordsAreTheVerifiedOnes() },
        Behaviour("events are appended in order") { try $0.eventsAreAppendedInOrder() },
        Behaviour("a failed visual check holds its record") { try $0.aFailedVisualCheckHoldsItsRecord() },
        Behaviour("pages per hour count normalized pages") { try $0.pagesPerHourCountNormalizedPages() },
    ]

    // MARK: - Fixtures

    static let t0 = "2026-11-25T08:00:00.000Z"
    static let t1 = "2026-11-25T09:00:00.000Z"

    /// A fresh ledger holding the batches named (created at ``t0``, delivery `/d/<id>`).
    func ledger(batches: String...) throws -> any Ledger {
        let ledger = try make()
        for id in batches {
            _ = try ledger.openBatch(
                BatchInfo(id: id, delivery: "/d/\(id)", archive: "city", pipeline: "dat31", createdAt: Self.t0))
        }
        return ledger
    }

    package static func page(
        _ path: String, code: String, page: Int, sha: String? = nil, state: PageState = .decoded, dpi: Double? = 300
    ) -> PageRecord {
        PageRecord(
            path: path, size: 1000 + Int64(page), mtimeNanoseconds: 1_700_000_000_000_000_000 + Int64(page),
            sha256: sha ?? "sha256-of-" + path,
            format: "tiff", width: 2480, height: 3508, bitsPerSample: 8, samplesPerPixel: 1, colorType: "gray",
            compression: "lzw", dpiX: dpi, dpiY: dpi, frames: 1, code: code, page: page, state: state)
    }

    static func quarantine(
        _ path: String, _ reason: QuarantineReason = .corrupt, code: String? = nil, page: Int? = nil, detail: String = "truncated"
    ) -> QuarantineRecord {
        QuarantineRecord(
            path: path, size: 10, mtimeNanoseconds: 5, sha256: reason == .emptyFile ? nil : "ab", reason: reason,
            detail: detail, code: code, page: page)
    }

    package static func commit(pages: [PageRecord] = [], quarantined: [QuarantineRecord] = [], changed: [ChangedFile] = [])
        -> ImportCommit
    {
        var commit = ImportCommit()
        commit.pages = pages
        commit.quarantined = quarantined
        commit.changed = changed
        return commit
    }

    package static func output(_ role: FileRole, _ path: String, size: Int64 = 100, sha: String = "11") -> FixityRecord {
        FixityRecord(batch: "", root: .workspace, path: path, role: role, size: size, digests: [.sha256: sha, .md5: "22"])
    }

    package static func source(_ path: String, batch: String = "b", sha: String = "33") -> FixityRecord {
        FixityRecord(batch: batch, root: .delivery, path: path, role: .source, size: 1000, digests: [.sha256: sha, .sm3: "44"])
    }

    package static func normalized(_ page: PageRecord, outputs: Bool = true, checks: [PageCheck] = []) -> NormalizedPage {
        let number = String(format: "%04ld", page.page)
        return NormalizedPage(
            path: page.path,
            outputs: outputs
                ? [
                    output(.master, "masters/\(page.code)/\(number).tif"), output(.access, "access/\(page.code)/\(number).jpg"),
                    output(.thumbnail, "thumbs/\(page.code)/\(number).jpg"),
                ] : [],
            checks: checks, steps: [ProcessStep(.master, ["compression": "deflate"])])
    }

    package static func check(_ path: String, _ rule: PageCheckRule, _ severity: Severity, _ detail: String = "why") -> PageCheck
    {
        PageCheck(path: path, stage: .normalize, rule: rule, severity: severity, detail: detail)
    }

    static func actions(_ events: [LedgerEvent]) -> [String] { events.map(\.action) }

    // MARK: - Batches

    func batchesOpenOnceAndListOldestFirst() throws {
        let ledger = try make()
        #expect(try ledger.batches().isEmpty)
        #expect(try ledger.batch(id: "b") == nil)
        let b = BatchInfo(id: "b", delivery: "/d/b", archive: nil, pipeline: "dat31", createdAt: Self.t0)
        let a = BatchInfo(id: "a", delivery: "/d/a", archive: "city", pipeline: "dat31", createdAt: Self.t1)
        let c = BatchInfo(id: "c", delivery: "/d/c", archive: nil, pipeline: "custom", createdAt: Self.t0)
        #expect(try ledger.openBatch(b) == b)
        #expect(try ledger.openBatch(a) == a)
        #expect(try ledger.openBatch(c) == c)
        // Opening again returns the batch as first registered, whatever is given.
        let again = try ledger.openBatch(
            BatchInfo(id: "b", delivery: "/elsewhere", archive: "x", pipeline: "p", createdAt: Self.t1))
        #expect(again == b)
        #expect(try ledger.batch(id: "a") == a)
        // The settings its pages are made with are kept, and the latest registration's win (nil leaves them).
        let made = BatchInfo(
            id: "s", delivery: "/d/s", archive: nil, pipeline: "dat31", createdAt: Self.t1, settings: "sha256:aa")
        #expect(try ledger.openBatch(made).settings == "sha256:aa")
        var changed = made
        changed.settings = "sha256:bb"
        #expect(try ledger.openBatch(changed).settings == "sha256:bb")
        changed.settings = nil
        #expect(try ledger.openBatch(changed).settings == "sha256:bb")
        #expect(try ledger.batch(id: "s")?.settings == "sha256:bb")
        #expect(try ledger.batches().map(\.id) == ["b", "c", "a", "s"])
        let events = try ledger.events(batch: nil)
        #expect(events.map(\.action) == ["batch.open", "batch.open", "batch.open", "batch.open"])
        #expect(events.map(\.subject) == ["/d/b", "/d/a", "/d/c", "/d/s"])
        #expect(events.map(\.detail) == ["dat31", "dat31", "custom", "dat31"])
        #expect(events.map(\.batch) == ["b", "a", "c", "s"])
        let empty = try ledger.counts(batch: "b")
        #expect(empty == BatchCounts(pages: 0, quarantined: 0, records: 0, flaggedRecords: 0, changed: 0, pagesByState: [:]))
    }

    // MARK: - Intake

    func importCommitRoundTrips() throws {
        let ledger = try ledger(batches: "b", "other")
        let pages = [
            Self.page("b/2.tif", code: "0001-001-0002", page: 1, dpi: nil),
            Self.page("a/10.tif", code: "0001-001-0001", page: 2),
            Self.page("a/9.tif", code: "0001-001-0001", page: 1, state: .registered),
            Self.page("Z/1.tif", code: "Z109-WS·2011-Y-0001", page: 1),
        ]
        let quarantined = [
            Self.quarantine("a/3.tif", .corrupt, code: "0001-001-0001", page: 3),
            Self.quarantine("Thumbs.db", .unknownFormat, detail: "no image signature"),
            Self.quarantine("c/1.tif", .emptyFile, code: "0001-001-0003", page: 1),
        ]
        let change = ChangedFile(path: "a/9.tif", registeredSHA256: "aa", foundSHA256: "bb", foundSize: 77)
        try ledger.commit(Self.commit(pages: pages, quarantined: quarantined, changed: [change]), batch: "b", tool: "test 1")

        // Pages by code, page and path (binary order: "Z" before digits-only codes sort by bytes).
        #expect(try ledger.pages(batch: "b") == [pages[2], pages[1], pages[0], pages[3]])
        #expect(try ledger.pages(batch: "b", code: "0001-001-0001") == [pages[2], pages[1]])
        #expect(try ledger.pages(batch: "b", code: "nope").isEmpty)
        #expect(try ledger.pages(batch: "other").isEmpty)
        #expect(try ledger.quarantined(batch: "b") == [quarantined[1], quarantined[0], quarantined[2]])
        #expect(try ledger.quarantined(batch: "b", code: "0001-001-0001") == [quarantined[0]])
        #expect(try ledger.changedFiles(batch: "b") == [change])

        // Each code with a page or a quarantined file is a waiting record.
        let records = try ledger.records(batch: "b")
        #expect(records.map(\.code) == ["0001-001-0001", "0001-001-0002", "0001-001-0003", "Z109-WS·2011-Y-0001"])
        #expect(records.allSatisfy { $0.state == .waiting && $0.problems.isEmpty && $0.metadataPath == nil && $0.bag == nil })

        let known = try ledger.knownFiles(batch: "b")
        #expect(known.count == 7)
        #expect(
            known["a/10.tif"]
                == KnownFile(
                    kind: .page, size: pages[1].size, mtimeNanoseconds: pages[1].mtimeNanoseconds,
                    sha256: pages[1].sha256))
        #expect(known["c/1.tif"] == KnownFile(kind: .quarantined, size: 10, mtimeNanoseconds: 5, sha256: nil))
        #expect(try ledger.knownFiles(batch: "other").isEmpty)

        let counts = try ledger.counts(batch: "b")
        #expect(
            counts
                == BatchCounts(
                    pages: 4, quarantined: 3, records: 4, flaggedRecords: 0, changed: 1,
                    pagesByState: [.decoded: 3, .registered: 1], recordsByState: [.waiting: 4]))

        // One event per file, naming what was learnt.
        let events = try ledger.events(batch: "b").dropFirst()
        #expect(events.count == 8)
        #expect(events.allSatisfy { $0.tool == "test 1" && $0.batch == "b" })
        let registered = try #require(events.first { $0.subject == "a/9.tif" && $0.action.hasPrefix("page.") })
        #expect(registered.action == "page.registered")
        #expect(registered.detail == "sha256=\(pages[2].sha256) code=0001-001-0001 page=1")
        let held = try #require(events.first { $0.subject == "Thumbs.db" })
        #expect(held.action == "file.quarantined")
        #expect(held.detail == "unknown_format: no image signature")
        let changed = try #require(events.first { $0.action == "file.changed" })
        #expect(changed.detail == "registered sha256=aa found sha256=bb")
        // An empty commit writes nothing at all.
        try ledger.commit(ImportCommit(), batch: "b", tool: "test")
        #expect(try ledger.events(batch: "b").count == 9)
    }

    func commitReleasesReplacesAndTouches() throws {
        let ledger = try ledger(batches: "b")
        let page = Self.page("a/1.tif", code: "0001-001-0001", page: 1)
        try ledger.commit(
            Self.commit(pages: [page], quarantined: [Self.quarantine("a/2.tif", code: "0001-001-0001", page: 2)]),
            batch: "b", tool: "t")
        // The same path quarantined again replaces the entry.
        let replacement = Self.quarantine("a/2.tif", .tooLarge, code: "0001-001-0001", page: 2, detail: "too big")
        try ledger.commit(Self.commit(quarantined: [replacement]), batch: "b", tool: "t")
        #expect(try ledger.quarantined(batch: "b") == [replacement])
        // Released: gone; touched: the new mtime, nothing else.
        var step = ImportCommit()
        step.released = ["a/2.tif"]
        step.touched = [(path: "a/1.tif", mtimeNanoseconds: 42)]
        try ledger.commit(step, batch: "b", tool: "t")
        #expect(try ledger.quarantined(batch: "b").isEmpty)
        #expect(try ledger.knownFiles(batch: "b")["a/2.tif"] == nil)
        var touched = page
        touched.mtimeNanoseconds = 42
        #expect(try ledger.pages(batch: "b") == [touched])
        #expect(try ledger.knownFiles(batch: "b")["a/1.tif"]?.mtimeNanoseconds == 42)
        let release = try #require(try ledger.events(batch: "b").last)
        #expect(release.action == "quarantine.release")
        #expect(release.subject == "a/2.tif")
        #expect(release.detail == "file changed; examined again")
        // A change is reported once per bytes found (each report still logged); counted once per path.
        let first = ChangedFile(path: "a/1.tif", registeredSHA256: page.sha256, foundSHA256: "cc", foundSize: 1)
        let second = ChangedFile(path: "a/1.tif", registeredSHA256: page.sha256, foundSHA256: "dd", foundSize: 2)
        try ledger.commit(Self.commit(changed: [first]), batch: "b", tool: "t")
        try ledger.commit(Self.commit(changed: [first, second]), batch: "b", tool: "t")
        #expect(try ledger.changedFiles(batch: "b").count == 2)
        #expect(Set(try ledger.changedFiles(batch: "b").map(\.foundSHA256)) == ["cc", "dd"])
        #expect(try ledger.events(batch: "b").filter { $0.action == "file.changed" }.count == 3)
        #expect(try ledger.counts(batch: "b").changed == 1)
        // The record of a released file stays (records are never deleted by the import).
        #expect(try ledger.records(batch: "b").map(\.code) == ["0001-001-0001"])
    }

    func aFailingCommitWritesNothing() throws {
        let ledger = try ledger(batches: "b")
        let first = Self.page("a/1.tif", code: "0001-001-0001", page: 1)
        try ledger.commit(Self.commit(pages: [first]), batch: "b", tool: "t")
        let eventsBefore = try ledger.events(batch: nil)
        // A new page, a quarantined file of a new record, and a page at a path the batch already holds.
        let step = Self.commit(
            pages: [Self.page("a/2.tif", code: "0001-001-0001", page: 2), Self.page("a/1.tif", code: "0001-001-0009", page: 1)],
            quarantined: [Self.quarantine("x/1.tif", code: "0001-001-0005", page: 1)],
            changed: [ChangedFile(path: "a/1.tif", registeredSHA256: "aa", foundSHA256: "bb", foundSize: 1)])
        let error = try #require(throws: QuireError.self) { try ledger.commit(step, batch: "b", tool: "t") }
        #expect(error.stage == .ledger)
        #expect(error.kind == .couldNotRun)
        #expect(error.file != nil)
        #expect(error.underlying != nil)
        #expect(error.message.contains("commit import step"))
        #expect(try ledger.pages(batch: "b") == [first])
        #expect(try ledger.quarantined(batch: "b").isEmpty)
        #expect(try ledger.changedFiles(batch: "b").isEmpty)
        #expect(try ledger.records(batch: "b").map(\.code) == ["0001-001-0001"])
        #expect(try ledger.events(batch: nil) == eventsBefore)
    }

    func writesToAnUnknownBatchFail() throws {
        let ledger = try ledger(batches: "b")
        let page = Self.page("a/1.tif", code: "0001-001-0001", page: 1)
        #expect(throws: QuireError.self) { try ledger.commit(Self.commit(pages: [page]), batch: "nope", tool: "t") }
        #expect(throws: QuireError.self) {
            try ledger.recordFixity([Self.source("a/1.tif", batch: "nope")], batch: "nope", tool: "t")
        }
        #expect(throws: QuireError.self) {
            try ledger.storeBinding(
                StoredBinding(catalog: nil, records: [RecordRow(code: "c", state: .bound, metadataPath: nil)]),
                batch: "nope", tool: "t")
        }
        #expect(throws: QuireError.self) {
            try ledger.replaceFlags([RecordFlag(code: "c", rule: .pageGap, detail: "d")], rules: [.pageGap], batch: "nope")
        }
        #expect(try ledger.pages(batch: "nope").isEmpty)
        #expect(try ledger.fixityRecords(batch: nil).isEmpty)
        #expect(try ledger.events(batch: "nope").isEmpty)
    }

    func digestsAndSlotsFindEarlierPages() throws {
        let ledger = try ledger(batches: "b1", "b2")
        try ledger.commit(
            Self.commit(pages: [
                Self.page("x/1.tif", code: "0001-001-0001", page: 1, sha: "s1"),
                Self.page("x/2.tif", code: "0001-001-0001", page: 2, sha: "s2"),
            ]),
            batch: "b1", tool: "t")
        try ledger.commit(
            Self.commit(pages: [
                Self.page("y/1.tif", code: "0001-001-0001", page: 1, sha: "s1"),
                Self.page("y/3.tif", code: "0002-001-0001", page: 3, sha: "s3"),
            ]),
            batch: "b2", tool: "t")
        #expect(try ledger.pagesWithDigests([]).isEmpty)
        let found = try ledger.pagesWithDigests(["s1", "s3", "unknown"])
        #expect(found == ["s1": PageLocation(batch: "b1", path: "x/1.tif"), "s3": PageLocation(batch: "b2", path: "y/3.tif")])
        #expect(
            try ledger.pageSlots(batch: "b1") == [
                PageSlot(code: "0001-001-0001", page: 1): "x/1.tif",
                PageSlot(code: "0001-001-0001", page: 2): "x/2.tif",
            ])
        #expect(
            try ledger.pageSlots(batch: "b2") == [
                PageSlot(code: "0001-001-0001", page: 1): "y/1.tif",
                PageSlot(code: "0002-001-0001", page: 3): "y/3.tif",
            ])
        #expect(try ledger.pageSlots(batch: "none").isEmpty)
    }

    func flagsAreReplacedByRule() throws {
        let ledger = try ledger(batches: "b", "c")
        let flags = [
            RecordFlag(code: "0001-001-0002", rule: .pageGap, detail: "page 2 missing from 1–3"),
            RecordFlag(code: "0001-001-0001", rule: .pageGap, detail: "pages 4–5 missing from 1–6"),
        ]
        try ledger.replaceFlags(flags, rules: [.pageGap], batch: "b")
        try ledger.replaceFlags([RecordFlag(code: "0009-001-0001", rule: .pageGap, detail: "x")], rules: [.pageGap], batch: "c")
        #expect(try ledger.flags(batch: "b") == [flags[1], flags[0]])
        #expect(try ledger.counts(batch: "b").flaggedRecords == 2)
        // Replacing the rule's flags: the new set only, other batches untouched.
        let fixed = RecordFlag(code: "0001-001-0001", rule: .pageGap, detail: "page 5 missing from 1–6")
        try ledger.replaceFlags([fixed], rules: [.pageGap], batch: "b")
        #expect(try ledger.flags(batch: "b") == [fixed])
        try ledger.replaceFlags([], rules: [.pageGap], batch: "b")
        #expect(try ledger.flags(batch: "b").isEmpty)
        #expect(try ledger.counts(batch: "b").flaggedRecords == 0)
        // Flags of rules not named are kept.
        try ledger.replaceFlags([], rules: [], batch: "c")
        #expect(try ledger.flags(batch: "c").count == 1)
    }

    func pageNumbersIncludeQuarantinedPages() throws {
        let ledger = try ledger(batches: "b")
        try ledger.commit(
            Self.commit(
                pages: [
                    Self.page("a/1.tif", code: "A", page: 1), Self.page("a/4.tif", code: "A", page: 4),
                    Self.page("b/2.tif", code: "B", page: 2),
                ],
                quarantined: [
                    Self.quarantine("a/3.tif", code: "A", page: 3), Self.quarantine("a/x.tif", code: "A"),
                    Self.quarantine("junk"),
                ]),
            batch: "b", tool: "t")
        let numbers = try ledger.pageNumbers(batch: "b").mapValues { $0.sorted() }
        #expect(numbers == ["A": [1, 3, 4], "B": [2]])
        #expect(try ledger.pageNumbers(batch: "other").isEmpty)
    }

    // MARK: - Pages

    func normalizationRecordsOutputsAndChecks() throws {
        let ledger = try ledger(batches: "b")
        let good = Self.page("a/1.tif", code: "A", page: 1)
        let bad = Self.page("a/2.tif", code: "A", page: 2)
        let other = Self.page("b/1.tif", code: "B", page: 1)
        try ledger.commit(Self.commit(pages: [good, bad, other]), batch: "b", tool: "t")

        let blank = Self.check(good.path, .blankPage, .warning, "page looks blank")
        try ledger.completeNormalization(Self.normalized(good, checks: [blank]), batch: "b", tool: "n")
        try ledger.completeNormalization(
            Self.normalized(
                bad, outputs: false,
                checks: [
                    Self.check(bad.path, .lowResolution, .error, "150 dpi"),
                    Self.check(bad.path, .decodeWarning, .warning, "extraneous bytes"),
                ]),
            batch: "b", tool: "n")
        try ledger.completeNormalization(
            Self.normalized(other, outputs: false, checks: [Self.check(other.path, .decodeFailed, .error, "truncated")]),
            batch: "b", tool: "n")

        #expect(try ledger.pages(batch: "b").map(\.state) == [.normalized, .decoded, .decoded])
        let outputs = try ledger.fixityRecords(batch: "b")
        #expect(outputs.map(\.path) == ["access/A/0001.jpg", "masters/A/0001.tif", "thumbs/A/0001.jpg"])
        #expect(outputs.allSatisfy { $0.root == .workspace && $0.batch == "b" && $0.status == .recorded && $0.recordedAt != nil })
        #expect(outputs.map(\.role) == [.access, .master, .thumbnail])
        #expect(outputs[1].digests == [.sha256: "11", .md5: "22"])
        #expect(
            try ledger.pageChecks(batch: "b") == [
                blank, Self.check(bad.path, .decodeWarning, .warning, "extraneous bytes"),
                Self.check(bad.path, .lowResolution, .error, "150 dpi"),
                Self.check(other.path, .decodeFailed, .error, "truncated"),
            ])
        #expect(
            try ledger.normalizationFailures(batch: "b", code: nil) == [
                bad.path: [Self.check(bad.path, .lowResolution, .error, "150 dpi")],
                other.path: [Self.check(other.path, .decodeFailed, .error, "truncated")],
            ])
        #expect(try ledger.normalizationFailures(batch: "b", code: "B").keys.sorted() == [other.path])
        #expect(try ledger.normalizationFailures(batch: "b", code: "C").isEmpty)

        let events = try ledger.events(batch: "b").filter { $0.tool == "n" }
        #expect(events.map(\.action) == ["page.normalized", "page.normalize-failed", "page.normalize-failed"])
        #expect(events[0].subject == good.path)
        #expect(events[0].detail == #"[{"compression":"deflate","step":"master"}]"#)

        // Normalized again, now successfully, with the source's digests from the same read: its checks are
        // replaced, it drops out of the failures, and it is digested.
        try ledger.completeNormalization(Self.normalized(bad), sourceFixity: Self.source(bad.path), batch: "b", tool: "n")
        #expect(try ledger.normalizationFailures(batch: "b", code: "A").isEmpty)
        #expect(try ledger.pageChecks(batch: "b").map(\.path) == [good.path, other.path])
        #expect(try ledger.pages(batch: "b", code: "A").map(\.state) == [.normalized, .digested])
        let source = try #require(try ledger.fixityRecords(batch: "b", paths: [bad.path]).first)
        #expect(source.root == .delivery && source.role == .source && source.digests == [.sha256: "33", .sm3: "44"])
        #expect(try ledger.events(batch: "b").suffix(2).map(\.action) == ["page.normalized", "fixity.recorded"])
    }

    func pageStatesOnlyMoveForward() throws {
        let ledger = try ledger(batches: "b")
        let registered = Self.page("a/1.tif", code: "A", page: 1, state: .registered)
        let decoded = Self.page("a/2.tif", code: "A", page: 2)
        let normalized = Self.page("a/3.tif", code: "A", page: 3)
        let digested = Self.page("a/4.tif", code: "A", page: 4)
        try ledger.commit(Self.commit(pages: [registered, decoded, normalized, digested]), batch: "b", tool: "t")
        try ledger.completeNormalization(Self.normalized(normalized), batch: "b", tool: "t")
        try ledger.completeNormalization(
            Self.normalized(digested), sourceFixity: Self.source(digested.path), batch: "b", tool: "t")
        #expect(try ledger.pages(batch: "b").map(\.state) == [.registered, .decoded, .normalized, .digested])
        // Normalizing a digested page again leaves it digested; a registered page (never decoded) is not moved.
        try ledger.completeNormalization(Self.normalized(digested), batch: "b", tool: "t")
        try ledger.completeNormalization(Self.normalized(registered), batch: "b", tool: "t")
        #expect(try ledger.pages(batch: "b").map(\.state) == [.registered, .decoded, .normalized, .digested])
        // Source digests move decoded and normalized pages to digested, never a registered one.
        try ledger.recordFixity(
            [Self.source(registered.path), Self.source(decoded.path), Self.source(normalized.path)],
            batch: "b", tool: "t")
        #expect(try ledger.pages(batch: "b").map(\.state) == [.registered, .digested, .digested, .digested])
        #expect(try ledger.counts(batch: "b").pagesByState == [.registered: 1, .digested: 3])
    }

    func twoChecksOfOneRuleFailTheNormalization() throws {
        let ledger = try ledger(batches: "b")
        let page = Self.page("a/1.tif", code: "A", page: 1)
        try ledger.commit(Self.commit(pages: [page]), batch: "b", tool: "t")
        let before = try ledger.events(batch: "b")
        let twice = Self.normalized(
            page,
            checks: [
                Self.check(page.path, .decodeWarning, .warning, "one"),
                Self.check(page.path, .decodeWarning, .warning, "two"),
            ])
        let error = try #require(throws: QuireError.self) { try ledger.completeNormalization(twice, batch: "b", tool: "t") }
        #expect(error.stage == .ledger)
        #expect(try ledger.fixityRecords(batch: "b").isEmpty)
        #expect(try ledger.pageChecks(batch: "b").isEmpty)
        #expect(try ledger.pages(batch: "b").map(\.state) == [.decoded])
        #expect(try ledger.events(batch: "b") == before)
    }

    func releasingFailedPagesForgetsOnlyThose() throws {
        let ledger = try ledger(batches: "b")
        let failed = Self.page("a/1.tif", code: "A", page: 1, sha: "f1")
        let fine = Self.page("a/2.tif", code: "A", page: 2)
        let untried = Self.page("a/3.tif", code: "A", page: 3)
        let warned = Self.page("a/4.tif", code: "A", page: 4)
        try ledger.commit(
            Self.commit(
                pages: [failed, fine, untried, warned],
                changed: [ChangedFile(path: failed.path, registeredSHA256: "f1", foundSHA256: "f2", foundSize: 9)]),
            batch: "b", tool: "t")
        try ledger.recordFixity([Self.source(failed.path), Self.source(fine.path)], batch: "b", tool: "t")
        try ledger.completeNormalization(
            Self.normalized(failed, outputs: false, checks: [Self.check(failed.path, .decodeFailed, .error)]),
            batch: "b", tool: "t")
        try ledger.completeNormalization(Self.normalized(fine), batch: "b", tool: "t")
        try ledger.completeNormalization(
            Self.normalized(warned, checks: [Self.check(warned.path, .skew, .warning)]), batch: "b", tool: "t")

        try ledger.releaseFailedPages(batch: "b", paths: [], tool: "r")
        try ledger.releaseFailedPages(
            batch: "b", paths: [failed.path, fine.path, untried.path, warned.path, "gone.tif"], tool: "r")
        #expect(try ledger.pages(batch: "b").map(\.path) == [fine.path, untried.path, warned.path])
        #expect(try ledger.knownFiles(batch: "b")[failed.path] == nil)
        #expect(try ledger.pageChecks(batch: "b").map(\.path) == [warned.path])
        #expect(try ledger.fixityRecords(batch: "b", paths: [failed.path, fine.path]).map(\.path) == [fine.path])
        #expect(try ledger.changedFiles(batch: "b").isEmpty)
        #expect(try ledger.normalizationFailures(batch: "b", code: nil).isEmpty)
        let released = try ledger.events(batch: "b").filter { $0.tool == "r" }
        #expect(released.map(\.action) == ["page.release"])
        #expect(released.first?.subject == failed.path)
        #expect(released.first?.detail == "normalization had failed and the file was replaced (was sha256=f1); examined again")
        // The slot is free again: the rescanned file can be registered.
        try ledger.commit(Self.commit(pages: [Self.page(failed.path, code: "A", page: 1, sha: "f2")]), batch: "b", tool: "t")
        #expect(try ledger.pages(batch: "b", code: "A").first?.sha256 == "f2")
    }

    // MARK: - Fixity

    func fixityRoundTripsReplacesAndOrders() throws {
        let ledger = try ledger(batches: "b", "a")
        #expect(try ledger.fixityRecords(batch: "b", paths: []).isEmpty)
        try ledger.recordFixity([], batch: "b", tool: "t")
        #expect(try ledger.events(batch: "b").count == 1)
        let master = FixityRecord(
            batch: "b", root: .workspace, path: "masters/A/0001.tif", role: .master, size: 500,
            digests: [.sha256: "aa", .sha512: "bb", .md5: "cc", .sm3: "dd"])
        let metadata = FixityRecord(
            batch: "b", root: .workspace, path: "metadata/A/record.xml", role: .metadata, size: 7,
            digests: [.sha256: "ee"])
        let source = Self.source("A/0001.tif")
        try ledger.recordFixity([metadata, master, source], batch: "b", tool: "t")
        try ledger.recordFixity([Self.source("A/0001.tif", batch: "a")], batch: "a", tool: "t")

        let stored = try ledger.fixityRecords(batch: "b")
        #expect(stored.map(\.path) == ["A/0001.tif", "masters/A/0001.tif", "metadata/A/record.xml"])
        #expect(stored.map(\.root) == [.delivery, .workspace, .workspace])
        #expect(stored[1].digests == master.digests)
        #expect(stored[1].role == .master && stored[1].size == 500 && stored[1].status == .recorded && stored[1].checkedAt == nil)
        #expect(
            try ledger.fixityRecords(batch: nil).map { "\($0.batch) \($0.path)" }
                == ["a A/0001.tif", "b A/0001.tif", "b masters/A/0001.tif", "b metadata/A/record.xml"])
        #expect(
            try ledger.fixityRecords(batch: "b", paths: ["metadata/A/record.xml", "A/0001.tif", "none"]).map(\.path)
                == ["A/0001.tif", "metadata/A/record.xml"])
        let logged = try #require(try ledger.events(batch: "b").first { $0.subject == master.path })
        #expect(logged.action == "fixity.recorded")
        #expect(logged.detail == "md5=cc sha256=aa sha512=bb sm3=dd")

        // Checked, then recorded again: the new digests, and back to `recorded`.
        try ledger.markFixityChecked([(stored[1], .ok)], tool: "t")
        let checked = try #require(try ledger.fixityRecords(batch: "b", paths: [master.path]).first)
        #expect(checked.status == .ok && checked.checkedAt != nil)
        var replaced = master
        replaced.digests = [.sha256: "ff"]
        replaced.size = 600
        try ledger.recordFixity([replaced], batch: "b", tool: "t")
        let again = try #require(try ledger.fixityRecords(batch: "b", paths: [master.path]).first)
        #expect(again.digests == [.sha256: "ff"] && again.size == 600 && again.status == .recorded && again.checkedAt == nil)
    }

    /// A batch "b" with record A packaged (master `masters/A/0001.tif`, source `A/0001.tif`), B verified and C
    /// only bound.
    func packagedLedger() throws -> any Ledger {
        let ledger = try ledger(batches: "b")
        let pages = [
            Self.page("A/0001.tif", code: "A", page: 1), Self.page("B/0001.tif", code: "B", page: 1),
            Self.page("C/0001.tif", code: "C", page: 1),
        ]
        try ledger.commit(Self.commit(pages: pages), batch: "b", tool: "t")
        for page in pages {
            try ledger.completeNormalization(Self.normalized(page), sourceFixity: Self.source(page.path), batch: "b", tool: "t")
        }
        try ledger.storeBinding(
            StoredBinding(
                catalog: nil,
                records: ["A", "B", "C"].map {
                    RecordRow(code: $0, state: .bound, metadataPath: "metadata/\($0)/record.xml")
                }), batch: "b", tool: "t")
        try ledger.markRecord(batch: "b", code: "A", state: .packaged, bag: "/bags/A", detail: nil, tool: "t")
        try ledger.markRecord(batch: "b", code: "B", state: .verified, bag: "/bags/B", detail: nil, tool: "t")
        return ledger
    }

    func fixityChecksDemotePackagedRecords() throws {
        let ledger = try packagedLedger()
        func record(_ path: String) throws -> FixityRecord {
            try #require(try ledger.fixityRecords(batch: "b", paths: [path]).first)
        }
        func states() throws -> [String: RecordState] {
            Dictionary(uniqueKeysWithValues: try ledger.records(batch: "b").map { ($0.code, $0.state) })
        }
        try ledger.markFixityChecked([], tool: "f")
        // ok, and a source missing from the delivery: nothing demoted.
        try ledger.markFixityChecked([(try record("masters/A/0001.tif"), .ok), (try record("A/0001.tif"), .missing)], tool: "f")
        #expect(try states() == ["A": .packaged, "B": .verified, "C": .bound])
        #expect(try record("A/0001.tif").status == .missing)
        #expect(try record("masters/A/0001.tif").status == .ok)
        // An output that drifted demotes its packaged record; one missing demotes a verified one; a record only
        // bound is not demoted.
        try ledger.markFixityChecked(
            [
                (try record("access/A/0001.jpg"), .drift), (try record("thumbs/B/0001.jpg"), .missing),
                (try record("masters/C/0001.tif"), .drift),
            ], tool: "f")
        #expect(try states() == ["A": .invalid, "B": .invalid, "C": .bound])
        let demotions = try ledger.events(batch: "b").filter { $0.action == "record.invalid" }
        #expect(demotions.map(\.subject) == ["A", "B"])
        #expect(demotions.map(\.detail) == ["fixity drift: access/A/0001.jpg", "fixity missing: thumbs/B/0001.jpg"])
        #expect(
            try ledger.events(batch: "b").filter { $0.tool == "f" }.map(\.action)
                == [
                    "fixity.ok", "fixity.missing", "fixity.drift", "record.invalid", "fixity.missing", "record.invalid",
                    "fixity.drift",
                ])
        // A source whose bytes drifted demotes its page's record.
        try ledger.markRecord(batch: "b", code: "C", state: .verified, bag: "/bags/C", detail: nil, tool: "t")
        try ledger.markFixityChecked([(try record("C/0001.tif"), .drift)], tool: "f")
        #expect(try states()["C"] == .invalid)
        #expect(try ledger.events(batch: "b").last?.detail == "fixity drift: source C/0001.tif")
        #expect(try ledger.counts(batch: "b").recordsByState == [.invalid: 3])
    }

    // MARK: - Records

    func bindingStoresRecordsAndCatalog() throws {
        let ledger = try ledger(batches: "b")
        let problems = [
            BindingProblem(rule: .pageCountMismatch, detail: "2 accepted images against 页数 3; 1 quarantined"),
            BindingProblem(rule: .quarantinedPages, detail: "1 file quarantined: a/3.tif (page 3): corrupt"),
        ]
        let catalog = [
            StoredBinding.CatalogRow(code: "A", line: 2, fields: [.init(name: "题名", key: "title", value: "x")], pageCount: 3),
            StoredBinding.CatalogRow(code: "B", line: 3, fields: [], pageCount: nil),
        ]
        try ledger.storeBinding(
            StoredBinding(
                catalog: catalog,
                records: [
                    RecordRow(code: "B", state: .bound, metadataPath: "metadata/B/record.xml"),
                    RecordRow(code: "A", state: .held, problems: problems, metadataPath: "metadata/A/record.xml"),
                ]), batch: "b", tool: "bind")
        #expect(
            try ledger.records(batch: "b") == [
                RecordRow(code: "A", state: .held, problems: problems, metadataPath: "metadata/A/record.xml"),
                RecordRow(code: "B", state: .bound, metadataPath: "metadata/B/record.xml"),
            ])
        let events = try ledger.events(batch: "b").filter { $0.tool == "bind" }
        #expect(events.map(\.action) == ["record.bound", "record.held"])
        #expect(events[0].detail == nil)
        #expect(
            events[1].detail == #"[{"detail":"2 accepted images against 页数 3; 1 quarantined","rule":"page_count_mismatch"},"#
                + #"{"detail":"1 file quarantined: a/3.tif (page 3): corrupt","rule":"quarantined_pages"}]"#)
        // A catalog with one code twice is refused, and nothing of that binding is written.
        let twice = StoredBinding(
            catalog: [catalog[0], catalog[0]], records: [RecordRow(code: "A", state: .bound, metadataPath: nil)])
        #expect(throws: QuireError.self) { try ledger.storeBinding(twice, batch: "b", tool: "bind") }
        #expect(try ledger.records(batch: "b").first?.state == .held)
        // Binding some records only (no catalog) keeps the catalog and the other records.
        try ledger.storeBinding(
            StoredBinding(catalog: nil, records: [RecordRow(code: "A", state: .bound, metadataPath: "m")]),
            batch: "b", tool: "bind")
        #expect(try ledger.records(batch: "b").map(\.state) == [.bound, .bound])
        #expect(try ledger.records(batch: "b").first?.problems == [])
        #expect(try ledger.counts(batch: "b").recordsByState == [.bound: 2])
    }

    func bindingAgainKeepsPackagedRecords() throws {
        let ledger = try packagedLedger()
        try ledger.markRecord(batch: "b", code: "C", state: .held, bag: nil, detail: nil, tool: "t")
        let gap = [BindingProblem(rule: .pageGap, detail: "missing page 2")]
        try ledger.storeBinding(
            StoredBinding(
                catalog: nil,
                records: [
                    RecordRow(code: "A", state: .bound, metadataPath: "metadata/A/record.xml"),
                    RecordRow(code: "B", state: .held, problems: gap, metadataPath: "metadata/B/record.xml"),
                    RecordRow(code: "C", state: .bound, metadataPath: "metadata/C/record.xml"),
                ]), batch: "b", tool: "again")
        let records = try ledger.records(batch: "b")
        #expect(records.map(\.state) == [.packaged, .held, .bound])
        #expect(records[1].problems == gap)
        // The bags are remembered; only records whose state is the one given are logged.
        #expect(records.map(\.bag) == ["/bags/A", "/bags/B", nil])
        #expect(try ledger.events(batch: "b").filter { $0.tool == "again" }.map(\.subject) == ["B", "C"])
        // Only verified records count toward quotas: the demoted one no longer does.
        #expect(try ledger.digitizedRecords().isEmpty)
    }

    func markingARecordKeepsItsBag() throws {
        let ledger = try packagedLedger()
        #expect(try ledger.recordForBag("/bags/A").map { "\($0.batch) \($0.code)" } == "b A")
        #expect(try ledger.recordForBag("/bags/none") == nil)
        try ledger.markRecord(batch: "b", code: "A", state: .verified, bag: nil, detail: "quire verify", tool: "v")
        try ledger.markRecord(batch: "b", code: "C", state: .packaged, bag: "/bags/C", detail: nil, tool: "v")
        let records = try ledger.records(batch: "b")
        #expect(records.map(\.state) == [.verified, .verified, .packaged])
        #expect(records.map(\.bag) == ["/bags/A", "/bags/B", "/bags/C"])
        #expect(try ledger.recordForBag("/bags/C").map(\.code) == "C")
        let events = try ledger.events(batch: "b").filter { $0.tool == "v" }
        #expect(events.map(\.action) == ["record.verified", "record.packaged"])
        #expect(events.map(\.detail) == ["quire verify", "/bags/C"])
        // A record the batch does not have: nothing changes, but the attempt is logged.
        try ledger.markRecord(batch: "b", code: "Z", state: .verified, bag: "/bags/Z", detail: nil, tool: "v")
        #expect(try ledger.records(batch: "b").map(\.code) == ["A", "B", "C"])
        #expect(try ledger.recordForBag("/bags/Z") == nil)
        #expect(try ledger.events(batch: "b").last?.subject == "Z")
    }

    func digitizedRecordsAreTheVerifiedOnes() throws {
        let ledger = try packagedLedger()
        _ = try ledger.openBatch(BatchInfo(id: "c", delivery: "/d/c", archive: nil, pipeline: "dat31", createdAt: Self.t1))
        let page = Self.page("A/0001.tif", code: "A", page: 1)
        try ledger.commit(Self.commit(pages: [page, Self.page("A/0002.tif", code: "A", page: 2)]), batch: "c", tool: "t")
        try ledger.completeNormalization(Self.normalized(page), batch: "c", tool: "t")
        try ledger.storeBinding(
            StoredBinding(catalog: nil, records: [RecordRow(code: "A", state: .bound, metadataPath: "m")]),
            batch: "c", tool: "t")
        // Verified in this order: c/A, then b/A (b/B was verified first, when the fixture packaged it).
        usleep(5_000)
        try ledger.markRecord(batch: "c", code: "A", state: .verified, bag: "/bags/c-A", detail: nil, tool: "t")
        usleep(5_000)
        try ledger.markRecord(batch: "b", code: "A", state: .verified, bag: nil, detail: nil, tool: "t")
        let digitized = try ledger.digitizedRecords()
        #expect(digitized.map { "\($0.batch) \($0.code)" } == ["b B", "c A", "b A"])
        #expect(digitized.map(\.archive) == ["city", nil, "city"])
        #expect(digitized.map(\.pages) == [1, 2, 1])
        // Bytes of the record's masters only (the fixture's outputs are 100 bytes each).
        #expect(digitized.map(\.bytes) == [100, 100, 100])
        let verified = try ledger.events(batch: "c").last { $0.action == "record.verified" }
        #expect(digitized[1].verifiedAt == verified?.at)
        #expect(digitized.allSatisfy { !$0.verifiedAt.isEmpty })
    }

    func eventsAreAppendedInOrder() throws {
        let ledger = try ledger(batches: "b", "c")
        try ledger.commit(Self.commit(pages: [Self.page("a/1.tif", code: "A", page: 1)]), batch: "b", tool: "one")
        try ledger.commit(Self.commit(quarantined: [Self.quarantine("x.tif")]), batch: "c", tool: "two")
        try ledger.markRecord(batch: "b", code: "A", state: .held, bag: nil, detail: "why", tool: "three")
        let all = try ledger.events(batch: nil)
        #expect(all.map(\.action) == ["batch.open", "batch.open", "page.decoded", "file.quarantined", "record.held"])
        #expect(all.map(\.at) == all.map(\.at).sorted())
        #expect(all.allSatisfy { $0.at.count == "2026-11-25T08:00:00.000Z".count && $0.at.hasSuffix("Z") })
        #expect(try ledger.events(batch: "b").map(\.tool) == ["quire", "one", "three"])
        #expect(try ledger.eventCount(batch: "c") == 2)
        #expect(try ledger.eventCount(batch: "none") == 0)
    }

    func aFailedVisualCheckHoldsItsRecord() throws {
        let ledger = try packagedLedger()
        try ledger.markRecord(batch: "b", code: "A", state: .verified, bag: nil, detail: nil, tool: "t")
        #expect(try ledger.digitizedRecords().map(\.code).contains("A"))
        // A pass changes nothing but the list of marks.
        try ledger.recordVisualCheck(
            VisualCheckMark(batch: "b", code: "A", page: 1, verdict: .pass, reason: nil, note: "", auditor: "li", seed: 7),
            tool: "serve")
        #expect(try ledger.records(batch: "b").first { $0.code == "A" }?.state == .verified)
        // A fail holds the record, with the problem, at once: it is no longer digitized.
        try ledger.recordVisualCheck(
            VisualCheckMark(
                batch: "b", code: "A", page: 1, verdict: .fail, reason: .skew, note: "5° <b>", auditor: "li", seed: 7),
            tool: "serve")
        let record = try #require(try ledger.records(batch: "b").first { $0.code == "A" })
        #expect(record.state == .held)
        #expect(record.problems.last?.rule == .visualCheckFailed)
        #expect(record.problems.last?.detail.contains("skew (5° <b>)") == true)
        #expect(try !ledger.digitizedRecords().map(\.code).contains("A"))
        #expect(try ledger.counts(batch: "b").recordsByState[.held] == 1)
        let marks = try ledger.visualChecks(batch: "b")
        #expect(marks.map(\.verdict) == [.pass, .fail])
        #expect(marks.map(\.seed) == [7, 7])
        #expect(marks.last?.note == "5° <b>")
        #expect(marks.allSatisfy { !$0.at.isEmpty })
        #expect(marks.latestByPage[PageKey(code: "A", page: 1)]?.verdict == .fail)
        let actions = try ledger.events(batch: "b").suffix(3).map(\.action)
        #expect(actions == ["page.visual_pass", "page.visual_fail", "record.held"])
        // Refused, writing nothing: a page the batch lacks, a fail without a reason, a pass with one, no batch.
        for bad in [
            VisualCheckMark(batch: "b", code: "A", page: 99, verdict: .pass, reason: nil, note: "", auditor: "li", seed: nil),
            VisualCheckMark(batch: "b", code: "A", page: 1, verdict: .fail, reason: nil, note: "", auditor: "li", seed: nil),
            VisualCheckMark(batch: "b", code: "A", page: 1, verdict: .pass, reason: .blur, note: "", auditor: "li", seed: nil),
            VisualCheckMark(batch: "nope", code: "A", page: 1, verdict: .pass, reason: nil, note: "", auditor: "li", seed: nil),
        ] {
            #expect(throws: QuireError.self) { try ledger.recordVisualCheck(bad, tool: "serve") }
        }
        #expect(try ledger.visualChecks(batch: "b").count == 2)
    }

    func pagesPerHourCountNormalizedPages() throws {
        let ledger = try packagedLedger()  // three pages normalized now
        let hour = String(LedgerEvent.now().prefix(13))
        let counts = try ledger.pagesNormalizedPerHour(since: "2000-01-01T00:00:00.000Z", batch: nil)
        // Normalized now, unless the hour turned during the fixture: then split over two hours.
        #expect(counts.map(\.count).reduce(0, +) == 3, "\(counts)")
        #expect(counts.last?.hour == hour || counts.count == 2, "\(counts)")
        #expect(try ledger.pagesNormalizedPerHour(since: "2999-01-01T00:00:00.000Z", batch: nil).isEmpty)
        // By batch: all three are batch b's.
        #expect(try ledger.pagesNormalizedPerHour(since: "2000-01-01T00:00:00.000Z", batch: "b").map(\.count).reduce(0, +) == 3)
        #expect(try ledger.pagesNormalizedPerHour(since: "2000-01-01T00:00:00.000Z", batch: "other").isEmpty)
    }
}

/// A ledger backend under test: its name and how to make a fresh, empty ledger in a scratch folder. Adding a
/// backend to the conformance suite is one more value in the test target's list.
public struct LedgerBackend: Sendable, CustomTestStringConvertible {
    /// The backend's name, in the test report.
    public let name: String
    let factory: @Sendable (ScratchFolder) -> LedgerConformance.Factory

    /// A backend; `factory` is given a scratch folder that lives as long as the behaviour runs.
    public init(_ name: String, factory: @escaping @Sendable (ScratchFolder) -> LedgerConformance.Factory) {
        self.name = name
        self.factory = factory
    }

    /// Runs one behaviour of the suite on a fresh ledger of this backend.
    public func run(_ behaviour: LedgerConformance.Behaviour) throws {
        let scratch = try ScratchFolder("ledger-\(name)")
        try LedgerConformance(factory(scratch)).run(behaviour)
    }

    /// The in-memory ledger.
    public static let inMemory = LedgerBackend("in-memory") { _ in { InMemoryLedger() } }

    /// The name, as the test report shows it.
    public var testDescription: String { name }
}
