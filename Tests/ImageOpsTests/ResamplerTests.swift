import ImageOps
import Raster
import SyntheticPages
import Testing

@Suite struct ResamplerTests {
    @Test func constantImageStaysConstant() {
        let gray = Bitmap(
            width: 1000, height: 700, layout: .gray8,
            bytes: [UInt8](repeating: 173, count: 700_000))
        let small = Resampler.resize(gray, width: 333, height: 233)
        #expect(small.width == 333 && small.height == 233)
        #expect(small.bytes.allSatisfy { $0 == 173 })
        let rgb = Bitmap(
            width: 97, height: 61, layout: .rgb8,
            bytes: (0..<(97 * 61)).flatMap { _ in [UInt8(10), 200, 255] })
        let rgbSmall = Resampler.resize(rgb, width: 13, height: 7)
        #expect(rgbSmall.layout == .rgb8)
        for i in 0..<(13 * 7) { #expect(Array(rgbSmall.bytes[(3 * i)..<(3 * i + 3)]) == [10, 200, 255]) }
    }

    @Test func halvingGivesExactBlockMeans() {
        var rng = TestImages.Random(state: 3)
        let w = 64, h = 48
        let values = (0..<(w * h)).map { _ in UInt8(rng.below(256)) }
        let half = Resampler.resize(TestImages.gray(w, h, values), width: w / 2, height: h / 2)
        for y in 0..<(h / 2) {
            for x in 0..<(w / 2) {
                let sum =
                    Int(values[(2 * y) * w + 2 * x]) + Int(values[(2 * y) * w + 2 * x + 1])
                    + Int(values[(2 * y + 1) * w + 2 * x]) + Int(values[(2 * y + 1) * w + 2 * x + 1])
                #expect(Int(half.bytes[y * (w / 2) + x]) == (sum + 2) / 4)
            }
        }
    }

    @Test func fractionalFootprintIsWeighted() {
        // 3 → 2 pixels: each output covers 1.5 source pixels.
        let out = Resampler.resize(TestImages.gray(3, 1, [0, 90, 180]), width: 2, height: 1)
        // (0 + 0.5·90) / 1.5 = 30, (0.5·90 + 180) / 1.5 = 150
        #expect(out.bytes == [30, 150])
    }

    @Test func rgbChannelsAreAveragedSeparately() {
        // 4×2 RGB → 2×1: each output is the mean of a 2×2 block, per channel.
        let bytes: [UInt8] = [
            0, 100, 200, 10, 110, 210, 50, 0, 0, 70, 0, 0,
            20, 120, 220, 30, 130, 230, 90, 0, 255, 110, 0, 255,
        ]
        let out = Resampler.resize(Bitmap(width: 4, height: 2, layout: .rgb8, bytes: bytes), width: 2, height: 1)
        #expect(out.layout == .rgb8)
        #expect(out.bytes == [15, 115, 215, 80, 0, 128])
    }

    @Test func longestSideArithmeticAndResolution() {
        #expect(Resampler.fittedSize(width: 2480, height: 3508, longestSide: 1000) == (707, 1000))
        #expect(Resampler.fittedSize(width: 3508, height: 2480, longestSide: 1000) == (1000, 707))
        #expect(Resampler.fittedSize(width: 1000, height: 1, longestSide: 10) == (10, 1))
        #expect(Resampler.fittedSize(width: 500, height: 500, longestSide: 128) == (128, 128))
        let page = SyntheticPage.make(.gray, dpi: 100, seed: 2)  // 827 × 1169
        let small = Resampler.resize(page, longestSide: 400)
        #expect(small.width == 283 && small.height == 400)
        let resolution = try! #require(small.resolution)
        #expect(abs(resolution.x - 100.0 * 283 / 827) < 1e-9)
        #expect(abs(resolution.y - 100.0 * 400 / 1169) < 1e-9)
        // Already small enough: not enlarged unless asked.
        #expect(Resampler.resize(small, longestSide: 800).width == 283)
        #expect(Resampler.resize(small, longestSide: 800, allowUpscaling: true).height == 800)
    }

    @Test func otherLayoutsAreConvertedFirst() {
        let g16 = Bitmap(width: 2, height: 2, layout: .gray16, bytes: TestImages.bytes16([0, 65535, 65535, 65535]))
        let out = Resampler.resize(g16, width: 1, height: 1)
        #expect(out.layout == .gray8 && out.bytes == [191])
        let bits = Bitmap(width: 8, height: 1, layout: .bilevel, bytes: [0b1111_0000])
        #expect(Resampler.resize(bits, width: 2, height: 1).bytes == [255, 0])
        let rgba = Bitmap(width: 1, height: 1, layout: .rgba8, bytes: [0, 0, 0, 0])
        #expect(Resampler.resize(rgba, width: 1, height: 1).layout == .rgb8)
    }

    @Test func thumbnailFromAccessCopyMatchesDirectResize() {
        let master = SyntheticPage.make(.colour, dpi: 150, seed: 4, redSeal: true)  // 1240 × 1754
        let access = Resampler.resize(master, longestSide: 1000)
        let viaAccess = Resampler.resize(access, longestSide: 200)
        let direct = Resampler.resize(master, longestSide: 200)
        #expect(viaAccess.width == direct.width && viaAccess.height == direct.height)
        var worst = 0, total = 0, outside = 0
        for i in direct.bytes.indices {
            let d = abs(Int(direct.bytes[i]) - Int(viaAccess.bytes[i]))
            worst = max(worst, d); total += d
            if d > 2 { outside += 1 }
        }
        let mean = Double(total) / Double(direct.bytes.count)
        let share = Double(outside) / Double(direct.bytes.count)
        print("thumbnail via access copy: mean difference \(mean), max \(worst), beyond ±2: \(share)")
        // Two box filters in a row blur each footprint's edge by up to one access-copy pixel, so sharp text
        // edges can differ by more than 2 levels; the bulk of the image must not.
        #expect(mean < 1)
        #expect(share < 0.1)
        // Smooth content (a gradient) matches within ±2 everywhere.
        let ramp = Bitmap(
            width: 1240, height: 1754, layout: .gray8,
            bytes: (0..<(1240 * 1754)).map { UInt8(($0 % 1240) * 255 / 1239) })
        let rampVia = Resampler.resize(Resampler.resize(ramp, longestSide: 1000), longestSide: 200)
        let rampDirect = Resampler.resize(ramp, longestSide: 200)
        #expect(zip(rampVia.bytes, rampDirect.bytes).allSatisfy { abs(Int($0) - Int($1)) <= 2 })
    }
}

/// The resampler's arithmetic (reciprocal in doubles, channel-specialised loops) against the definition:
/// each output the exact area-weighted sum of its footprint, divided in integers and rounded half up.
@Suite struct ResamplerExactnessTests {
    static func reference(_ bitmap: Bitmap, width: Int, height: Int) -> [UInt8] {
        let sw = bitmap.width, sh = bitmap.height, channels = bitmap.layout.channels
        func overlap(_ j: Int, _ i: Int, source: Int, destination: Int) -> Int {
            max(0, min((j + 1) * destination, (i + 1) * source) - max(j * destination, i * source))
        }
        let denominator = sw * sh
        var out = [UInt8]()
        for oy in 0..<height {
            for ox in 0..<width {
                for c in 0..<channels {
                    var sum = 0
                    for sy in (oy * sh / height)...min(sh - 1, ((oy + 1) * sh - 1) / height) {
                        let wy = overlap(sy, oy, source: sh, destination: height)
                        for sx in (ox * sw / width)...min(sw - 1, ((ox + 1) * sw - 1) / width) {
                            sum +=
                                wy * overlap(sx, ox, source: sw, destination: width)
                                * Int(bitmap.bytes[(sy * sw + sx) * channels + c])
                        }
                    }
                    out.append(UInt8((sum + denominator / 2) / denominator))
                }
            }
        }
        return out
    }

