/// A digest algorithm Quire computes for fixity.
public enum DigestAlgorithm: String, Sendable, Codable, CaseIterable, Comparable {
    /// SHA-256 (FIPS 180-4): the default, and BagIt's usual manifest.
    case sha256
    /// SHA-512 (FIPS 180-4).
    case sha512
    /// MD5 (RFC 1321): named in Chinese transfer forms; not collision-resistant.
    case md5
    /// SM3 (GB/T 32905-2016): referenced by DA/T 97-2023.
    case sm3

    /// Hex digits in a digest.
    public var hexLength: Int {
        switch self {
        case .sha256, .sm3: 64
        case .sha512: 128
        case .md5: 32
        }
    }

    /// Orders algorithms as `allCases` lists them: SHA-256, SHA-512, MD5, SM3.
    public static func < (lhs: DigestAlgorithm, rhs: DigestAlgorithm) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
