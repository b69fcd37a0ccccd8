/// What ``BagWriter`` made.
public struct BagWriteResult: Sendable, Codable, Equatable {
    /// The finished bag folder.
    public var path: String
    /// The `Payload-Oxum` written (`octets.files`).
    public var payloadOxum: String
    /// The `Bag-Size` written (e.g. `42.6 GB`).
    public var bagSize: String
    /// Payload files hard-linked from their sources.
    public var linkedFileCount: Int
    /// Payload files copied.
    public var copiedFileCount: Int
    /// The verification of the bag before it got its final name.
    public var verification: BagReport
    /// The tar file written, when serialization was asked for.
    public var tarPath: String?
}
