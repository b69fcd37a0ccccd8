/// One file to read once and digest with several algorithms.
struct HashJob: Sendable {
    /// Bag-relative path, as the manifest spells it: the report's name for it.
    var relativePath: String
    /// Bag-relative path as the file system spells it (it may differ in Unicode normalization): where to open it
    /// beneath the bag's ``ConfinedFolder``.
    var diskPath: String
    /// The algorithms to compute (unsupported ones are skipped).
    var algorithms: [BagAlgorithm]
    /// Size on disk when scanned, to schedule large files first.
    var size: UInt64
    /// Whether it is handed to the caller's ``PayloadInspection`` (whole, when it fits the memory budget).
    var inspect = false
}
