import ImageOps
import Raster
import Testing

@Suite struct ColorConversionTests {
    @Test func rgbToGrayUsesBT601Luma() {
        let rgb = Bitmap(
            width: 5, height: 1, layout: .rgb8,
            bytes: [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 10, 20, 30])
        let gray = ColorConversion.toGray8(rgb)
        #expect(gray.layout == .gray8)
        // 0.299·255 = 76.2, 0.587·255 = 149.7, 0.114·255 = 29.1, white, 0.299·10+0.587·20+0.114·30 = 18.2
        #expect(gray.bytes == [76, 150, 29, 255, 18])
    }

    @Test func sixteenBitRoundsToEightBit() {
        let g16 = Bitmap(width: 5, height: 1, layout: .gray16, bytes: TestImages.bytes16([0, 65535, 32896, 257, 128]))
        #expect(ColorConversion.toGray8(g16).bytes == [0, 255, 128, 1, 0])
        let rgb16 = Bitmap(width: 1, height: 1, layout: .rgb16, bytes: TestImages.bytes16([65535, 32896, 0]))
        #expect(ColorConversion.toRGB8(rgb16).bytes == [255, 128, 0])
        #expect(ColorConversion.toEightBit(rgb16).layout == .rgb8)
        #expect(ColorConversion.toEightBit(rgb16).bytes == [255, 128, 0])
    }

    @Test func alphaIsCompositedOnWhite() {
        let ga = Bitmap(width: 3, height: 1, layout: .grayAlpha8, bytes: [0, 0, 0, 255, 0, 128])
        #expect(ColorConversion.toGray8(ga).bytes == [255, 0, 127])
        let rgba = Bitmap(width: 2, height: 1, layout: .rgba8, bytes: [255, 0, 0, 0, 255, 0, 0, 255])
        #expect(ColorConversion.toRGB8(rgba).bytes == [255, 255, 255, 255, 0, 0])
        #expect(ColorConversion.toGray8(rgba).bytes == [255, 76])
        let ga16 = Bitmap(width: 2, height: 1, layout: .grayAlpha16, bytes: TestImages.bytes16([0, 0, 0, 65535]))
        #expect(ColorConversion.toGray8(ga16).bytes == [255, 0])
        #expect(ColorConversion.toEightBit(ga16).layout == .grayAlpha8)
        #expect(ColorConversion.toEightBit(ga16).bytes == [0, 0, 0, 255])
    }

    @Test func bilevelAndCMYK() {
        // 0b1010_0000: white, black, white, then black padding-free pixels.
        let bits = Bitmap(width: 3, height: 1, layout: .bilevel, bytes: [0b1010_0000])
        #expect(ColorConversion.toGray8(bits).bytes == [255, 0, 255])
        #expect(ColorConversion.toRGB8(bits).bytes == [255, 255, 255, 0, 0, 0, 255, 255, 255])
        #expect(ColorConversion.toEightBit(bits).layout == .gray8)
        let cmyk = Bitmap(width: 3, height: 1, layout: .cmyk8, bytes: [0, 0, 0, 255, 255, 0, 0, 0, 0, 0, 0, 0])
        #expect(ColorConversion.toRGB8(cmyk).bytes == [0, 0, 0, 0, 255, 255, 255, 255, 255])
        let inverted = Bitmap(width: 1, height: 1, layout: .cmyk8, bytes: [255, 255, 255, 0])
        #expect(ColorConversion.toRGB8(inverted, cmykInverted: true).bytes == [0, 0, 0])
        #expect(ColorConversion.toEightBit(cmyk) == cmyk)
    }

    @Test func bilevelByOtsuAndFixedThreshold() {
        // Two clusters, 30 ± 2 and 220 ± 2: Otsu splits between them.
        var values = [UInt8]()
        for i in 0..<40 { values.append(i % 2 == 0 ? UInt8(28 + i % 5) : UInt8(218 + i % 5)) }
        let gray = TestImages.gray(10, 4, values)
        let level = ColorConversion.otsuThreshold(gray)
        #expect(level >= 32 && level < 218)
        let bits = ColorConversion.toBilevel(gray)
        #expect(bits.layout == .bilevel)
        #expect(bits.bytesPerRow == 2)
        for (i, v) in values.enumerated() {
            let x = i % 10, y = i / 10
            #expect(bits.sample(x: x, y: y, channel: 0) == (v > level ? 1 : 0))
        }
        // Padding bits are zero.
        for y in 0..<4 { #expect(bits.bytes[y * 2 + 1] & 0b0011_1111 == 0) }
        let fixed = ColorConversion.toBilevel(TestImages.gray(3, 1, [100, 101, 200]), threshold: .fixed(100))
        #expect(fixed.bytes == [0b0110_0000])
    }

    @Test func resolutionIsKept() {
        var rgb = Bitmap(width: 2, height: 2, layout: .rgb8, resolution: Resolution(x: 300, y: 300))
        rgb.bytes = [UInt8](repeating: 200, count: 12)
        #expect(ColorConversion.toGray8(rgb).resolution == Resolution(x: 300, y: 300))
        #expect(ColorConversion.toBilevel(rgb).resolution == Resolution(x: 300, y: 300))
    }
}
