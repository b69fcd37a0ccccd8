/// How a finished bag is handed over (`package.serialization` in a pipeline file).
public enum BagSerialization: String, Sendable, Codable, CaseIterable {
    /// A folder: the default.
    case none
    /// A folder and a tar file of it beside it.
    case tar
}
