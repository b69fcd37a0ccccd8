import ImageOps
import Raster
import SyntheticPages
import Testing

@Suite struct RedMarkDetectorTests {
    @Test func redSealIsSignificant() {
        let page = SyntheticPage.make(.colour, dpi: 150, seed: 2, redSeal: true)
        let result = RedMarkDetector.analyse(page)
        print("seal: red fraction \(result.redFraction)")
        #expect(result.hasSignificantRed)
        #expect(result.redFraction > 0.001)
    }

    @Test func redLetterheadIsSignificant() {
        var page = SyntheticPage.make(.colour, dpi: 150, seed: 3)
        let w = page.width
        // 红头: a red title of block glyphs over a red rule, in a slightly dull vermilion.
        for k in 0..<8 {
            let x = w / 4 + k * 70
            TestImages.paint(&page, x0: x, y0: 60, x1: x + 50, y1: 110, [196, 48, 40])
        }
        TestImages.paint(&page, x0: w / 9, y0: 130, x1: w - w / 9, y1: 134, [205, 38, 42])
        let result = RedMarkDetector.analyse(page)
        print("letterhead: red fraction \(result.redFraction)")
        #expect(result.hasSignificantRed)
    }

    @Test func blackTextColourPageIsNotRed() {
        let result = RedMarkDetector.analyse(SyntheticPage.make(.colour, dpi: 150, seed: 3))
        #expect(!result.hasSignificantRed)
        #expect(result.redPixels == 0)
    }

    @Test func ruleBoundariesAndLayouts() {
        let rule = RedPixelRule()
        #expect(rule.isRed(red: 200, green: 30, blue: 35))
        #expect(!rule.isRed(red: 120, green: 0, blue: 0))  // not bright enough
        #expect(!rule.isRed(red: 200, green: 140, blue: 60))  // orange-brown: R − G = 60
        #expect(!rule.isRed(red: 200, green: 100, blue: 150))  // pink-violet: R − B = 50
        #expect(!rule.isRed(red: 240, green: 236, blue: 226))  // paper
        // Half the pixels of a 2×1 image red: fraction 0.5.
        let rgb = Bitmap(width: 2, height: 1, layout: .rgb8, bytes: [220, 20, 20, 20, 20, 20])
        #expect(RedMarkDetector.analyse(rgb).redFraction == 0.5)
        // Transparent red is white once composited.
        let rgba = Bitmap(width: 2, height: 1, layout: .rgba8, bytes: [220, 20, 20, 255, 220, 20, 20, 0])
        #expect(RedMarkDetector.analyse(rgba).redPixels == 1)
        let rgb16 = Bitmap(width: 1, height: 1, layout: .rgb16, bytes: TestImages.bytes16([60000, 5000, 5000]))
        #expect(RedMarkDetector.analyse(rgb16).redPixels == 1)
        #expect(!RedMarkDetector.analyse(SyntheticPage.make(.gray, dpi: 50, seed: 1)).hasSignificantRed)
        // A stricter policy threshold.
        let seal = SyntheticPage.make(.colour, dpi: 100, seed: 2, redSeal: true)
        #expect(!RedMarkDetector.analyse(seal, rule: RedPixelRule(significantFraction: 0.01)).hasSignificantRed)
    }
}
