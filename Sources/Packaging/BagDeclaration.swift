/// What `bagit.txt` declares.
struct BagDeclaration {
    /// `BagIt-Version` as written.
    var versionText: String?
    /// Major and minor version, when they parse.
    var version: (major: Int, minor: Int)?
    /// The tag-file encoding (UTF-8 when unknown or absent).
    var encoding: TagEncoding = .utf8

    /// Whether the 1.0 rules apply (also for unknown or unsupported versions).
    var isStrict: Bool {
        guard let version else { return true }
        return version.major >= 1
    }

    /// Whether the version is one Quire verifies: 0.93–0.97 or 1.0.
    static func isSupported(_ version: (major: Int, minor: Int)) -> Bool {
        (version.major == 0 && (93...97).contains(version.minor)) || (version.major == 1 && version.minor == 0)
    }

    /// Whether the bag names its metadata file `package-info.txt` (0.93–0.95) rather than `bag-info.txt`.
    var usesPackageInfo: Bool {
        guard let version else { return false }
        return version.major == 0 && version.minor <= 95
    }
}
