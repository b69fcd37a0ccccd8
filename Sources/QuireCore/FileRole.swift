/// What a file whose digests the ledger records is: a vendor's source or one of Quire's outputs.
public enum FileRole: String, Sendable, Codable, CaseIterable, CodingKeyRepresentable, CustomStringConvertible {
    /// A delivered page (relative to the batch's delivery folder).
    case source
    /// The preservation master (`masters/<档号>/<page>.tif`).
    case master
    /// The access copy (`access/<档号>/<page>.jpg`).
    case access
    /// The thumbnail (`thumbs/<档号>/<page>.jpg`).
    case thumbnail
    /// A record's metadata document (`metadata/<档号>/record.xml`, `record.json`).
    case metadata

    /// The stored spelling.
    public var description: String { rawValue }
}
