/// How `ColorConversion.toBilevel(_:threshold:)` chooses the gray level that separates ink from paper.
///
/// Gray values at or below the threshold become black, values above it white.
public enum ThresholdMethod: Sendable, Equatable {
    /// Otsu's method: the level that maximises the between-class variance of the image's histogram.
    case otsu
    /// A fixed gray level, 0...255.
    case fixed(UInt8)
}
