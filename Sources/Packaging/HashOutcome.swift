/// The digests of one ``HashJob``, or why the file could not be read.
struct HashOutcome: Sendable {
    /// Bag-relative path.
    var relativePath: String
    /// Lowercase hex digests by algorithm.
    var digests: [BagAlgorithm: String]
    /// Bytes read.
    var bytes: UInt64
    /// The system's reason when reading failed.
    var failure: String?
    /// Whether it failed because its path leads out of the bag.
    var leftBag = false
}
