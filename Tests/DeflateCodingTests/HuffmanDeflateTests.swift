import DeflateCoding
import Foundation
import ImageCodecs
import QuireCore
import QuireTestSupport
import Raster
import SyntheticPages
import Testing

/// `HuffmanDeflate` checked by decoders it shares no code with: Python's `zlib` (the zlib library) inflates every
/// stream and compares it with the input, and libtiff (with libdeflate) and Pillow decode Huffman-coded masters.
@Suite struct HuffmanDeflateTests {
    /// A small deterministic generator (xorshift64*), so each input is the same on every run.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 0x2545_F491_4F6C_DD1D
        }
    }

    /// Inputs that reach every path: empty, one byte, one value repeated (runs in the header), uniform noise
    /// (coding cannot win: stored blocks, several of them past 65,535 bytes), a predictor-like peaked
    /// distribution, and Fibonacci frequencies whose Huffman tree is 24 deep (the 15-bit limit must act).
    static func inputs() -> [(String, [UInt8])] {
        var g = Generator(state: 0x9E37_79B9_7F4A_7C15)
        var peaked = [UInt8]()
        for _ in 0..<150_000 {
            let r = Int(g.next() % 1000)
            peaked.append(UInt8(truncatingIfNeeded: r < 400 ? 0 : r < 700 ? (r & 1 == 0 ? 1 : 255) : Int(g.next() % 256)))
        }
        var fibonacci = [UInt8]()
        var (a, b) = (1, 1)
        for symbol in 0..<25 {
            fibonacci += [UInt8](repeating: UInt8(symbol * 7), count: a)
            (a, b) = (b, a + b)
        }
        var shuffled = fibonacci
        for i in stride(from: shuffled.count - 1, to: 0, by: -1) { shuffled.swapAt(i, Int(g.next() % UInt64(i + 1))) }
        return [
            ("empty", []), ("one", [42]), ("same", [UInt8](repeating: 7, count: 100_000)),
            ("noise", (0..<200_000).map { _ in UInt8(truncatingIfNeeded: g.next() >> 32) }),
            ("peaked", peaked), ("fibonacci", shuffled), ("text", Array(String(repeating: "档号 0001-001-0001 ", count: 900).utf8)),
        ]
    }

    @Test func everyStreamInflatesToItsInputWithPythonsZlib() throws {
        let dir = try ScratchFolder("huffman-deflate")
        var names: [String] = []
        for (name, input) in Self.inputs() {
            let stream = input.withUnsafeBytes { HuffmanDeflate.zlibCompress($0) }
            #expect(stream.count <= HuffmanDeflate.bound(input.count) - 8, "\(name): longer than the bound")
            #expect(stream == input.withUnsafeBytes { HuffmanDeflate.zlibCompress($0) }, "\(name): not deterministic")
            _ = try dir.file("\(name).raw", input)
            _ = try dir.file("\(name).z", stream)
            names.append(name)
        }
        let script = """
            import sys, zlib
            d = sys.argv[1]
            bad = []
            for n in sys.argv[2:]:
                raw = open(f'{d}/{n}.raw', 'rb').read()
                z = open(f'{d}/{n}.z', 'rb').read()
                try:
                    if zlib.decompress(z) != raw: bad.append(n + ': different bytes')
                except Exception as e:
                    bad.append(f'{n}: {e}')
                print(n, len(raw), len(z))
            if bad: sys.exit('\\n'.join(bad))
            """
        let run = try Program.run("python3", ["-c", script, dir.path] + names)
        #expect(run.status == 0, "zlib refused: \(run.stderr)")
        #expect(run.text.split(separator: "\n").count == names.count)
    }

    @Test func codingWinsWhereItCanAndStoredBlocksWhereItCannot() {
        let inputs = Dictionary(uniqueKeysWithValues: Self.inputs())
        func size(_ name: String) -> Int { inputs[name]!.withUnsafeBytes { HuffmanDeflate.zlibCompress($0) }.count }
        // Uniform noise: 200,000 bytes in four stored blocks (5 bytes each) plus header and checksum.
        #expect(size("noise") == 200_000 + 4 * 5 + 2 + 4)
        #expect(size("empty") == 2 + 5 + 4)
        // One value repeated: one bit a byte (no string matching, so no better than that).
        #expect(size("same") < 100_000 / 8 + 64)
        #expect(size("peaked") < 150_000 * 6 / 10)
    }

    @Test func adler32MatchesPublishedValuesAndZlib() throws {
        func adler(_ text: String) -> UInt32 { Array(text.utf8).withUnsafeBytes { Adler32.checksum($0) } }
        #expect(adler("Wikipedia") == 0x11E6_0398)  // RFC 1950's example, as Wikipedia works it
        #expect(adler("") == 1)
        // Long inputs cross the 5,552-byte chunks and the 16-byte lanes: compare with zlib.adler32.
        var g = Generator(state: 12345)
        let lengths = [1, 15, 16, 17, 5551, 5552, 5553, 100_003, 1_000_000]
        let dir = try ScratchFolder("adler")
        var expected: [String] = []
        for (i, n) in lengths.enumerated() {
            let bytes = (0..<n).map { _ in i == lengths.count - 1 ? 255 : UInt8(truncatingIfNeeded: g.next()) }
            _ = try dir.file("\(i).raw", bytes)
            expected.append(String(bytes.withUnsafeBytes { Adler32.checksum($0) }))
        }
        let run = try Program.run(
            "python3",
            [
                "-c",
                "import sys, zlib\nfor i in range(int(sys.argv[2])): print(zlib.adler32(open(f'{sys.argv[1]}/{i}.raw','rb').read()))",
                dir.path, String(lengths.count),
            ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.text.split(separator: "\n").map(String.init) == expected)
    }

    /// Masters coded Huffman-only decode to the very samples written, for every layout the predictor handles,
    /// in libtiff and in Pillow.
    @Test(arguments: [PixelLayout.gray8, .rgb8, .gray16, .rgb16, .rgba8, .bilevel])
    func huffmanMastersDecodeToTheirSamples(layout: PixelLayout) throws {
        var g = Generator(state: 99)
        var bitmap = Bitmap(width: 301, height: 97, layout: layout, resolution: Resolution(x: 300, y: 300))
        for i in bitmap.bytes.indices {
            // Smooth ramps with noise: what the predictor is for.
            bitmap.bytes[i] = UInt8(truncatingIfNeeded: i / 7 + Int(g.next() % 5))
        }
        let options = TIFFEncoder.Options(compression: .deflate, predictor: true, rowsPerStrip: 13, deflate: .huffmanOnly)
        let dir = try ScratchFolder("huffman-master")
        let path = dir.path("m.tif")
        try TIFFEncoder.write(bitmap, to: path, options: options)
        let decoded = try ImageDecoder.decode(Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(decoded.bitmap.layout == layout)
        // A bilevel row's padding bits are not kept: compare with the same bitmap through libdeflate.
        var reference = options
        reference.deflate = .level(6)
        let viaLibdeflate = try ImageDecoder.decode(Data(TIFFEncoder.encode(bitmap, options: reference, name: "m")))
        #expect(decoded.bitmap.bytes == viaLibdeflate.bitmap.bytes, "libtiff decoded other samples")
        if layout != .bilevel { #expect(decoded.bitmap.bytes == bitmap.bytes, "libtiff decoded other samples") }
        guard layout == .gray8 || layout == .rgb8 else { return }
        let run = try Program.run(
            "python3",
            ["-c", "import sys\nfrom PIL import Image\nsys.stdout.buffer.write(Image.open(sys.argv[1]).tobytes())", path])
        try #require(run.status == 0, "python3 with Pillow is needed (scripts/install-deps.sh --test): \(run.stderr)")
        let same = [UInt8](run.stdout) == bitmap.bytes
        #expect(same, "Pillow decoded other samples")
    }

    /// On a realistic scan (noise, texture, skew) the Huffman-only master is smaller than libdeflate's level 1 and
    /// decodes to the same pixels; the same page gives the same bytes twice.
    @Test func onAScannedPageHuffmanIsSmallerThanLevelOne() throws {
        let page = ScannerPage.make(.colour, width: 1240, height: 1754, dpi: 150, seed: 3).bitmap
        func encode(_ effort: DeflateEffort) throws -> [UInt8] {
            try TIFFEncoder.encode(page, options: .init(compression: .deflate, predictor: true, deflate: effort), name: "page")
        }
        let huffman = try encode(.huffmanOnly), level1 = try encode(.level(1))
        #expect(huffman.count < level1.count, "huffman \(huffman.count) bytes, level 1 \(level1.count)")
        #expect(try encode(.huffmanOnly) == huffman)
        let a = try ImageDecoder.decode(Data(huffman)).bitmap, b = try ImageDecoder.decode(Data(level1)).bitmap
        #expect(a.bytes == page.bytes && b.bytes == page.bytes)
    }
}
