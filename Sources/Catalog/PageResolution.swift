/// A page image's resolution as the file records it.
public struct PageResolution: Sendable, Hashable, Codable {
    /// Horizontal resolution, pixels per unit.
    public var x: Double
    /// Vertical resolution, pixels per unit.
    public var y: Double
    /// The unit: `inch` (dpi) or `cm`.
    public var unit: String

    /// Makes a resolution (dpi by default).
    public init(x: Double, y: Double, unit: String = "inch") {
        self.x = x
        self.y = y
        self.unit = unit
    }
}
