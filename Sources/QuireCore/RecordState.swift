/// A record's (档号's) place in the ledger: `waiting → bound | held → packaged → verified`, and `invalid` when a
/// packaged record's files drift or its bag fails verification.
public enum RecordState: String, Sendable, Codable, CaseIterable, CodingKeyRepresentable, CustomStringConvertible {
    /// Pages or quarantined files are known; the record is not bound to the catalog yet.
    case waiting
    /// Bound to its catalog record with every check passed: ready to package.
    case bound
    /// Binding found problems (see the record's binding problems): not packaged, sent back for rework.
    case held
    /// Its bag is written.
    case packaged
    /// Its bag verified in full; it counts as digitized.
    case verified
    /// A file of its bag drifted or went missing, or its bag failed verification: no longer counted.
    case invalid

    /// Whether the record has a bag that was accepted (`packaged` or `verified`).
    public var isPackaged: Bool { self == .packaged || self == .verified }

    /// The stored spelling.
    public var description: String { rawValue }
}
