import QuireCore
import Raster
import SyntheticPages

/// Small deterministic images for the ImageOps tests.
enum TestImages {
    /// The seeded generator the images are drawn with (QuireCore's SplitMix64), so tests do not depend on the
    /// system random source.
    typealias Random = SplitMix

    /// An A4 gray page of paper only (236 ± 3, like SyntheticPage's paper).
    static func blankGray(dpi: Int = 150, seed: UInt64 = 9) -> Bitmap {
        let width = Int((210.0 / 25.4 * Double(dpi)).rounded())
        let height = Int((297.0 / 25.4 * Double(dpi)).rounded())
        var rng = Random(state: seed)
        var page = Bitmap(width: width, height: height, layout: .gray8, resolution: Resolution(x: Double(dpi), y: Double(dpi)))
        for i in page.bytes.indices { page.bytes[i] = UInt8(236 + rng.below(7) - 3) }
        return page
    }

    /// Paints a rectangle (x0..<x1, y0..<y1) of a gray8 or rgb8 bitmap with `value` per channel.
    static func paint(_ page: inout Bitmap, x0: Int, y0: Int, x1: Int, y1: Int, _ value: [UInt8]) {
        let channels = page.layout.channels
        for y in max(0, y0)..<min(page.height, y1) {
            for x in max(0, x0)..<min(page.width, x1) {
                for c in 0..<channels { page.bytes[y * page.bytesPerRow + x * channels + c] = value[c] }
            }
        }
    }

    /// The bounding box of pixels darker than `level` in a gray8 bitmap.
    static func inkBox(_ gray: Bitmap, below level: UInt8 = 128) -> (minX: Int, minY: Int, maxX: Int, maxY: Int) {
        var box = (minX: Int.max, minY: Int.max, maxX: -1, maxY: -1)
        for y in 0..<gray.height {
            for x in 0..<gray.width where gray.bytes[y * gray.width + x] < level {
                box.minX = min(box.minX, x); box.maxX = max(box.maxX, x)
                box.minY = min(box.minY, y); box.maxY = max(box.maxY, y)
            }
        }
        return box
    }

    /// A gray8 bitmap from explicit values.
    static func gray(_ width: Int, _ height: Int, _ values: [UInt8]) -> Bitmap {
        Bitmap(width: width, height: height, layout: .gray8, bytes: values)
    }

    /// Little-endian bytes of 16-bit samples.
    static func bytes16(_ samples: [Int]) -> [UInt8] {
        samples.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }
}

extension SplitMix {
    /// Starts the sequence at `state` (the seed).
    init(state: UInt64) { self.init(seed: state) }

    /// A number in 0..<n (the remainder: slightly biased, and the same on every machine).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
