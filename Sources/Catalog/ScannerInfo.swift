/// The scanner that made the images.
public struct ScannerInfo: Sendable, Hashable, Codable {
    /// The maker, e.g. `Fujitsu`.
    public var make: String
    /// The model, e.g. `fi-7160`.
    public var model: String

    /// Makes scanner information.
    public init(make: String, model: String) {
        self.make = make
        self.model = model
    }
}
