import COpenSSL

/// A digest computed by the system's OpenSSL libcrypto (EVP interface), by OpenSSL's name for it.
///
/// Used for SHA-512, where swift-crypto's BoringSSL build runs at about half of OpenSSL's speed on this
/// class of CPU (331 vs 674 MB/s measured by `quire bench digest`), and by the bag verifier for the manifest
/// algorithms other tools write that Quire itself never records (SHA-1, SHA-224/384, SHA-3, BLAKE2). The
/// context pointer never leaves this type; one value is used by one task at a time (it is not `Sendable`).
///
/// ```swift
/// let digest = EVPDigest(name: "SHA3-256")!
/// bytes.withUnsafeBytes { digest.update($0) }
/// let hex = hex(digest.finalize())
/// ```
public final class EVPDigest {
    private let context: OpaquePointer

    /// Starts a digest; nil when libcrypto lacks the algorithm.
    public init?(name: String) {
        guard let md = EVP_get_digestbyname(name), let context = EVP_MD_CTX_new() else { return nil }
        guard EVP_DigestInit_ex(context, md, nil) == 1 else {
            EVP_MD_CTX_free(context)
            return nil
        }
        self.context = context
    }

    private init(copying other: EVPDigest) {
        context = EVP_MD_CTX_new()!
        precondition(EVP_MD_CTX_copy_ex(context, other.context) == 1, "EVP_MD_CTX_copy_ex failed")
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Feeds bytes.
    public func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        precondition(EVP_DigestUpdate(context, base, buffer.count) == 1, "EVP_DigestUpdate failed")
    }

    /// The digest of what was fed so far (the running state is kept).
    public func finalize() -> [UInt8] {
        let copy = EVPDigest(copying: self)
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        precondition(EVP_DigestFinal_ex(copy.context, &out, &length) == 1, "EVP_DigestFinal_ex failed")
        return Array(out.prefix(Int(length)))
    }
}
