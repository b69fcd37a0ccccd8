/// The scanning or processing software.
public struct SoftwareInfo: Sendable, Hashable, Codable {
    /// The name, e.g. `ScanSoft`.
    public var name: String
    /// The version, e.g. `1.0`, when known.
    public var version: String?

    /// Makes software information.
    public init(name: String, version: String? = nil) {
        self.name = name
        self.version = version
    }
}
