import Foundation
public import QuireCore

/// What a worker needs to bind and package a batch's records, as the run that registered the batch recorded it:
/// the catalog and process file (on the storage every machine mounts, with the digests they had then) and where the
/// bags go. While a batch has none, its records are not claimable — a run clears it while it registers files, so no
/// record is bound before all of its files are known.
public struct RecordWork: Sendable, Equatable, Codable {
    /// The catalog CSV (目录), an absolute path.
    public var catalog: String
    /// SHA-256 of the catalog's bytes when the run read it; a worker refuses a catalog that changed since.
    public var catalogSHA256: String
    /// The catalog's encoding as the run gave it; nil detects it from the bytes.
    public var encoding: String?
    /// The process metadata file (`process.yaml`), an absolute path, when the run had one.
    public var processFile: String?
    /// SHA-256 of the process file's bytes when the run read it.
    public var processSHA256: String?
    /// The folder the bags go to, an absolute path.
    public var out: String

    /// Makes the value.
    public init(
        catalog: String, catalogSHA256: String, encoding: String?, processFile: String?, processSHA256: String?,
        out: String
    ) {
        self.catalog = catalog
        self.catalogSHA256 = catalogSHA256
        self.encoding = encoding
        self.processFile = processFile
        self.processSHA256 = processSHA256
        self.out = out
    }
}

extension RecordWork {
    /// The JSON the ledger stores (keys sorted, so equal values store equal text).
    package var stored: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings and optionals cannot fail.
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Reads the stored JSON back.
    package init(stored text: String, batch: String) throws(QuireError) {
        do { self = try JSONDecoder().decode(RecordWork.self, from: Data(text.utf8)) } catch {
            throw QuireError(
                .couldNotRun, stage: .ledger, file: batch,
                message: "the batch's record work in the ledger cannot be read (\(error))",
                fix: "run 'quire run' on the batch again to record it afresh")
        }
    }
}

/// A worker's claim on one record (档号): once every page of the record has settled (normalized, or failed with
/// its reason), a worker claims the record, binds it to the catalog and packages its bag, and commits the bag with
/// the claim's fencing token — so, as with pages, a worker whose lease lapsed cannot mark a record packaged that
/// another worker now holds.
public struct RecordClaim: Sendable, Equatable {
    /// The batch the record belongs to.
    public var batch: String
    /// The record's canonical 档号.
    public var code: String
    /// The fencing token (from the same counter as pages'): the commit is accepted only while the record's token is
    /// still this one.
    public var token: Int64

    /// Makes a claim value (backends make these).
    public init(batch: String, code: String, token: Int64) {
        self.batch = batch
        self.code = code
        self.token = token
    }
}

/// How a claimed record's work ended, for ``RecordClaimStore/completeRecordClaim(_:worker:outcome:tool:)``.
public enum RecordClaimOutcome: Sendable, Equatable {
    /// Its bag was written (or found complete) and verified in full: the record becomes `packaged`, then `verified`.
    case packaged(bag: String, detail: String?)
    /// Bound and held, not in the catalog, or its bag failed: nothing more for workers to do; the run's final pass
    /// reports it (and tries a failed bag once more).
    case settled
}

/// Record claims: the second half of work distributed by claims (see ``ClaimStore``). A record is claimable when its
/// batch has ``RecordWork``, the record is `waiting` or `bound`, no worker has finished it since the work was set,
/// every one of its pages has settled, and nobody holds an unexpired lease on it. A worker's heartbeat
/// (``ClaimStore/renewLeases(worker:lease:)``) keeps its record leases too, and stopping releases them.
public protocol RecordClaimStore: Sendable {
    /// Sets (or, with nil, clears) what workers need to bind and package `batch`'s records; setting it makes every
    /// record of the batch not yet packaged claimable again once its pages settle. Either way the batch's record
    /// claims end: a commit under one is refused (it was taken under other work). Idle workers are woken.
    func setRecordWork(_ work: RecordWork?, batch: String) throws(QuireError)
    /// The batch's record work, or nil while it has none.
    func recordWork(batch: String) throws(QuireError) -> RecordWork?
    /// Claims up to `limit` claimable records, of `batch` or of any batch when nil, in batch and code order, for
    /// `worker`, each under a lease of `lease` and a new fencing token; records another worker is claiming at the
    /// same moment are skipped.
    func claimRecords(batch: String?, worker: String, limit: Int, lease: Duration) throws(QuireError) -> [RecordClaim]
    /// Ends a record claim with its outcome in one transaction, only while the claim holds (the token is the
    /// record's, `worker` holds it, the lease has not expired). Returns false, writing nothing, when it no longer
    /// holds.
    func completeRecordClaim(_ claim: RecordClaim, worker: String, outcome: RecordClaimOutcome, tool: String)
        throws(QuireError) -> Bool
    /// Gives record claims back unfinished.
    func releaseRecordClaims(_ claims: [RecordClaim], worker: String) throws(QuireError)
    /// What is left of a batch's record work (nothing while the batch has no ``RecordWork``): `claimable` counts the
    /// records not yet worked and under no live lease — claimable now, or once their pages settle.
    func pendingRecordWork(batch: String) throws(QuireError) -> PendingWork
    /// Records of the batch that a worker finished since its record work was last set (their outcomes stand).
    func workedRecords(batch: String) throws(QuireError) -> Set<String>
}

extension QuireError {
    /// A record commit refused: the lease expired or another worker claimed the record since.
    package static func recordLeaseLost(_ claim: RecordClaim, file: String) -> QuireError {
        QuireError(
            .couldNotRun, stage: .ledger, file: file, rule: leaseLostRule,
            message:
                "the claim on record \(claim.batch)/\(claim.code) (token \(claim.token)) no longer holds: its lease expired or another worker took the record; nothing was written",
            fix: "nothing to do: the record is finished once, by the worker that holds it now")
    }
}
