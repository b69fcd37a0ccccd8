public import Foundation

/// An extra tag file to write into a bag, outside `data/` (e.g. `metadata/record.xml`).
public struct TagFile: Sendable, Hashable {
    /// Path relative to the bag folder; not under `data/` and not a name BagIt reserves.
    public var path: String
    /// The bytes to write.
    public var contents: Data

    /// Makes a tag file.
    public init(path: String, contents: Data) {
        self.path = path
        self.contents = contents
    }
}
