public import Ledger
import QuireCore
public import Testing

import Dispatch
import Foundation
import Synchronization

/// The claim protocol every ledger that distributes work must keep (``ClaimStore``), written once like
/// ``LedgerConformance``: exclusive claims, growing fencing tokens, leases that expire and are taken over, late
/// commits refused, heartbeats, release, and many concurrent claimers taking every page exactly once.
public struct ClaimConformance: Sendable {
    /// Makes a fresh, empty ledger; called once or more per behaviour.
    public typealias Factory = @Sendable () throws -> any Ledger & ClaimStore

    /// One behaviour of the suite, by name.
    public struct Behaviour: Sendable, CustomTestStringConvertible {
        /// What it checks, in words.
        public let name: String
        let body: @Sendable (ClaimConformance) throws -> Void

        init(_ name: String, _ body: @escaping @Sendable (ClaimConformance) throws -> Void) {
            self.name = name
            self.body = body
        }

        /// The name, as the test report shows it.
        public var testDescription: String { name }
    }

    let make: Factory

    /// A suite over the ledgers `make` returns.
    public init(_ make: @escaping Factory) { self.make = make }

    /// Runs one behaviour.
    public func run(_ behaviour: Behaviour) throws { try behaviour.body(self) }

    /// Every behaviour, each a test of its own.
    public static let behaviours: [Behaviour] = [
        Behaviour("two workers never hold the same page, and tokens grow") { try $0.claimsAreExclusive() },
        Behaviour("an expired lease is taken over and the late commit is refused") { try $0.expiredLeasesAreTakenOver() },
        Behaviour("a renewed lease holds; completion and failure take pages out of the pool") { try $0.renewalAndCompletion() },
        Behaviour("released and stopped workers' pages return; workers are listed") { try $0.releaseAndStop() },
        Behaviour("eight concurrent claimers take every page exactly once") { try $0.concurrentClaimersTakeEachPageOnce() },
        Behaviour("a batch of completions writes what single ones write, and refuses only the lost claims") {
            try $0.batchedCompletionEqualsSingleOnes()
        },
        Behaviour("a record is claimable once its batch has record work and its pages settled; its commit is fenced") {
            try $0.recordsAreClaimedWhenTheirPagesSettle()
        },
        Behaviour("record leases are renewed, released, listed and ended with the worker") { try $0.recordLeases() },
        Behaviour("eight concurrent claimers take every record exactly once") { try $0.concurrentClaimersTakeEachRecordOnce() },
        Behaviour("a page whose claims lapse unfinished too often is given up; claims given back do not count") {
            try $0.aPageThatNobodyFinishesIsGivenUp()
        },
        Behaviour("a page that kills its worker takes no other page down with it") {
            try $0.aPageThatKillsItsWorkerTakesNoOtherPageDownWithIt()
        },
    ]

    func aPageThatKillsItsWorkerTakesNoOtherPageDownWithIt() throws {
        let (ledger, pages) = try ledger(pages: 4)
        var claimSizes: [Int] = []
        for round in 0..<30 {
            let worker = "w\(round)"
            let claims = try ledger.claimPages(batch: "b", worker: worker, limit: 4, lease: .milliseconds(50))
            if claims.isEmpty { break }
            claimSizes.append(claims.count)
            // Whenever a worker holds the first page it dies: everything it claimed lapses. Otherwise it finishes.
            if claims.contains(where: { $0.page.path == pages[0].path }) {
                Thread.sleep(forTimeInterval: 0.1)
                continue
            }
            for claim in claims {
                try ledger.completeClaim(
                    claim, worker: worker, result: LedgerConformance.normalized(claim.page), sourceFixity: nil, tool: worker)
            }
        }
        // The first claim took all four and lapsed; from then on each page a claim lapsed on went out alone.
        #expect(claimSizes.first == 4 && claimSizes.dropFirst().allSatisfy { $0 == 1 }, "\(claimSizes)")
        let failures = try ledger.normalizationFailures(batch: "b", code: nil)
        #expect(failures.keys.sorted() == [pages[0].path], "only the bad page is given up")
        #expect(failures[pages[0].path]?.first?.rule == .abandoned)
        #expect(try ledger.pages(batch: "b").filter { $0.state == .normalized }.map(\.path) == pages.dropFirst().map(\.path))
    }

