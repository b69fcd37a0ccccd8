/// How ``BagWriter`` writes file names into manifests.
public enum ManifestPathEncoding: String, Sendable, Codable {
    /// RFC 8493 §2.1.3: `%` → `%25`, CR → `%0D`, LF → `%0A`; everything else as UTF-8.
    case rfc8493
    /// CR → `%0D`, LF → `%0A`, `%` left alone: what bagit-python 1.9 and most other tools read and write.
    ///
    /// A name containing `%` followed by two hex digits is ambiguous in this form; ``BagVerifier`` reads both.
    case legacy
}
