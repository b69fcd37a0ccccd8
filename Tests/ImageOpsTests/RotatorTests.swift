import Foundation
import ImageOps
import Raster
import SyntheticPages
import Testing

@Suite struct RotatorTests {
    /// A deskew turns the page and its gray working copy; when the copy is the page's own gray it is turned once,
    /// and both results are byte for byte what turning each gives; a colour page's copy is the gray of the turned
    /// page.
    @Test(arguments: [-2.3, 0.7, 8.0])
    func aPageAndItsGrayCopyTurnAsEachWouldAlone(degrees: Double) {
        let gray = SyntheticPage.make(.gray, width: 331, height: 217, dpi: 100, seed: 3)
        let bits = SyntheticPage.make(.bitonal, width: 203, height: 157, dpi: 100, seed: 4)
        let colour = SyntheticPage.make(.colour, width: 190, height: 120, dpi: 100, seed: 5)
        var grayCopy = ColorConversion.toGray8(gray)
        grayCopy.resolution = nil
        let otherGray = SyntheticPage.make(.gray, width: 331, height: 217, dpi: 100, seed: 9)
        for (page, copy) in [
            (gray, grayCopy), (bits, ColorConversion.toGray8(bits)),
            (gray, otherGray),  // not the page's own gray: both are turned
        ] {
            let both = Rotator.rotate(page, withGrayCopy: copy, degrees: degrees)
            #expect(both.page == Rotator.rotate(page, degrees: degrees), "\(page.layout)")
            #expect(both.gray == Rotator.rotate(copy, degrees: degrees), "\(page.layout)")
        }
        let both = Rotator.rotate(colour, withGrayCopy: ColorConversion.toGray8(colour), degrees: degrees)
        #expect(both.page == Rotator.rotate(colour, degrees: degrees))
        #expect(both.gray == ColorConversion.toGray8(Rotator.rotate(colour, degrees: degrees)))
    }

    @Test func zeroDegreesIsIdentity() {
        let page = SyntheticPage.make(.gray, width: 120, height: 90, dpi: 100, seed: 1)
        #expect(Rotator.rotate(page, degrees: 0) == page)
        #expect(Rotator.rotate(page, degrees: 360) == page)
    }

