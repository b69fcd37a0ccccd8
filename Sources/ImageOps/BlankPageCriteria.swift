/// The settings of `BlankPageDetector`; every value is a policy default, not a constant of the standard.
public struct BlankPageCriteria: Sendable, Equatable, Codable {
    /// A page is blank when less than this fraction of the inspected area's cells holds a mark.
    public var inkFraction: Double
    /// Fraction of width and height ignored along each edge (binding holes, scanner shadows, stray borders).
    public var margin: Double
    /// A pixel is ink when it is at least this many levels darker than the paper (the median of the
    /// inspected area).
    public var inkContrast: Int
    /// Connected ink specks whose bounding box is smaller than this on both sides, in millimetres, are dust
    /// and not counted.
    public var minimumMarkSize: Double
    /// Side of the square cells the inspected area is divided into, in millimetres.
    public var cellSize: Double

    /// Makes criteria; the defaults are those of `BlankPageDetector`.
    public init(
        inkFraction: Double = 0.001, margin: Double = 0.05, inkContrast: Int = 64,
        minimumMarkSize: Double = 1.0, cellSize: Double = 2.0
    ) {
        self.inkFraction = inkFraction
        self.margin = margin
        self.inkContrast = inkContrast
        self.minimumMarkSize = minimumMarkSize
        self.cellSize = cellSize
    }
}
