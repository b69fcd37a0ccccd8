import Foundation
import ImageOps
import Raster
import SyntheticPages
import Testing

/// Wall-clock time of each operation on a 300 dpi A4 page. Off by default (it is slow in debug builds and
/// asserts nothing); run with `QUIRE_IMAGEOPS_TIMING=1 swift test -c release --filter TimingTests`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["QUIRE_IMAGEOPS_TIMING"] != nil))
struct TimingTests {
    @Test func timeEachOperationOnA300DpiPage() {
        let gray = SyntheticPage.make(.gray, dpi: 300, seed: 1)
        let colour = SyntheticPage.make(.colour, dpi: 300, seed: 1, redSeal: true)
        let clock = ContinuousClock()
        func time<T>(_ name: String, _ body: () -> T) -> T {
            var result: T?
            var best = Duration.seconds(1000)
            for _ in 0..<3 {
                let elapsed = clock.measure { result = body() }
                best = min(best, elapsed)
            }
            let ms = Double(best.components.seconds) * 1000 + Double(best.components.attoseconds) / 1e15
            print("timing \(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(String(format: "%7.1f", ms)) ms")
            return result!
        }
        _ = time("toGray8 (rgb8 → gray8)") { ColorConversion.toGray8(colour) }
        _ = time("toBilevel (gray8, Otsu)") { ColorConversion.toBilevel(gray) }
        _ = time("resize gray8 → 1000 px") { Resampler.resize(gray, longestSide: 1000) }
        _ = time("resize rgb8 → 1000 px") { Resampler.resize(colour, longestSide: 1000) }
        let skewed = time("rotate gray8 3°") { Rotator.rotate(gray, degrees: 3) }
        _ = time("rotate rgb8 3°") { Rotator.rotate(colour, degrees: 3) }
        let skew = time("skew measure (gray8)") { SkewDetector.measure(skewed) }
        print("measured \(skew.angle)")
        _ = time("border detect (gray8)") { BorderCrop.detect(gray) }
        _ = time("crop gray8") { BorderCrop.crop(gray, to: CropRect(x: 40, y: 25, width: 2400, height: 3400)) }
        _ = time("blank analyse (gray8 text page)") { BlankPageDetector.analyse(gray) }
        _ = time("red analyse (rgb8)") { RedMarkDetector.analyse(colour) }
    }
}
