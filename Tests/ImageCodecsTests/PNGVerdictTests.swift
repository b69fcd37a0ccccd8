// Palette PNGs whose pixels index past the palette (libpng's `badpal` test files: "must produce a warning"):
// the pixel is undefined, so the file is corrupt. Written here by the independent MiniPNG writer.
import Foundation
import ImageCodecs
import Raster
import Testing

@Suite("PNG verdicts")
struct PNGVerdictTests {
    /// Packs indices at `bitDepth` bits, most significant first, as a PNG row wants them.
    static func pack(_ indices: [Int], bitDepth: Int) -> [UInt8] {
        var row = [UInt8](repeating: 0, count: (indices.count * bitDepth + 7) / 8)
        for (x, index) in indices.enumerated() {
            let bit = x * bitDepth
            row[bit / 8] |= UInt8(index << (8 - bitDepth - bit % 8) & 0xFF)
        }
        return row
    }

    /// A 13 × 6 palette image of `entries` colours whose pixel (`badX`, `badY`) holds `badIndex` when given.
    static func palettePNG(bitDepth: Int, entries: Int, bad: (x: Int, y: Int, index: Int)?) -> Data {
        let (width, height) = (13, 6)
        let rows = (0..<height).map { y in
            pack(
                (0..<width).map { x in
                    if let bad, bad.x == x, bad.y == y { return bad.index }
                    return (x + y) % entries
                }, bitDepth: bitDepth)
        }
        var palette: [UInt8] = []
        for i in 0..<entries {
            let red = i * 40 % 256, green = 255 - i * 30 % 256, blue = i * 7 & 0xFF
            palette += [UInt8(red), UInt8(green), UInt8(blue)]
        }
        return MiniPNG.encode(width: width, height: height, bitDepth: bitDepth, colorType: 3, rows: rows, palette: palette)
    }

    @Test(
        "A pixel indexing past the palette is corrupt, and the reason names the index, the palette and the row",
        arguments: [(1, 1, 1), (2, 3, 3), (4, 5, 12), (8, 2, 200), (8, 255, 255)])
    func indexPastPalette(_ bitDepth: Int, _ entries: Int, _ badIndex: Int) throws {
        let data = Self.palettePNG(bitDepth: bitDepth, entries: entries, bad: (x: 7, y: 4, index: badIndex))
        let reason =
            "palette index \(badIndex) beyond the \(entries)-entry palette at row 4, column 7 (the first is 0): "
            + "the pixel is undefined"
        #expect(throws: DecodeError.corrupt(reason)) {
            try ImageDecoder.decode(data)
        }
    }

    @Test(
        "The same images with every index inside the palette decode to the palette's colours",
        arguments: [(1, 1), (2, 3), (4, 5), (8, 2), (8, 255)])
    func indicesInsidePalette(_ bitDepth: Int, _ entries: Int) throws {
        let image = try ImageDecoder.decode(Self.palettePNG(bitDepth: bitDepth, entries: entries, bad: nil))
        #expect(image.bitmap.layout == .rgb8)
        #expect(image.info.colorType == .palette)
        for y in 0..<6 {
            for x in 0..<13 {
                let index = (x + y) % entries
                let red = index * 40 % 256, green = 255 - index * 30 % 256, blue = index * 7 & 0xFF
                let expected = [red, green, blue]
                #expect((0..<3).map { image.bitmap.sample(x: x, y: y, channel: $0) } == expected, "pixel \(x),\(y)")
            }
        }
    }
}
