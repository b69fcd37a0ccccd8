/// One image-processing step applied (DA/T 31-2017 §10: deskew, crop, cleaning…), with its parameters.
public struct ProcessingStep: Sendable, Hashable, Codable {
    /// The step, e.g. `deskew`.
    public var name: String
    /// Its parameters, in order.
    public var parameters: [StepParameter]

    /// Makes a step.
    public init(name: String, parameters: [StepParameter] = []) {
        self.name = name
        self.parameters = parameters
    }
}
