public import QuireCore
public import Fixity

/// One payload file to put in a bag, with digests the caller already computed.
///
/// ``BagWriter`` never hashes payload to write manifests: it takes `digests` as given and lets the
/// verification of the finished bag catch a digest that does not match the bytes.
public struct PayloadFile: Sendable, Hashable, Codable {
    /// Absolute path of the file to link or copy into the bag.
    public var source: String
    /// Path inside the bag, relative to the bag folder and under `data/`
    /// (e.g. `data/masters/Z109-WS·2011-Y-BGS-0001/0001.tif`).
    public var bagPath: String
    /// Size in bytes; checked against the source and the placed file.
    public var size: UInt64
    /// Lowercase or uppercase hex digests, one for each manifest algorithm (extra ones are ignored).
    public var digests: [DigestAlgorithm: String]

    /// Makes an entry.
    public init(source: String, bagPath: String, size: UInt64, digests: [DigestAlgorithm: String]) {
        self.source = source
        self.bagPath = bagPath
        self.size = size
        self.digests = digests
    }
}