    @Test func quarterTurnIsExactAndCounterClockwise() {
        var rng = TestImages.Random(state: 12)
        let n = 9
        let values = (0..<(n * n)).map { _ in UInt8(rng.below(256)) }
        let turned = Rotator.rotate(TestImages.gray(n, n, values), degrees: 90, fill: .gray(255))
        // Counter-clockwise: output (x, y) comes from source (n−1−y, x); the top-right corner goes top-left.
        for y in 0..<n {
            for x in 0..<n { #expect(turned.bytes[y * n + x] == values[x * n + (n - 1 - y)]) }
        }
        let rgb = Bitmap(width: 2, height: 2, layout: .rgb8, bytes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        #expect(Rotator.rotate(rgb, degrees: 90).bytes == [4, 5, 6, 10, 11, 12, 1, 2, 3, 7, 8, 9])
    }

    @Test func cornersTakeTheFill() {
        let page = SyntheticPage.make(.gray, width: 300, height: 400, dpi: 100, seed: 2)
        let given = Rotator.rotate(page, degrees: 10, fill: .gray(7))
        #expect(given.bytes[0] == 7 && given.bytes[given.bytes.count - 1] == 7)
        let estimated = Rotator.rotate(page, degrees: 10)
        #expect(abs(Int(estimated.bytes[0]) - 236) <= 3)
        let colour = Rotator.rotate(
            SyntheticPage.make(.colour, width: 300, height: 400, dpi: 100, seed: 2),
            degrees: -10)
        #expect(abs(Int(colour.bytes[0]) - 240) <= 3 && abs(Int(colour.bytes[2]) - 226) <= 3)
        let red = Rotator.rotate(colour, degrees: 5, fill: .rgb(255, 0, 0))
        #expect(Array(red.bytes[0..<3]) == [255, 0, 0])
    }

    @Test func rotatingBackRestoresTheMiddle() {
        let page = SyntheticPage.make(.gray, width: 400, height: 400, dpi: 150, seed: 6)
        let back = Rotator.rotate(Rotator.rotate(page, degrees: 3.5), degrees: -3.5)
        var total = 0, count = 0
        for y in 100..<300 {
            for x in 100..<300 {
                total += abs(Int(back.bytes[y * 400 + x]) - Int(page.bytes[y * 400 + x])); count += 1
            }
        }
        // Two bilinear passes blur strokes a little; the mean stays small.
        #expect(Double(total) / Double(count) < 12)
    }

    @Test func layoutsAndResolution() {
        let bits = SyntheticPage.make(.bitonal, width: 203, height: 100, dpi: 200, seed: 1)
        let turned = Rotator.rotate(bits, degrees: 2)
        #expect(turned.layout == .bilevel && turned.width == 203 && turned.height == 100)
        #expect(turned.resolution == bits.resolution)
        // 203 pixels = 25 bytes and 3 bits: the 5 padding bits of the last byte stay 0.
        for y in 0..<100 { #expect(turned.bytes[y * turned.bytesPerRow + 25] & 0x1F == 0) }
        let rgba = Bitmap(width: 3, height: 3, layout: .rgba8, bytes: [UInt8](repeating: 255, count: 36))
        #expect(Rotator.rotate(rgba, degrees: 1).layout == .rgb8)
        let g16 = Bitmap(width: 3, height: 3, layout: .gray16, bytes: [UInt8](repeating: 255, count: 18))
        #expect(Rotator.rotate(g16, degrees: 1).layout == .gray8)
    }

    /// Bilinear rotation computed directly in floating point, fill outside.
    static func reference(_ image: Bitmap, degrees: Double, fill: Int) -> [Int] {
        let w = image.width, h = image.height, ch = image.layout.channels
        let t = degrees * Double.pi / 180
        let c = cos(t), s = sin(t)
        let cx = Double(w - 1) / 2, cy = Double(h - 1) / 2
        var out = [Int]()
        for oy in 0..<h {
            for ox in 0..<w {
                let dx = Double(ox) - cx, dy = Double(oy) - cy
                let x = cx + dx * c - dy * s, y = cy + dx * s + dy * c
                let x0 = Int(x.rounded(.down)), y0 = Int(y.rounded(.down))
                let fx = x - Double(x0), fy = y - Double(y0)
                for k in 0..<ch {
                    func at(_ xx: Int, _ yy: Int) -> Double {
                        xx < 0 || yy < 0 || xx >= w || yy >= h ? Double(fill) : Double(image.bytes[(yy * w + xx) * ch + k])
                    }
                    let v =
                        (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy)
                        + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy
                    out.append(Int(v.rounded()))
                }
            }
        }
        return out
    }

    @Test(arguments: [-170.0, -95.0, -30.0, 0.3, 12.0, 100.0, 200.0])
    func matchesFloatingPointBilinear(degrees: Double) {
        var rng = TestImages.Random(state: UInt64(degrees.magnitude * 10))
        let gray = TestImages.gray(37, 23, (0..<(37 * 23)).map { _ in UInt8(rng.below(256)) })
        let rgb = Bitmap(width: 19, height: 30, layout: .rgb8, bytes: (0..<(19 * 30 * 3)).map { _ in UInt8(rng.below(256)) })
        for image in [gray, rgb] {
            let turned = Rotator.rotate(image, degrees: degrees, fill: .gray(90))
            let expected = Self.reference(image, degrees: degrees, fill: 90)
            let worst = zip(turned.bytes, expected).map { abs(Int($0) - $1) }.max() ?? 0
            #expect(worst <= 2, "\(image.layout) at \(degrees)°: worst difference \(worst)")
        }
    }
}