    func aPageThatNobodyFinishesIsGivenUp() throws {
        let (ledger, pages) = try ledger(pages: 2)
        // Given back (workers stopping cleanly) more often than the limit: still claimable.
        for _ in 0..<(PageClaim.attemptLimit + 2) {
            let claims = try ledger.claimPages(batch: "b", worker: "polite", limit: 1, lease: .seconds(60))
            #expect(claims.map(\.page.path) == [pages[0].path])
            try ledger.releaseClaims(claims, worker: "polite")
        }
        try ledger.registerWorker(id: "stopping", host: "h")
        _ = try ledger.claimPages(batch: "b", worker: "stopping", limit: 1, lease: .seconds(60))
        try ledger.stopWorker(id: "stopping")
        // Claimed and lapsed, the limit's number of times (workers killed on it, or wedged by it).
        for attempt in 0..<PageClaim.attemptLimit {
            let claims = try ledger.claimPages(batch: "b", worker: "w\(attempt)", limit: 1, lease: .milliseconds(1))
            #expect(claims.map(\.page.path) == [pages[0].path], "attempt \(attempt + 1)")
            Thread.sleep(forTimeInterval: 0.05)
        }
        // The next claim gives it up, recorded as failed with the reason, and hands out the next page instead.
        let next = try ledger.claimPages(batch: "b", worker: "w", limit: 5, lease: .seconds(60))
        #expect(next.map(\.page.path) == [pages[1].path])
        let failure = try #require(try ledger.normalizationFailures(batch: "b", code: nil)[pages[0].path]?.first)
        #expect(failure.rule == .abandoned && failure.severity == .error)
        #expect(failure.detail.contains("claimed \(PageClaim.attemptLimit) times"), "\(failure.detail)")
        #expect(try ledger.events(batch: "b").filter { $0.action == "page.abandoned" }.map(\.subject) == [pages[0].path])
        #expect(try ledger.pendingWork(batch: "b") == PendingWork(claimable: 0, leased: 1))
        #expect(try ledger.claimPages(batch: "b", worker: "late", limit: 5, lease: .seconds(60)).isEmpty)
    }

    /// Record work as a run records it (the paths need not exist for the ledger).
    static let work = RecordWork(
        catalog: "/shared/catalog.csv", catalogSHA256: "ab12", encoding: "gb18030", processFile: nil, processSHA256: nil,
        out: "/shared/bags")

    /// Opens batch `b` with one page per code in `codes` (records of one page each), plus `extra` more pages of the
    /// first code.
    func ledger(records codes: [String], extra: Int = 0) throws -> (any Ledger & ClaimStore, [PageRecord]) {
        let ledger = try make()
        _ = try ledger.openBatch(
            BatchInfo(id: "b", delivery: "/d/b", archive: nil, pipeline: "test", createdAt: "2026-01-01T00:00:00Z"))
        var pages = codes.enumerated().map {
            LedgerConformance.page(String(format: "p/%04d.tif", $0.offset + 1), code: $0.element, page: 1)
        }
        pages += (0..<extra).map { LedgerConformance.page(String(format: "q/%04d.tif", $0 + 2), code: codes[0], page: $0 + 2) }
        try ledger.commit(LedgerConformance.commit(pages: pages), batch: "b", tool: "t")
        return (ledger, pages)
    }

