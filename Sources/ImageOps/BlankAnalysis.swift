/// The result of `BlankPageDetector.analyse(_:criteria:)`.
public struct BlankAnalysis: Sendable, Equatable {
    /// Whether `inkFraction` is below the criteria's threshold.
    public var isBlank: Bool
    /// Fraction of the inspected area's cells (2 mm squares by default) touched by a mark: a coverage
    /// measure, so one short line of text counts for the area it spans, not just its stroke pixels.
    public var inkFraction: Double
    /// Fraction of the inspected area's pixels that belong to marks (dust excluded).
    public var inkPixelFraction: Double
    /// Connected marks counted.
    public var markCount: Int
    /// Connected specks ignored as dust.
    public var speckCount: Int

    /// Makes an analysis.
    public init(isBlank: Bool, inkFraction: Double, inkPixelFraction: Double, markCount: Int, speckCount: Int) {
        self.isBlank = isBlank
        self.inkFraction = inkFraction
        self.inkPixelFraction = inkPixelFraction
        self.markCount = markCount
        self.speckCount = speckCount
    }
}
