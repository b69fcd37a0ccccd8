import Fixity

/// A manifest algorithm named in a file name (`manifest-<name>.txt`): one Fixity computes, SHA-1 (computed
/// here, for older bags), or one Quire cannot compute.
enum BagAlgorithm: Hashable, Sendable, Comparable {
    case fixity(DigestAlgorithm)
    case sha1
    case unsupported(String)

    /// The algorithm for a normalized manifest-name algorithm (`sha256`, `sha1`, …).
    init(name: String) {
        if name == "sha1" { self = .sha1 }
        else if let known = DigestAlgorithm(rawValue: name) { self = .fixity(known) }
        else { self = .unsupported(name) }
    }

    /// The normalized name.
    var name: String {
        switch self {
        case .fixity(let algorithm): algorithm.rawValue
        case .sha1: "sha1"
        case .unsupported(let name): name
        }
    }

    /// Hex digits in a digest, when known.
    var hexLength: Int? {
        switch self {
        case .fixity(let algorithm): algorithm.hexLength
        case .sha1: 40
        case .unsupported(let name):
            switch name {
            case "sha224", "sha3224": 56
            case "sha384", "sha3384": 96
            case "sha3256", "blake2s256": 64
            case "sha3512", "blake2b512": 128
            default: nil
            }
        }
    }

    /// Whether Quire can compute it.
    var isSupported: Bool { if case .unsupported = self { false } else { true } }

    /// MD5 and SHA-1: kept only for backwards compatibility (RFC 8493 §2.4).
    var isWeak: Bool { self == .sha1 || self == .fixity(.md5) }

    static func < (lhs: BagAlgorithm, rhs: BagAlgorithm) -> Bool { lhs.name < rhs.name }
}
