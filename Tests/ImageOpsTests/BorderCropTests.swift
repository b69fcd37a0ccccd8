import ImageOps
import Raster
import SyntheticPages
import Testing

@Suite struct BorderCropTests {
    static let page = SyntheticPage.make(.gray, dpi: 150, seed: 21)  // 1240 × 1754

    /// Paints scanner-black (18 ± 6) over the pixels where `isBorder(x, y)`.
    static func withBorder(_ page: Bitmap, _ isBorder: (Int, Int) -> Bool) -> Bitmap {
        var out = page
        var rng = TestImages.Random(state: 77)
        for y in 0..<page.height {
            for x in 0..<page.width where isBorder(x, y) {
                out.bytes[y * page.width + x] = UInt8(12 + rng.below(13))
            }
        }
        return out
    }

    @Test func straightBordersAreFoundWithinTwoPixels() throws {
        let w = Self.page.width, h = Self.page.height
        let bordered = Self.withBorder(Self.page) { x, y in x < 40 || y < 25 || x >= w - 18 }
        let rect = try #require(BorderCrop.detect(bordered))
        #expect(abs(rect.x - 40) <= 2 && abs(rect.y - 25) <= 2)
        #expect(abs(rect.maxX - (w - 18)) <= 2 && rect.maxY == h)
        let text = TestImages.inkBox(Self.page)
        #expect(rect.x <= text.minX && rect.y <= text.minY && rect.maxX > text.maxX && rect.maxY > text.maxY)
    }

    @Test func irregularBorderIsCutOnlyWhereDark() throws {
        let w = Self.page.width, h = Self.page.height
        // Left band 36…44 px wide varying down the page, top band 25, bottom band 10…30 across the page.
        let bordered = Self.withBorder(Self.page) { x, y in
            x < 36 + (y * 9) / h || y < 25 || y >= h - (10 + (x * 21) / w)
        }
        let rect = try #require(BorderCrop.detect(bordered))
        #expect(rect.x >= 36 && rect.x <= 44)
        #expect(abs(rect.y - 25) <= 2)
        #expect(rect.maxY >= h - 30 && rect.maxY <= h - 10)
        let text = TestImages.inkBox(Self.page)
        #expect(rect.x <= text.minX && rect.y <= text.minY && rect.maxX > text.maxX && rect.maxY > text.maxY)
        let cropped = BorderCrop.crop(bordered, to: rect)
        #expect(cropped.width == rect.width && cropped.height == rect.height)
    }

    @Test func noBorderGivesNil() {
        #expect(BorderCrop.detect(Self.page) == nil)
        #expect(BorderCrop.detect(TestImages.blankGray()) == nil)
        // A page entirely dark has no page to find.
        #expect(BorderCrop.detect(Bitmap(width: 50, height: 50, layout: .gray8)) == nil)
    }

    @Test func wideDarkRegionIsNotTakenForABorder() {
        let w = Self.page.width
        // A dark band over 40% of the width is content (a photo), not a scanner border.
        let dark = Self.withBorder(Self.page) { x, _ in x < w * 2 / 5 }
        #expect(BorderCrop.detect(dark) == nil)
    }

    @Test func colourPagesAndCroppingLayouts() throws {
        var colour = SyntheticPage.make(.colour, dpi: 100, seed: 2)
        TestImages.paint(&colour, x0: 0, y0: 0, x1: colour.width, y1: 14, [20, 20, 20])
        let rect = try #require(BorderCrop.detect(colour))
        #expect(rect == CropRect(x: 0, y: 14, width: colour.width, height: colour.height - 14))
        let cropped = BorderCrop.crop(colour, to: rect)
        #expect(cropped.layout == .rgb8 && cropped.resolution == colour.resolution)
        #expect(Array(cropped.bytes[0..<(3 * cropped.width)]) == Array(colour[row: 14]))

        // Bilevel crop at an unaligned column keeps the right bits and zero padding.
        let bits = SyntheticPage.make(.bitonal, width: 100, height: 40, dpi: 100, seed: 3)
        let part = BorderCrop.crop(bits, to: CropRect(x: 13, y: 5, width: 29, height: 20))
        #expect(part.bytesPerRow == 4)
        for y in 0..<20 {
            for x in 0..<29 { #expect(part.sample(x: x, y: y, channel: 0) == bits.sample(x: x + 13, y: y + 5, channel: 0)) }
            #expect(part.bytes[y * 4 + 3] & 0x07 == 0)
        }
    }
}
