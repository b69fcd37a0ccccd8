import Foundation
public import QuireCore

/// A worker's claim on one page: the page as registered, and the fencing token its completion must carry.
///
/// Every claim takes a new token from one counter that only grows, so a later claim of the same page (after a lease
/// expired) always holds a larger token than the one it replaced, and a completion carrying the old one is refused.
public struct PageClaim: Sendable, Equatable {
    /// The batch the page belongs to.
    public var batch: String
    /// The page, as registered by the import.
    public var page: PageRecord
    /// The fencing token: the completion is accepted only while the page's token is still this one.
    public var token: Int64

    /// How many claims of a page may lapse unfinished before the page is given up: the next claim records it as
    /// failed (``PageCheckRule/abandoned``) instead of handing it out again, so its record is held with the reason
    /// and the batch finishes. A claim given back (a worker stopping, or refusing a batch) does not count.
    public static let attemptLimit = 5

    /// Makes a claim value (backends make these).
    public init(batch: String, page: PageRecord, token: Int64) {
        self.batch = batch
        self.page = page
        self.token = token
    }
}

/// A process taking part in the work: a `quire worker`, or a `quire run` working its own batch.
public struct WorkerInfo: Sendable, Equatable, Codable {
    /// Unique per process (`host:pid:random`).
    public var id: String
    /// The machine's host name.
    public var host: String
    /// When it registered (ISO-8601, the ledger's clock).
    public var startedAt: String
    /// Its last heartbeat (ISO-8601, the ledger's clock).
    public var heartbeatAt: String
    /// Seconds since the last heartbeat, by the ledger's clock.
    public var secondsSinceHeartbeat: Double
    /// Seconds from its registration to its last heartbeat.
    public var activeSeconds: Double
    /// Pages it completed (accepted commits only).
    public var pagesDone: Int
    /// Leases it holds now (unexpired).
    public var leases: Int
    /// Whether it said goodbye (a clean stop).
    public var stopped: Bool

    /// Pages per second over its active time (0 before it has been active a second).
    public var pagesPerSecond: Double { activeSeconds >= 1 ? Double(pagesDone) / activeSeconds : 0 }

    /// Running but silent for longer than `seconds` (killed, paused, cut off from the ledger).
    public func isSilent(after seconds: Double) -> Bool { !stopped && secondsSinceHeartbeat > seconds }

    /// Makes a value (backends make these).
    public init(
        id: String, host: String, startedAt: String, heartbeatAt: String, secondsSinceHeartbeat: Double,
        activeSeconds: Double, pagesDone: Int, leases: Int, stopped: Bool
    ) {
        self.activeSeconds = activeSeconds
        self.id = id
        self.host = host
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
        self.secondsSinceHeartbeat = secondsSinceHeartbeat
        self.pagesDone = pagesDone
        self.leases = leases
        self.stopped = stopped
    }
}

/// What is left of a batch's page work: pages anyone may claim, and pages under a live lease.
public struct PendingWork: Sendable, Equatable {
    /// Registered, not normalized, not failed, and free or with an expired lease.
    public var claimable: Int
    /// Held under an unexpired lease by some worker.
    public var leased: Int

    /// Makes a value.
    public init(claimable: Int, leased: Int) {
        self.claimable = claimable
        self.leased = leased
    }

    /// Nothing to claim and nothing in flight.
    public var isDone: Bool { claimable == 0 && leased == 0 }
}