    @Test(arguments: [(37, 23, 11, 7), (97, 61, 13, 7), (2480, 3, 1414, 2), (64, 48, 63, 47), (5, 400, 3, 228), (300, 2, 256, 1)])
    func matchesTheIntegerDefinition(size: (Int, Int, Int, Int)) {
        var rng = TestImages.Random(state: UInt64(size.0 * 131 + size.1))
        for layout in [PixelLayout.gray8, .rgb8] {
            let count = size.0 * size.1 * layout.channels
            // Random values, and runs of one value (where exact quotients occur), and the extremes.
            let bytes = (0..<count).map { i -> UInt8 in
                switch (i / 97) % 3 {
                case 0: UInt8(rng.below(256))
                case 1: 255
                default: UInt8((i / 97) % 256)
                }
            }
            let image = Bitmap(width: size.0, height: size.1, layout: layout, bytes: bytes)
            let resized = Resampler.resize(image, width: size.2, height: size.3)
            #expect(resized.bytes == Self.reference(image, width: size.2, height: size.3), "\(layout) \(size)")
        }
    }
}

extension ResamplerExactnessTests {
    /// An A4 300 dpi page to the access size: a denominator of 8.7 million, where the doubles' margin is thinnest
    /// of the sizes Quire meets.
    @Test func matchesTheIntegerDefinitionOnAFullPage() {
        var rng = TestImages.Random(state: 77)
        var bytes = [UInt8](repeating: 0, count: 2480 * 3508)
        for i in bytes.indices {
            let block = i / 1000
            bytes[i] = block % 4 == 0 ? UInt8(rng.below(256)) : UInt8(truncatingIfNeeded: i / 4096)
        }
        let page = Bitmap(width: 2480, height: 3508, layout: .gray8, bytes: bytes)
        #expect(Resampler.resize(page, width: 1414, height: 2000).bytes == Self.reference(page, width: 1414, height: 2000))
    }
}
