import BindStage
import Catalog
import Foundation
import Ledger
import PackageStage
import QuireCore

/// The record half of a worker: once a record's pages have all settled, one worker claims it, binds it to the
/// catalog the run recorded (``RecordWork``), packages its bag into the run's bags folder, and commits the bag with
/// the claim's fencing token.
///
/// The binding's own writes (the record's metadata documents and binding outcome) are not fenced: they are the same
/// whoever writes them — the same catalog row, pages and process file — and are written whole (temporary file,
/// `fsync`, rename). The bag is built under a temporary name and renamed; a second worker that finds it complete
/// verifies and accepts it. What is fenced is the one write that must happen once: the record becoming `packaged`.
struct RecordWorker: Sendable {
    let ledger: any Ledger & ClaimStore
    let binder: BindStage
    let packager: PackageStage
    /// One bag per record (the policy's default); with one bag per batch, workers bind and the run packages.
    let perRecordBags: Bool
    let worker: String
    let tool: String
    let lease: Duration

    /// What binding needs per batch, read once per record work (re-read when the run records new work).
    final class Catalogs {
        var prepared: [String: (work: RecordWork, prepared: BindStage.Prepared)] = [:]
    }

    /// What one record claim came to.
    enum Done {
        /// Nothing was claimable.
        case nothing
        /// The record's outcome was committed (`packaged` says whether it has a bag now).
        case committed(packaged: Bool)
        /// The claim no longer held at the commit: nothing was written.
        case refused
    }

    /// Claims one record (of `batch`, or any) and works it.
    func workOne(
        batch: String?, catalogs: Catalogs, progress: WorkProgress, check: (String) throws(QuireError) -> Void
    ) async throws(QuireError) -> Done {
        guard let claim = try ledger.claimRecords(batch: batch, worker: worker, limit: 1, lease: lease).first else {
            return .nothing
        }
        do {
            try check(claim.batch)
            let outcome = try await work(claim, catalogs: catalogs, progress: progress)
            guard try ledger.completeRecordClaim(claim, worker: worker, outcome: outcome, tool: tool) else { return .refused }
            if case .packaged = outcome { return .committed(packaged: true) }
            return .committed(packaged: false)
        } catch {
            try? ledger.releaseRecordClaims([claim], worker: worker)
            throw error
        }
    }

    private func work(_ claim: RecordClaim, catalogs: Catalogs, progress: WorkProgress) async throws(QuireError)
        -> RecordClaimOutcome
    {
        guard let work = try ledger.recordWork(batch: claim.batch) else {
            // The run cleared it (it registers new files): the record waits for the next work.
            return .settled
        }
        let prepared: BindStage.Prepared
        if let cached = catalogs.prepared[claim.batch], cached.work == work {
            prepared = cached.prepared
        } else {
            do { prepared = try binder.prepare(work) } catch { throw error.quireError }
            catalogs.prepared[claim.batch] = (work, prepared)
        }
        let bound: BindStage.Report
        do { bound = try binder.bind(batch: claim.batch, prepared: prepared, scope: .records([claim.code])) } catch {
            throw error.quireError
        }
        progress.advanced()
        // Held, or a 档号 the catalog lacks (the run's final pass reports its images), or a bag per batch, which the
        // run makes at the end: nothing to package here.
        guard perRecordBags, bound.binding.records.first(where: { $0.code.canonical == claim.code })?.status == .bound else {
            return .settled
        }
        let packaged = try await packager.run(batch: claim.batch, out: work.out, codes: [claim.code], recording: false)
        guard let bag = packaged.bags.first else { return .settled }
        if let full = bag.diskFull { throw QuireError(.couldNotRun, stage: .package, message: full.description) }
        guard bag.status != "failed", let path = bag.path else {
            // The run's final pass tries it once more and reports why it failed.
            return .settled
        }
        return .packaged(bag: path, detail: bag.payloadOxum.map { "Payload-Oxum \($0)" } ?? bag.detail)
    }
}