/// Work distributed by claims: pages are claimed in batches under a lease, kept by heartbeats, and completed only
/// by the holder of the newest claim (the fencing token), so several processes — on several machines, over a
/// shared ledger — can work one batch and no page is committed twice.
///
/// A page is claimable while it is registered and not normalized (`decoded`), its last normalization did not
/// fail, nobody holds an unexpired lease on it, and fewer than ``PageClaim/attemptLimit`` claims of it lapsed. Lease times are the ledger's clock (the server's, on a shared
/// ledger), so machines' clocks need not agree. Records are claimed the same way once their pages have settled
/// (``RecordClaimStore``).
public protocol ClaimStore: RecordClaimStore {
    /// The ledger as errors name it: the database file, or the server's URL without its password.
    var ledgerLocation: String { get }
    /// Registers a worker (or renews the registration of one with this id), with a heartbeat now.
    func registerWorker(id: String, host: String) throws(QuireError)
    /// Marks a worker as stopped cleanly, releasing its leases (pages' and records').
    func stopWorker(id: String) throws(QuireError)
    /// Claims up to `limit` claimable pages, of `batch` or of any batch when nil, oldest registered first, for
    /// `worker`, each under a lease of `lease` and a new fencing token. Pages another worker is claiming at the same
    /// moment are skipped, not waited for.
    func claimPages(batch: String?, worker: String, limit: Int, lease: Duration) throws(QuireError) -> [PageClaim]
    /// Heartbeats `worker` and extends every unexpired lease it holds, on pages and on records, to `lease` from now;
    /// returns how many it still holds (a lease that expired is lost, even when nobody has taken the page yet).
    func renewLeases(worker: String, lease: Duration) throws(QuireError) -> Int
    /// Records claimed pages' normalizations (each as ``PageStore/completeNormalization(_:sourceFixity:batch:tool:)``
    /// does) in one transaction and ends their claims — each only while its claim still holds: the page's token is
    /// the claim's, `worker` holds it, and the lease has not expired. Returns the claims that no longer held, for
    /// which nothing was written. One transaction for many pages is what lets one ledger serve hundreds of machines.
    func completeClaims(_ completions: [ClaimCompletion], worker: String, tool: String) throws(QuireError) -> [PageClaim]
    /// Gives claims back unfinished (a worker stopping, or a page it could not do for a reason of its own).
    func releaseClaims(_ claims: [PageClaim], worker: String) throws(QuireError)
    /// What is left of a batch's page work.
    func pendingWork(batch: String) throws(QuireError) -> PendingWork
    /// Every worker registered, most recent heartbeat first.
    func workers() throws(QuireError) -> [WorkerInfo]
}

/// One claimed page's outcome, for ``ClaimStore/completeClaims(_:worker:tool:)``.
public struct ClaimCompletion: Sendable {
    /// The claim the page was worked under.
    public var claim: PageClaim
    /// What normalizing it produced.
    public var result: NormalizedPage
    /// The source's digests from the same read, when taken.
    public var sourceFixity: FixityRecord?

    /// Makes a completion.
    public init(_ claim: PageClaim, result: NormalizedPage, sourceFixity: FixityRecord?) {
        self.claim = claim
        self.result = result
        self.sourceFixity = sourceFixity
    }
}

extension ClaimStore {
    /// Records one claimed page's normalization and ends its claim, only while the claim holds; otherwise nothing is
    /// written and the error's rule is `lease-lost`.
    public func completeClaim(
        _ claim: PageClaim, worker: String, result: NormalizedPage, sourceFixity: FixityRecord?, tool: String
    ) throws(QuireError) {
        let refused = try completeClaims(
            [ClaimCompletion(claim, result: result, sourceFixity: sourceFixity)], worker: worker, tool: tool)
        if let lost = refused.first { throw .leaseLost(lost, file: ledgerLocation) }
    }
}

extension QuireError {
    /// The rule of a completion refused because its claim no longer holds.
    public static let leaseLostRule = "lease-lost"

    /// A completion refused: the lease expired or another worker claimed the page since.
    package static func leaseLost(_ claim: PageClaim, file: String) -> QuireError {
        QuireError(
            .couldNotRun, stage: .ledger, file: file, rule: leaseLostRule,
            message:
                "the claim on \(claim.batch)/\(claim.page.path) (token \(claim.token)) no longer holds: its lease expired or another worker took the page; nothing was written",
            fix: "nothing to do: the page is done once, by the worker that holds it now")
    }
}

/// Wakes an idle worker when new work may be there (PostgreSQL's `LISTEN`), or after `timeout` at the latest.
public protocol WorkSignal: Sendable {
    /// Blocks until a signal arrives or `timeout` passes.
    func wait(timeout: Duration)
}

/// No notifications: an idle worker looks again after the timeout (an SQLite ledger on one machine).
public struct PollingSignal: WorkSignal {
    /// Makes the signal.
    public init() {}

    /// Sleeps for `timeout`.
    public func wait(timeout: Duration) {
        Thread.sleep(forTimeInterval: timeout.inSeconds)
    }
}
