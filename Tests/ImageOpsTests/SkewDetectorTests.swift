import ImageOps
import Raster
import SyntheticPages
import Testing

/// Convention under test: `SkewDetector.measure(Rotator.rotate(page, degrees: a)).angle ≈ a`.
@Suite struct SkewDetectorTests {
    static let page150 = SyntheticPage.make(.gray, dpi: 150, seed: 11)

    @Test(arguments: [-7.0, -2.5, 0.4, 3.0])
    func measuresKnownRotation(degrees: Double) {
        let skewed = Rotator.rotate(Self.page150, degrees: degrees)
        let measured = SkewDetector.measure(skewed)
        print("150 dpi rotated \(degrees)°: measured \(measured.angle)°, confidence \(measured.confidence)")
        #expect(abs(measured.angle - degrees) < 0.1)
        #expect(measured.confidence > 0.3)
    }

    @Test func unrotatedPageMeasuresZero() {
        let measured = SkewDetector.measure(Self.page150)
        #expect(abs(measured.angle) < 0.1)
        #expect(measured.confidence > 0.3)
    }

    @Test func measuresAFullResolutionPage() {
        let page = SyntheticPage.make(.gray, dpi: 300, seed: 5)
        let measured = SkewDetector.measure(Rotator.rotate(page, degrees: -2.5))
        print("300 dpi rotated -2.5°: measured \(measured.angle)°")
        #expect(abs(measured.angle + 2.5) < 0.1)
    }

    @Test func measuresColourAndBilevelPages() {
        let colour = Rotator.rotate(SyntheticPage.make(.colour, dpi: 150, seed: 3), degrees: 1.7)
        #expect(abs(SkewDetector.measure(colour).angle - 1.7) < 0.1)
        let bits = Rotator.rotate(SyntheticPage.make(.bitonal, dpi: 150, seed: 8), degrees: -4.2)
        #expect(bits.layout == .bilevel)
        #expect(abs(SkewDetector.measure(bits).angle + 4.2) < 0.1)
    }

    @Test func deskewingStraightensThePage() {
        let skewed = Rotator.rotate(Self.page150, degrees: 2.2)
        let straightened = Rotator.rotate(skewed, degrees: -SkewDetector.measure(skewed).angle)
        #expect(abs(SkewDetector.measure(straightened).angle) < 0.1)
    }

    @Test func blankPageHasNoConfidence() {
        let measured = SkewDetector.measure(TestImages.blankGray())
        #expect(measured.confidence < 0.2)
        let empty = Bitmap(width: 4, height: 4, layout: .gray8)
        #expect(SkewDetector.measure(empty) == SkewMeasurement(angle: 0, confidence: 0, inkPixels: 0))
    }
}
