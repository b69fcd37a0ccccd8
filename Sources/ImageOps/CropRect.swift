/// A rectangle of whole pixels inside a bitmap, origin at the top-left corner.
public struct CropRect: Sendable, Equatable, Hashable, Codable {
    /// Left edge (first column kept).
    public var x: Int
    /// Top edge (first row kept).
    public var y: Int
    /// Columns kept.
    public var width: Int
    /// Rows kept.
    public var height: Int

    /// Makes a rectangle.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// One past the last column kept.
    public var maxX: Int { x + width }
    /// One past the last row kept.
    public var maxY: Int { y + height }

    /// Whether `other` lies entirely inside this rectangle.
    public func contains(_ other: CropRect) -> Bool {
        other.x >= x && other.y >= y && other.maxX <= maxX && other.maxY <= maxY
    }
}
