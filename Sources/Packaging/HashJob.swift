/// One file to read once and digest with several algorithms.
struct HashJob: Sendable {
    /// Bag-relative path, for the report.
    var relativePath: String
    /// Where to read it.
    var absolutePath: String
    /// The algorithms to compute (unsupported ones are skipped).
    var algorithms: [BagAlgorithm]
    /// Size on disk when scanned, to schedule large files first.
    var size: UInt64
    /// Whether the whole content is kept in memory and handed to the caller's ``PayloadInspection``.
    var inspect = false
}
