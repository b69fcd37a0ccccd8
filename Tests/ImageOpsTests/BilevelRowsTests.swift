import Foundation
@testable import ImageOps
import Raster
import Testing

/// The word-at-a-time bilevel expansion and the branchless packing against their per-pixel definitions, on widths
/// that end mid-byte and on whole bytes.
@Suite struct BilevelRowsTests {
    static let widths = [1, 5, 7, 8, 9, 15, 16, 17, 63, 333, 2480]

    @Test(arguments: widths)
    func expansionGivesEachBitAsZeroOr255(width: Int) {
        var state: UInt64 = UInt64(width) &* 0x9E37_79B9_7F4A_7C15
        let stride = PixelLayout.bilevel.bytesPerRow(width: width)
        let bytes = (0..<(stride * 3)).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let bits = Bitmap(width: width, height: 3, layout: .bilevel, bytes: bytes)
        let gray = ColorConversion.toGray8(bits)
        var expected = [UInt8]()
        for y in 0..<3 {
            for x in 0..<width { expected.append((bytes[y * stride + x / 8] >> (7 - UInt8(x % 8))) & 1 == 1 ? 255 : 0) }
        }
        #expect(gray.bytes == expected)
    }

    @Test(arguments: widths)
    func packingSetsTheBitsAboveTheLevel(width: Int) {
        var state: UInt64 = UInt64(width) &+ 17
        let samples = (0..<(width * 3)).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let packed = ColorConversion.binarize(Bitmap(width: width, height: 3, layout: .gray8, bytes: samples), level: 127)
        let stride = PixelLayout.bilevel.bytesPerRow(width: width)
        var expected = [UInt8](repeating: 0, count: stride * 3)
        for y in 0..<3 {
            for x in 0..<width where samples[y * width + x] > 127 { expected[y * stride + x / 8] |= 0x80 >> UInt8(x % 8) }
        }
        #expect(packed.bytes == expected)
    }
}
