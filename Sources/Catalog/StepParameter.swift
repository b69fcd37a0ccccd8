/// One parameter of a processing step, e.g. `angle` = `0.4`.
public struct StepParameter: Sendable, Hashable, Codable {
    /// The parameter's name.
    public var name: String
    /// Its value, as text.
    public var value: String

    /// Makes a parameter.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
