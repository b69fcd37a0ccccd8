/// What `RedMarkDetector` counts as red ink, and how much of it is significant.
///
/// A pixel (8-bit sRGB, alpha composited on white) is red when all three hold:
/// `R > minimumRed`, `R − G > minimumRedOverGreen`, `R − B > minimumRedOverBlue`. The defaults
/// (120, 60, 50) take the vermilion of seals (印章) and the red of letterheads (红头), including faded or
/// pinkish stamps, and reject paper tones, yellowed paper, black or blue ink and brown stains.
/// A page has significant red when the fraction of red pixels is at least `significantFraction`
/// (default 0.0005: about 4,350 pixels on a 300 dpi A4 page, a 1 mm line 37 mm long, or a third of the ring
/// of a small seal). These are policy defaults, not values from DA/T 31.
public struct RedPixelRule: Sendable, Equatable, Codable {
    /// Red must exceed this.
    public var minimumRed: Int
    /// Red minus green must exceed this.
    public var minimumRedOverGreen: Int
    /// Red minus blue must exceed this.
    public var minimumRedOverBlue: Int
    /// Fraction of all pixels that must be red for the page to have significant red.
    public var significantFraction: Double

    /// Makes a rule; the defaults are the documented ones.
    public init(
        minimumRed: Int = 120, minimumRedOverGreen: Int = 60, minimumRedOverBlue: Int = 50,
        significantFraction: Double = 0.0005
    ) {
        self.minimumRed = minimumRed
        self.minimumRedOverGreen = minimumRedOverGreen
        self.minimumRedOverBlue = minimumRedOverBlue
        self.significantFraction = significantFraction
    }

    /// Whether one pixel is red under this rule.
    @inline(__always)
    public func isRed(red r: Int, green g: Int, blue b: Int) -> Bool {
        r > minimumRed && r - g > minimumRedOverGreen && r - b > minimumRedOverBlue
    }
}
