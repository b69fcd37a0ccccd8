package import QuireCore

/// Durable job state for a workspace: every store the stages use, together.
///
/// The ledger is split into stores, one per concern — ``BatchStore`` (batches and their counts), ``IntakeStore``
/// (what the import learns: known files, import commits, quarantine, record flags, changed files),
/// ``PageStore`` (accepted pages, normalization and its page checks), ``FixityStore`` (digests of every file and
/// the fixity audit), ``RecordStore`` (binding outcomes, record states, bags), ``EventStore`` (the
/// append-only history) and ``VisualCheckStore`` (auditors' marks) — so a stage depends on the stores it uses, and a second backend (a shared SQL server)
/// implements the same protocols. `SQLiteLedger` is the local backend; every backend passes the conformance
/// suite in `QuireTestSupport` (`LedgerConformance`).
///
/// Every method throws ``QuireError`` (stage `.ledger`, the database as its file, the backend's own message and
/// code as its underlying error). Writes that belong together are one transaction: a write that fails writes
/// nothing; nothing is written for a file before what it describes is durable.
public typealias Ledger = BatchStore & IntakeStore & PageStore & FixityStore & RecordStore & EventStore & VisualCheckStore

extension QuireError {
    /// A ledger failure: what was being done, on which database, with the backend's own account.
    package static func ledger(
        _ operation: String, file: String, underlying: Underlying? = nil, fix: String? = nil
    ) -> QuireError {
        QuireError(
            .couldNotRun, stage: .ledger, file: file, message: "ledger: \(operation) failed", underlying: underlying, fix: fix)
    }
}
