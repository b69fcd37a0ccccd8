/// The result of `RedMarkDetector.analyse(_:rule:)`.
public struct RedAnalysis: Sendable, Equatable {
    /// Red pixels over all pixels.
    public var redFraction: Double
    /// Red pixels counted.
    public var redPixels: Int
    /// Whether `redFraction` reaches the rule's `significantFraction`: the page then has a red letterhead
    /// or seal and, under DA/T 31-2017 §9.3, must be kept in colour.
    public var hasSignificantRed: Bool

    /// Makes an analysis.
    public init(redFraction: Double, redPixels: Int, hasSignificantRed: Bool) {
        self.redFraction = redFraction
        self.redPixels = redPixels
        self.hasSignificantRed = hasSignificantRed
    }
}
