/// One `bag-info.txt` element, kept in the order the caller gives.
///
/// Labels must not contain a colon or line break nor start or end with whitespace; values must not contain
/// line breaks (the writer folds long values itself). `Payload-Oxum` and `Bag-Size` are computed by the writer.
public struct BagInfoField: Sendable, Hashable, Codable {
    /// The label, e.g. `Source-Organization`.
    public var label: String
    /// The value, e.g. `2026-03-14` for `Bagging-Date`.
    public var value: String

    /// Makes a field.
    public init(_ label: String, _ value: String) {
        self.label = label
        self.value = value
    }
}
