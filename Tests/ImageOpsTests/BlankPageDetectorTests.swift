import ImageOps
import Raster
import SyntheticPages
import Testing

@Suite struct BlankPageDetectorTests {
    @Test func blankPageIsBlank() {
        let result = BlankPageDetector.analyse(TestImages.blankGray())
        #expect(result.isBlank)
        #expect(result.inkFraction == 0)
    }

    @Test func dustIsIgnored() {
        var page = TestImages.blankGray()
        var rng = TestImages.Random(state: 5)
        for _ in 0..<30 {
            let size = 1 + rng.below(3)
            let x = 80 + rng.below(page.width - 160), y = 100 + rng.below(page.height - 200)
            TestImages.paint(&page, x0: x, y0: y, x1: x + size, y1: y + size, [UInt8(30 + rng.below(40))])
        }
        let result = BlankPageDetector.analyse(page)
        #expect(result.isBlank)
        #expect(result.speckCount == 30)
        #expect(result.markCount == 0)
    }

    @Test func oneShortLineIsNotBlank() {
        var page = TestImages.blankGray()
        // One line of word-shaped strokes (SyntheticPage on a strip that fits exactly one line).
        let strip = SyntheticPage.make(.gray, width: 600, height: 150, dpi: 150, seed: 4)
        let line = TestImages.inkBox(strip)
        #expect(line.maxY - line.minY < 30)  // one line
        for y in 0..<strip.height {
            for x in 0..<strip.width { page.bytes[(700 + y) * page.width + 300 + x] = strip.bytes[y * strip.width + x] }
        }
        let result = BlankPageDetector.analyse(page)
        print("short line: \(line.maxX - line.minX + 1) px long, ink fraction \(result.inkFraction)")
        #expect(!result.isBlank)
        #expect(result.inkFraction > 0.001)
    }

    @Test func fullPageIsNotBlankAtAnyLayout() {
        #expect(!BlankPageDetector.analyse(SyntheticPage.make(.gray, dpi: 100, seed: 1)).isBlank)
        #expect(!BlankPageDetector.analyse(SyntheticPage.make(.bitonal, dpi: 100, seed: 1)).isBlank)
        #expect(!BlankPageDetector.analyse(SyntheticPage.make(.colour, dpi: 100, seed: 1)).isBlank)
        let full = BlankPageDetector.analyse(SyntheticPage.make(.gray, dpi: 100, seed: 1))
        #expect(full.inkFraction > 0.2)
    }

    @Test func marginIsIgnoredAndThresholdIsASetting() {
        var page = TestImages.blankGray()
        // A dark strip in the outer 5%: a scanner shadow, not content.
        TestImages.paint(&page, x0: 0, y0: 0, x1: 40, y1: page.height, [20])
        #expect(BlankPageDetector.analyse(page).isBlank)
        #expect(!BlankPageDetector.analyse(page, criteria: BlankPageCriteria(margin: 0)).isBlank)
        // A 3 mm blot: a mark, and blank only under a looser threshold.
        TestImages.paint(&page, x0: 600, y0: 800, x1: 618, y1: 818, [40])
        let strict = BlankPageDetector.analyse(page)
        #expect(strict.markCount == 1 && strict.isBlank)  // 4 cells of ~12 800: below 0.001
        #expect(!BlankPageDetector.analyse(page, inkFraction: 0.0002).isBlank)
    }
}
