import Foundation
import Ledger
import QuireCore
import QuireTestSupport
import Testing

@testable import WorkerLoop

/// The heartbeat keeps a working worker's leases and lets a stuck worker's lapse, on a real SQLite ledger.
@Suite struct HeartbeatTests {
    /// A ledger with `pages` registered pages, all claimed by worker `a` under a 2 s lease.
    static func claimed(_ pages: Int, in scratch: ScratchFolder) throws -> any Ledger & ClaimStore {
        let ledger = try SQLiteLedger(path: scratch.path + "/ledger.sqlite")
        _ = try ClaimConformance.register(pages, in: ledger, batch: "b")
        try ledger.registerWorker(id: "a", host: "h")
        try ledger.registerWorker(id: "b", host: "h")
        #expect(try ledger.claimPages(batch: "b", worker: "a", limit: pages, lease: .seconds(2)).count == pages)
        return ledger
    }

    /// Worker `a`'s heartbeat (2 s leases renewed every 0.3 s, a 1 s stall limit) over its three claimed pages, in
    /// a scratch folder the caller keeps alive.
    static func beating() throws -> (ScratchFolder, any Ledger & ClaimStore, WorkProgress, Heartbeat) {
        let scratch = try ScratchFolder("heartbeat")
        let ledger = try claimed(3, in: scratch)
        let progress = WorkProgress()
        progress.claimed()
        let heartbeat = Heartbeat(
            ledger: ledger, worker: "a", lease: .seconds(2), every: .milliseconds(300), progress: progress,
            stallLimit: .seconds(1))
        return (scratch, ledger, progress, heartbeat)
    }

    @Test func aWorkerThatFinishesPagesKeepsItsLeases() throws {
        let (scratch, ledger, progress, heartbeat) = try Self.beating()
        defer {
            heartbeat.stop()
            withExtendedLifetime(scratch) {}
        }
        // Four seconds, twice the lease, with a page finished every half second: the leases hold.
        for _ in 0..<8 {
            Thread.sleep(forTimeInterval: 0.5)
            progress.advanced()
        }
        #expect(try ledger.claimPages(batch: "b", worker: "b", limit: 3, lease: .seconds(60)).isEmpty)
    }

    @Test func aWorkerStuckOnItsPagesLetsTheLeasesLapseForOthers() throws {
        let (scratch, ledger, _, heartbeat) = try Self.beating()
        defer {
            heartbeat.stop()
            withExtendedLifetime(scratch) {}
        }
        // No page finishes: renewals stop after 1 s, the 2 s leases lapse, and worker b takes every page (one claim
        // each: a page whose claim lapsed goes out alone).
        Thread.sleep(forTimeInterval: 4)
        var taken: [Int] = []
        while true {
            let claims = try ledger.claimPages(batch: "b", worker: "b", limit: 3, lease: .seconds(60))
            if claims.isEmpty { break }
            taken.append(claims.count)
        }
        #expect(taken == [1, 1, 1])
        // The stuck worker has not heart-beaten since it stalled: status can flag it.
        let a = try #require(try ledger.workers().first { $0.id == "a" })
        #expect(a.secondsSinceHeartbeat > 2, "\(a.secondsSinceHeartbeat)")
        #expect(a.leases == 0)
    }

    @Test func anIdleWorkerIsNeverStalled() {
        let progress = WorkProgress()
        #expect(!progress.stalled(longerThan: .zero))
        progress.claimed()
        Thread.sleep(forTimeInterval: 0.01)
        #expect(progress.stalled(longerThan: .zero))
        progress.idle()
        #expect(!progress.stalled(longerThan: .zero))
    }
}