    /// Claims and completes these pages (normalized, or failed when `failed` holds their path).
    func settle(_ pages: [PageRecord], in ledger: any Ledger & ClaimStore, failed: Set<String> = []) throws {
        for page in pages {
            let claims = try ledger.claimPages(batch: "b", worker: "pages", limit: 1000, lease: .seconds(60))
            let claim = try #require(claims.first { $0.page.path == page.path })
            try ledger.releaseClaims(claims.filter { $0.token != claim.token }, worker: "pages")
            let result =
                failed.contains(page.path)
                ? LedgerConformance.normalized(
                    page, outputs: false, checks: [LedgerConformance.check(page.path, .decodeFailed, .error, "truncated")])
                : LedgerConformance.normalized(page)
            try ledger.completeClaim(claim, worker: "pages", result: result, sourceFixity: nil, tool: "t")
        }
    }

    func recordsAreClaimedWhenTheirPagesSettle() throws {
        // Record A has pages p/0001 and q/0002, record B page p/0002.
        let (fresh, freshPages) = try ledger(records: ["A", "B"], extra: 1)
        // B's one page settles and A's first: nothing is claimable before the batch has record work.
        try settle([freshPages[1]], in: fresh)
        try settle([freshPages[0]], in: fresh)
        #expect(try fresh.claimRecords(batch: "b", worker: "w1", limit: 5, lease: .seconds(60)).isEmpty, "no record work yet")
        #expect(try fresh.pendingRecordWork(batch: "b") == PendingWork(claimable: 0, leased: 0))
        #expect(try fresh.recordWork(batch: "b") == nil)
        try fresh.setRecordWork(Self.work, batch: "b")
        #expect(try fresh.recordWork(batch: "b") == Self.work)
        #expect(try fresh.pendingRecordWork(batch: "b") == PendingWork(claimable: 2, leased: 0))
        // B is claimable, A (one page of two settled) is not.
        let b = try fresh.claimRecords(batch: "b", worker: "w1", limit: 5, lease: .seconds(60))
        #expect(b.map(\.code) == ["B"] && b[0].batch == "b")
        // A's last page fails to normalize: a failed page has settled too (binding holds the record for it).
        try settle([freshPages[2]], in: fresh, failed: [freshPages[2].path])
        let a = try #require(try fresh.claimRecords(batch: "b", worker: "w2", limit: 5, lease: .milliseconds(200)).first)
        #expect(a.code == "A" && a.token > b[0].token)
        #expect(try fresh.pendingRecordWork(batch: "b") == PendingWork(claimable: 0, leased: 2))
        Thread.sleep(forTimeInterval: 0.5)
        // w2's lease lapsed: w3 takes A with a larger token, and w2's late commit is refused, writing nothing.
        let taken = try #require(try fresh.claimRecords(batch: "b", worker: "w3", limit: 5, lease: .seconds(60)).first)
        #expect(taken.code == "A" && taken.token > a.token)
        #expect(
            try fresh.completeRecordClaim(a, worker: "w2", outcome: .packaged(bag: "/shared/bags/A", detail: nil), tool: "w2")
                == false)
        #expect(try fresh.records(batch: "b").first { $0.code == "A" }?.state == .waiting)
        #expect(
            try fresh.completeRecordClaim(
                taken, worker: "w3", outcome: .packaged(bag: "/shared/bags/A", detail: "Payload-Oxum 1.3"), tool: "w3"))
        let recordA = try #require(try fresh.records(batch: "b").first { $0.code == "A" })
        #expect(recordA.state == .verified && recordA.bag == "/shared/bags/A")
        #expect(try fresh.completeRecordClaim(taken, worker: "w3", outcome: .settled, tool: "w3") == false, "a claim ends once")
        let actions = try fresh.events(batch: "b").filter { $0.subject == "A" }.map(\.action)
        #expect(actions.filter { $0 == "record.packaged" }.count == 1 && actions.filter { $0 == "record.verified" }.count == 1)
        // B settles without a bag (held or not catalogued): finished for workers, not claimed again.
        #expect(try fresh.completeRecordClaim(b[0], worker: "w1", outcome: .settled, tool: "w1"))
        #expect(try fresh.records(batch: "b").first { $0.code == "B" }?.state == .waiting)
        #expect(try fresh.claimRecords(batch: "b", worker: "w1", limit: 5, lease: .seconds(60)).isEmpty)
        #expect(try fresh.workedRecords(batch: "b") == ["A", "B"])
        #expect(try fresh.pendingRecordWork(batch: "b") == PendingWork(claimable: 0, leased: 0))
        // New record work (a later run): what is not packaged is claimable again; a packaged record is not.
        var later = Self.work
        later.catalogSHA256 = "cd34"
        try fresh.setRecordWork(later, batch: "b")
        #expect(try fresh.recordWork(batch: "b") == later)
        #expect(try fresh.workedRecords(batch: "b") == ["A"])
        let again = try fresh.claimRecords(batch: "b", worker: "w1", limit: 5, lease: .seconds(60))
        #expect(again.map(\.code) == ["B"])
        // Cleared (a run registering files): nothing is claimable or pending, and a claim taken under the old work
        // no longer holds.
        try fresh.setRecordWork(nil, batch: "b")
        #expect(try fresh.completeRecordClaim(again[0], worker: "w1", outcome: .settled, tool: "w1") == false)
        #expect(try fresh.recordWork(batch: "b") == nil)
        #expect(try fresh.pendingRecordWork(batch: "b") == PendingWork(claimable: 0, leased: 0))
    }

    func recordLeases() throws {
        let (ledger, pages) = try ledger(records: ["A", "B", "C"])
        try settle(pages, in: ledger)
        try ledger.setRecordWork(Self.work, batch: "b")
        try ledger.registerWorker(id: "w1", host: "station-a")
        let mine = try ledger.claimRecords(batch: "b", worker: "w1", limit: 2, lease: .milliseconds(300))
        #expect(mine.map(\.code) == ["A", "B"])
        #expect(try ledger.renewLeases(worker: "w1", lease: .seconds(60)) == 2)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(
            try ledger.claimRecords(batch: "b", worker: "w2", limit: 5, lease: .seconds(60)).map(\.code) == ["C"],
            "renewed leases hold")
        #expect(try ledger.workers().first { $0.id == "w1" }?.leases == 2)
        try ledger.releaseRecordClaims([mine[0]], worker: "w1")
        #expect(try ledger.pendingRecordWork(batch: "b") == PendingWork(claimable: 1, leased: 2))
        try ledger.stopWorker(id: "w1")
        #expect(try ledger.pendingRecordWork(batch: "b") == PendingWork(claimable: 2, leased: 1))
        #expect(try ledger.workers().first { $0.id == "w1" }?.leases == 0)
        #expect(
            try ledger.completeRecordClaim(mine[1], worker: "w1", outcome: .settled, tool: "w1") == false, "stopping ended it")
    }

    func concurrentClaimersTakeEachRecordOnce() throws {
        let codes = (1...40).map { String(format: "R%02d", $0) }
        let (ledger, pages) = try ledger(records: codes)
        try settle(pages, in: ledger)
        try ledger.setRecordWork(Self.work, batch: "b")
        let taken = Mutex<[String]>([])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            do {
                while let claim = try ledger.claimRecords(batch: "b", worker: "w\(worker)", limit: 1, lease: .seconds(60)).first {
                    guard
                        try ledger.completeRecordClaim(
                            claim, worker: "w\(worker)", outcome: .packaged(bag: "/shared/bags/\(claim.code)", detail: nil),
                            tool: "w\(worker)")
                    else { throw QuireError(.couldNotRun, stage: .ledger, message: "refused \(claim.code)") }
                    taken.withLock { $0.append(claim.code) }
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        #expect(taken.withLock { $0 }.sorted() == codes)
        #expect(try ledger.records(batch: "b").allSatisfy { $0.state == .verified })
        #expect(try ledger.events(batch: "b").filter { $0.action == "record.packaged" }.count == codes.count)
    }

    /// A ledger with batch `b` holding `count` registered pages (`p/0001.tif`…, record `A`).
    func ledger(pages count: Int) throws -> (any Ledger & ClaimStore, [PageRecord]) {
        let ledger = try make()
        return (ledger, try Self.register(count, in: ledger, batch: "b"))
    }

    /// Opens `batch` in `ledger` with `count` registered pages (`p/0001.tif`…, record `A`).
    public static func register(_ count: Int, in ledger: any Ledger & ClaimStore, batch: String) throws -> [PageRecord] {
        _ = try ledger.openBatch(
            BatchInfo(id: batch, delivery: "/d/\(batch)", archive: nil, pipeline: "test", createdAt: "2026-01-01T00:00:00Z"))
        let pages = (1...count).map { LedgerConformance.page(String(format: "p/%04d.tif", $0), code: "A", page: $0) }
        try ledger.commit(LedgerConformance.commit(pages: pages), batch: batch, tool: "t")
        return pages
    }

    func claimsAreExclusive() throws {
        let (ledger, pages) = try ledger(pages: 10)
        try ledger.registerWorker(id: "w1", host: "h1")
        try ledger.registerWorker(id: "w2", host: "h2")
        let first = try ledger.claimPages(batch: "b", worker: "w1", limit: 4, lease: .seconds(60))
        let second = try ledger.claimPages(batch: nil, worker: "w2", limit: 100, lease: .seconds(60))
        #expect(first.map(\.page.path) == pages.prefix(4).map(\.path), "oldest registered first")
        #expect(second.count == 6)
        #expect(Set(first.map(\.page.path)).isDisjoint(with: second.map(\.page.path)))
        let tokens = (first + second).map(\.token)
        #expect(Set(tokens).count == 10 && tokens == tokens.sorted() && tokens[0] > 0)
        #expect(try ledger.claimPages(batch: "b", worker: "w1", limit: 5, lease: .seconds(60)).isEmpty)
        #expect(try ledger.claimPages(batch: "other", worker: "w1", limit: 5, lease: .seconds(60)).isEmpty)
        #expect(first[0].page == pages[0] && first[0].batch == "b")
        #expect(try ledger.pendingWork(batch: "b") == PendingWork(claimable: 0, leased: 10))
    }

    func expiredLeasesAreTakenOver() throws {
        let (ledger, pages) = try ledger(pages: 2)
        let old = try #require(try ledger.claimPages(batch: "b", worker: "w1", limit: 1, lease: .milliseconds(200)).first)
        #expect(
            try ledger.claimPages(batch: "b", worker: "w2", limit: 1, lease: .seconds(60)).map(\.page.path) == [pages[1].path])
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try ledger.pendingWork(batch: "b") == PendingWork(claimable: 1, leased: 1))
        let new = try #require(try ledger.claimPages(batch: "b", worker: "w2", limit: 5, lease: .seconds(60)).first)
        #expect(new.page.path == old.page.path && new.token > old.token)
        let result = LedgerConformance.normalized(old.page)
        let source = LedgerConformance.source(old.page.path)
        // The first worker's late commit is refused and writes nothing.
        do {
            try ledger.completeClaim(old, worker: "w1", result: result, sourceFixity: source, tool: "w1")
            Issue.record("a commit under a lost lease was accepted")
        } catch {
            #expect(error.rule == QuireError.leaseLostRule, "\(error)")
        }
        #expect(try ledger.pages(batch: "b").first { $0.path == old.page.path }?.state == .decoded)
        #expect(try ledger.fixityRecords(batch: "b").isEmpty)
        // The holder of the newest claim commits once.
        try ledger.completeClaim(new, worker: "w2", result: result, sourceFixity: source, tool: "w2")
        #expect(try ledger.pages(batch: "b").first { $0.path == old.page.path }?.state == .digested)
        #expect(try ledger.fixityRecords(batch: "b").count == 4)
        // Completing again with the same (now ended) claim is refused too.
        #expect(throws: QuireError.self) {
            try ledger.completeClaim(new, worker: "w2", result: result, sourceFixity: source, tool: "w2")
        }
        #expect(try ledger.events(batch: "b").filter { $0.action == "page.normalized" }.count == 1)
    }

    func batchedCompletionEqualsSingleOnes() throws {
        // The same five pages, completed one by one in one batch and all at once in another: the same rows.
        let ledger = try make()
        func outcomes(_ batch: String, _ complete: ([PageClaim]) throws -> Void) throws -> (
            [PageRecord], [FixityRecord], [PageCheck], [String]
        ) {
            _ = try Self.register(5, in: ledger, batch: batch)
            try ledger.registerWorker(id: "w-\(batch)", host: "h1")
            let claims = try ledger.claimPages(batch: batch, worker: "w-\(batch)", limit: 5, lease: .seconds(60))
            try complete(claims)
            #expect(try ledger.pendingWork(batch: batch) == PendingWork(claimable: 0, leased: 0))
            #expect(try ledger.workers().first { $0.id == "w-\(batch)" }?.pagesDone == 5)
            return (
                try ledger.pages(batch: batch),
                try ledger.fixityRecords(batch: batch).map {
                    var r = $0; r.recordedAt = nil; r.batch = ""; return r
                },
                try ledger.pageChecks(batch: batch),
                try ledger.events(batch: batch).filter { $0.tool == "w1" }.map {
                    "\($0.subject) \($0.action) \($0.detail ?? "-")"
                }
            )
        }
        func completion(_ claim: PageClaim, _ i: Int) -> ClaimCompletion {
            // Pages 0-2 normalized (0 and 1 with source digests), page 3 failed with a check, page 4 normalized with a warning.
            let page = claim.page
            let result: NormalizedPage =
                i == 3
                ? LedgerConformance.normalized(
                    page, outputs: false, checks: [LedgerConformance.check(page.path, .decodeFailed, .error, "truncated")])
                : LedgerConformance.normalized(
                    page, checks: i == 4 ? [LedgerConformance.check(page.path, .blankPage, .warning, "blank")] : [])
            return ClaimCompletion(claim, result: result, sourceFixity: i < 2 ? LedgerConformance.source(page.path) : nil)
        }
        let single = try outcomes("single") { claims in
            for (i, claim) in claims.enumerated() {
                let c = completion(claim, i)
                try ledger.completeClaim(claim, worker: "w-single", result: c.result, sourceFixity: c.sourceFixity, tool: "w1")
            }
        }
        let batched = try outcomes("batched") { claims in
            let refused = try ledger.completeClaims(
                claims.enumerated().map { completion($1, $0) }, worker: "w-batched", tool: "w1")
            #expect(refused.isEmpty)
        }
        #expect(single.0 == batched.0)
        #expect(single.0.map(\.state) == [.digested, .digested, .normalized, .decoded, .normalized])
        #expect(single.1 == batched.1 && single.1.count == 4 * 3 + 2)
        #expect(single.2 == batched.2 && single.2.count == 2)
        #expect(single.3 == batched.3 && single.3.count == 7, "\(single.3)")

        // In one batch, a claim whose lease was lost is refused and nothing is written for it; the others stand.
        let (mixed, mixedPages) = try self.ledger(pages: 3)
        let lost = try #require(try mixed.claimPages(batch: "b", worker: "w1", limit: 1, lease: .milliseconds(100)).first)
        let kept = try mixed.claimPages(batch: "b", worker: "w1", limit: 2, lease: .seconds(60))
        Thread.sleep(forTimeInterval: 0.3)
        let refused = try mixed.completeClaims(
            ([lost] + kept).map { ClaimCompletion($0, result: LedgerConformance.normalized($0.page), sourceFixity: nil) },
            worker: "w1", tool: "w1")
        #expect(refused == [lost])
        #expect(try mixed.pages(batch: "b").map(\.state) == [.decoded, .normalized, .normalized])
        #expect(try mixed.fixityRecords(batch: "b").allSatisfy { !$0.path.contains(mixedPages[0].path.dropLast(4).suffix(4)) })
        #expect(try mixed.pendingWork(batch: "b") == PendingWork(claimable: 1, leased: 0))
    }

    func renewalAndCompletion() throws {
        let (ledger, pages) = try ledger(pages: 3)
        try ledger.registerWorker(id: "w1", host: "h1")
        let claims = try ledger.claimPages(batch: "b", worker: "w1", limit: 3, lease: .milliseconds(300))
        #expect(try ledger.renewLeases(worker: "w1", lease: .seconds(60)) == 3)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try ledger.claimPages(batch: "b", worker: "w2", limit: 3, lease: .seconds(60)).isEmpty, "renewed leases hold")
        // A page normalized leaves the pool; one whose normalization failed is not claimed again.
        try ledger.completeClaim(
            claims[0], worker: "w1", result: LedgerConformance.normalized(pages[0]), sourceFixity: nil, tool: "w1")
        try ledger.completeClaim(
            claims[1], worker: "w1",
            result: LedgerConformance.normalized(
                pages[1], outputs: false, checks: [LedgerConformance.check(pages[1].path, .decodeFailed, .error, "truncated")]),
            sourceFixity: nil, tool: "w1")
        #expect(try ledger.pendingWork(batch: "b") == PendingWork(claimable: 0, leased: 1))
        #expect(try ledger.renewLeases(worker: "w1", lease: .milliseconds(100)) == 1)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try ledger.renewLeases(worker: "w1", lease: .seconds(60)) == 0, "an expired lease is lost")
        #expect(
            try ledger.claimPages(batch: "b", worker: "w2", limit: 3, lease: .seconds(60)).map(\.page.path) == [pages[2].path])
        #expect(try ledger.pages(batch: "b").map(\.state) == [.normalized, .decoded, .decoded])
    }

    func releaseAndStop() throws {
        let (ledger, _) = try ledger(pages: 4)
        try ledger.registerWorker(id: "w1", host: "station-a")
        try ledger.registerWorker(id: "w2", host: "station-b")
        let mine = try ledger.claimPages(batch: "b", worker: "w1", limit: 2, lease: .seconds(60))
        _ = try ledger.claimPages(batch: "b", worker: "w2", limit: 2, lease: .seconds(60))
        try ledger.releaseClaims([mine[0]], worker: "w1")
        #expect(try ledger.pendingWork(batch: "b") == PendingWork(claimable: 1, leased: 3))
        try ledger.completeClaim(
            mine[1], worker: "w1", result: LedgerConformance.normalized(mine[1].page), sourceFixity: nil, tool: "w1")
        try ledger.stopWorker(id: "w2")
        #expect(try ledger.pendingWork(batch: "b") == PendingWork(claimable: 3, leased: 0))
        let workers = Dictionary(uniqueKeysWithValues: try ledger.workers().map { ($0.id, $0) })
        #expect(workers.keys.sorted() == ["w1", "w2"])
        #expect(workers["w1"]?.host == "station-a" && workers["w1"]?.pagesDone == 1 && workers["w1"]?.stopped == false)
        #expect(workers["w2"]?.stopped == true && workers["w2"]?.leases == 0)
        #expect((workers["w1"]?.secondsSinceHeartbeat ?? 99) < 30)
        #expect(workers["w1"]?.heartbeatAt.hasPrefix("20") == true)
    }

    func concurrentClaimersTakeEachPageOnce() throws {
        let (ledger, pages) = try ledger(pages: 120)
        let taken = Mutex<[String]>([])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            do {
                while true {
                    let claims = try ledger.claimPages(batch: "b", worker: "w\(worker)", limit: 3, lease: .seconds(60))
                    if claims.isEmpty { break }
                    for claim in claims {
                        try ledger.completeClaim(
                            claim, worker: "w\(worker)", result: LedgerConformance.normalized(claim.page), sourceFixity: nil,
                            tool: "w\(worker)")
                    }
                    taken.withLock { $0 += claims.map(\.page.path) }
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let all = taken.withLock { $0 }
        #expect(all.count == pages.count)
        #expect(Set(all) == Set(pages.map(\.path)))
        #expect(try ledger.pages(batch: "b").allSatisfy { $0.state == .normalized })
        #expect(try ledger.events(batch: "b").filter { $0.action == "page.normalized" }.count == pages.count)
    }
}
