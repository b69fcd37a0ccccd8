import Foundation
@testable import ImageOps
import Raster
import SyntheticPages
import Testing

/// The deskew's vectorized runs (`Rotator.run`) against the pixel-by-pixel bilinear loop they replace: the same
/// bytes for every angle a deskew uses and for large turns, on a scanned page and on noise.
@Suite struct RotatorRunsTests {
    @Test(arguments: [0.05, -0.3, 0.8, -1.3, 2.0, -4.9, 12.0, -95.0, 181.0])
    func runsGiveTheBytesOfThePixelByPixelLoop(degrees: Double) {
        let page = ScannerPage.make(.colour, width: 620, height: 877, dpi: 75, seed: 5).bitmap
        var state: UInt64 = 77
        let noise = Bitmap(
            width: 331, height: 203, layout: .gray8,
            bytes: (0..<(331 * 203)).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 56)
            })
        for image in [page, ColorConversion.toGray8(page), noise] {
            let fast = Rotator.rotateEightBit(image, degrees: degrees, fill: .gray(200))
            let reference = Rotator.rotateEightBit(image, degrees: degrees, fill: .gray(200), runs: false)
            #expect(fast.bytes == reference.bytes, "\(image.layout) \(image.width)×\(image.height) at \(degrees)°")
        }
    }
}
