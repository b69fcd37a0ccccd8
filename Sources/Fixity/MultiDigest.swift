public import QuireCore
import Crypto
public import Foundation

/// Several digests computed in one pass over the same bytes.
///
/// Not `Sendable`: swift-crypto's hash states are not; keep one value per task.
///
/// ```swift
/// var digest = MultiDigest([.sha256, .sm3])
/// digest.update(bytes)
/// let hex = digest.finalize()   // [.sha256: "…", .sm3: "…"]
/// ```
public struct MultiDigest {
    private var sha256: SHA256?
    private var sha512: SHA512?
    private var sha512EVP: EVPDigest?
    private var md5: Insecure.MD5?
    private var sm3: SM3?

    /// The algorithms this value computes.
    public let algorithms: [DigestAlgorithm]

    /// Starts digests for `algorithms`.
    public init(_ algorithms: [DigestAlgorithm]) {
        self.algorithms = algorithms
        for algorithm in algorithms {
            switch algorithm {
            case .sha256: sha256 = SHA256()
            case .sha512:
                sha512EVP = EVPDigest(name: "SHA512")
                if sha512EVP == nil { sha512 = SHA512() }
            case .md5: md5 = Insecure.MD5()
            case .sm3: sm3 = SM3()
            }
        }
    }

    /// Feeds bytes to every digest.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        sha256?.update(bufferPointer: buffer)
        sha512?.update(bufferPointer: buffer)
        sha512EVP?.update(buffer)
        md5?.update(bufferPointer: buffer)
        sm3?.update(bufferPointer: buffer)
    }

    /// Feeds bytes to every digest.
    public mutating func update(_ data: some DataProtocol) {
        for region in data.regions {
            region.withUnsafeBytes { update($0) }
        }
    }

    /// The lowercase hex digests.
    public func finalize() -> [DigestAlgorithm: String] {
        var out: [DigestAlgorithm: String] = [:]
        if let sha256 { out[.sha256] = hex(sha256.finalize()) }
        if let sha512 { out[.sha512] = hex(sha512.finalize()) }
        if let sha512EVP { out[.sha512] = hex(sha512EVP.finalize()) }
        if let md5 { out[.md5] = hex(md5.finalize()) }
        if let sm3 { out[.sm3] = hex(sm3.finalize()) }
        return out
    }
}

/// Lowercase hex of a byte sequence.
public func hex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.underestimatedCount * 2)
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}
