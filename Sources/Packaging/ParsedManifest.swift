/// A payload manifest or tag manifest as read from disk: resolved bag-relative paths and their digests.
struct ParsedManifest {
    /// File name, e.g. `manifest-sha256.txt`.
    var name: String
    /// The algorithm its name declares.
    var algorithm: BagAlgorithm
    /// Whether it is a tag manifest.
    var isTag: Bool
    /// Lowercase hex digest by resolved bag-relative path.
    var entries: [String: String] = [:]
}
