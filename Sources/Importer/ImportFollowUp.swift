public import QuireCore
public import Fixity
public import ImageCodecs
public import Ledger

/// A page that decoded, handed to follow-up work while its image is still in memory.
public struct AcceptedPage: Sendable {
    /// The page as the import will register it.
    public let page: PageRecord
    /// The decoded image (first frame).
    public let image: DecodedImage
    /// Digests of the file's bytes, from the import's one read, for the follow-up's algorithms.
    public let digests: [DigestAlgorithm: String]
}

/// How a file ended in an import with follow-up work, reported once its import is durable in the ledger.
public enum SettledFile<Output: Sendable>: Sendable {
    /// Registered as a page; `output` is nil when the follow-up was not run for it (see ``ImportFollowUp``).
    case page(PageRecord, output: Output?)
    /// Quarantined (also a page that decoded but turned out a duplicate); any follow-up output is the caller's to undo.
    case quarantined(QuarantineRecord, output: Output?)
}

/// Work joined to the import so that each page is read and decoded once (`quire run`): the import decodes a
/// page in a worker, the follow-up (normalization) runs in the same worker on the same image, and the caller
/// learns of each file, in the delivery's order, once the import has committed it.
///
/// The follow-up is not run for a file whose page slot (档号 and page number) another file of the delivery,
/// or a page already registered, also claims: which of them is kept is known only when they settle, and two
/// follow-ups must never write the same outputs. Such a page settles with a nil output.
public struct ImportFollowUp<Output: Sendable>: Sendable {
    /// Digest algorithms computed over each file's bytes in the import's read (SHA-256 is always computed).
    public var algorithms: [DigestAlgorithm]
    /// Before any file is examined: how many files of each record (canonical 档号) this run will examine.
    public var planned: @Sendable ([String: Int]) -> Void
    /// In the worker that decoded the page.
    public var process: @Sendable (AcceptedPage) -> Output
    /// On the committing task, in delivery order, once the file is durable in the ledger. Return false to
    /// stop: no new file is started, the files in flight are committed, and the import returns.
    public var settled: @Sendable (SettledFile<Output>) -> Bool

    /// Makes a follow-up.
    public init(
        algorithms: [DigestAlgorithm], planned: @escaping @Sendable ([String: Int]) -> Void,
        process: @escaping @Sendable (AcceptedPage) -> Output,
        settled: @escaping @Sendable (SettledFile<Output>) -> Bool
    ) {
        self.algorithms = algorithms
        self.planned = planned
        self.process = process
        self.settled = settled
    }
}
