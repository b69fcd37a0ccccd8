/// The program that wrote a metadata document.
public struct GeneratorInfo: Sendable, Hashable, Codable {
    /// The program's name.
    public var name: String
    /// Its version.
    public var version: String

    /// Makes generator information (`Quire` by default).
    public init(name: String = "Quire", version: String) {
        self.name = name
        self.version = version
    }
}
