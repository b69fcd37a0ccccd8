import QuireCore
import Fixity

/// A manifest algorithm named in a file name (`manifest-<name>.txt`): one Fixity computes, one the system's
/// libcrypto computes for older bags and other tools' bags (SHA-1, SHA-224/384, SHA-3, BLAKE2, as bagit-python
/// writes them), or one Quire cannot compute.
enum BagAlgorithm: Hashable, Sendable, Comparable {
    case fixity(DigestAlgorithm)
    /// The manifest's name and libcrypto's name for it.
    case libcrypto(name: String, evpName: String)
    case unsupported(String)

    /// SHA-1, for the tests and for `isWeak`.
    static let sha1 = BagAlgorithm.libcrypto(name: "sha1", evpName: "SHA1")

    /// Manifest names (lowercase, `-` and `_` dropped) → libcrypto's name and the digest's hex length.
    private static let libcryptoNames: [String: (evp: String, hex: Int)] = [
        "sha1": ("SHA1", 40), "sha224": ("SHA224", 56), "sha384": ("SHA384", 96),
        "sha3224": ("SHA3-224", 56), "sha3256": ("SHA3-256", 64), "sha3384": ("SHA3-384", 96), "sha3512": ("SHA3-512", 128),
        "blake2b": ("BLAKE2b512", 128), "blake2b512": ("BLAKE2b512", 128),
        "blake2s": ("BLAKE2s256", 64), "blake2s256": ("BLAKE2s256", 64),
    ]

    /// A manifest name's lookup key: lowercase, `-` and `_` dropped (`sha3_256`, `SHA3-256` → `sha3256`).
    private static func key(_ name: String) -> String { String(name.lowercased().filter { $0 != "-" && $0 != "_" }) }

    /// The algorithm for a manifest-name algorithm (`sha256`, `sha1`, `sha3_256`, …; case-insensitive).
    init(name: String) {
        let lowered = name.lowercased()
        let key = Self.key(lowered)
        if let known = DigestAlgorithm(rawValue: key) {
            self = .fixity(known)
        } else if let entry = Self.libcryptoNames[key], EVPDigest(name: entry.evp) != nil {
            self = .libcrypto(name: lowered, evpName: entry.evp)
        } else {
            self = .unsupported(lowered)
        }
    }

    /// The name as the manifest spells it (lowercased).
    var name: String {
        switch self {
        case .fixity(let algorithm): algorithm.rawValue
        case .libcrypto(let name, _): name
        case .unsupported(let name): name
        }
    }

    /// Hex digits in a digest, when known.
    var hexLength: Int? {
        switch self {
        case .fixity(let algorithm): algorithm.hexLength
        case .libcrypto(let name, _), .unsupported(let name): Self.libcryptoNames[Self.key(name)]?.hex
        }
    }

    /// Whether Quire can compute it.
    var isSupported: Bool { if case .unsupported = self { false } else { true } }

    /// MD5 and SHA-1: kept only for backwards compatibility (RFC 8493 §2.4).
    var isWeak: Bool {
        switch self {
        case .fixity(.md5): true
        case .libcrypto(_, "SHA1"): true
        default: false
        }
    }

    static func < (lhs: BagAlgorithm, rhs: BagAlgorithm) -> Bool { lhs.name < rhs.name }
}
