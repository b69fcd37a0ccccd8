/// The result of `SkewDetector.measure(_:maxAngle:workingWidth:)`.
///
/// `angle` follows the convention of `Rotator.rotate(_:degrees:fill:)`: positive means the page content
/// is turned counter-clockwise as seen on screen (text lines rise to the right). To straighten the page,
/// rotate by `-angle`.
public struct SkewMeasurement: Sendable, Equatable {
    /// Skew in degrees, positive counter-clockwise; 0 when nothing could be measured.
    public var angle: Double
    /// How clearly the best angle stands out, 0...1: `1 - median / best` of the projection scores over the
    /// coarse search. Text pages score around 0.5 or more; blank or pictorial pages near 0.
    public var confidence: Double
    /// Ink pixels the measurement was based on (in the downsampled working copy).
    public var inkPixels: Int

    /// Makes a measurement.
    public init(angle: Double, confidence: Double, inkPixels: Int) {
        self.angle = angle
        self.confidence = confidence
        self.inkPixels = inkPixels
    }
}
