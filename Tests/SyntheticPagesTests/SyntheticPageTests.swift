import Raster
import SyntheticPages
import Testing

/// The simple page generator behind the tests' fixtures and `quire bench … --pages-kind simple`: a seed is a
/// page, the same on every run and machine, and different seeds are different pages.
@Suite struct SyntheticPageTests {
    @Test(arguments: SyntheticPage.Mode.allCases)
    func theSameSeedGivesTheSamePixels(mode: SyntheticPage.Mode) {
        let a = SyntheticPage.make(mode, width: 400, height: 560, dpi: 100, seed: 42, redSeal: mode == .colour)
        let b = SyntheticPage.make(mode, width: 400, height: 560, dpi: 100, seed: 42, redSeal: mode == .colour)
        let other = SyntheticPage.make(mode, width: 400, height: 560, dpi: 100, seed: 43, redSeal: mode == .colour)
        #expect(a == b)
        #expect(a.bytes != other.bytes)
    }

    @Test func anA4PageHasTheSizeAndLayoutOfItsMode() {
        let gray = SyntheticPage.make(.gray, dpi: 100, seed: 1)
        #expect(gray.width == 827 && gray.height == 1169)  // 210 × 297 mm at 100 dpi
        #expect(gray.layout == .gray8)
        #expect(gray.resolution == Resolution(x: 100, y: 100))
        #expect(SyntheticPage.make(.bitonal, dpi: 100, seed: 1).layout == .bilevel)
        #expect(SyntheticPage.make(.colour, dpi: 100, seed: 1).layout == .rgb8)
    }

    /// A page carries ink on paper: neither blank nor solid.
    @Test func aGrayPageHasPaperAndInk() {
        let page = SyntheticPage.make(.gray, width: 400, height: 560, dpi: 100, seed: 7)
        let dark = page.bytes.filter { $0 < 128 }.count
        #expect(dark > page.bytes.count / 200, "\(dark) dark pixels of \(page.bytes.count)")
        #expect(dark < page.bytes.count / 2, "\(dark) dark pixels of \(page.bytes.count)")
    }
}
