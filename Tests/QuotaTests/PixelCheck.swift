import Foundation
import QuireTestSupport

/// Counts a PNG's colours with python3 + Pillow, when they are there.
enum PixelCheck {
    struct Result {
        var colours: Int
        var inkedShare: Double
        var redBlueGreen: Bool
    }

    static func measure(_ png: URL) throws -> Result? {
        guard let python = Program.find("python3") else { return nil }
        let script = """
            import sys
            try:
                from PIL import Image
            except ImportError:
                print("NO-PIL"); sys.exit(0)
            im = Image.open(sys.argv[1]).convert("RGB")
            px = list(im.getdata())
            colours = len(set(px))
            inked = sum(1 for p in px if p != (255, 255, 255)) / len(px)
            def near(c): return any(abs(p[0]-c[0]) < 12 and abs(p[1]-c[1]) < 12 and abs(p[2]-c[2]) < 12 for p in px[::7])
            rbg = near((0x2e, 0x7d, 0x32)) and near((0x15, 0x65, 0xc0)) and near((0xc6, 0x28, 0x28))
            print(colours, inked, int(rbg))
            """
        let result = try Program.run(python, ["-c", script, png.path])
        let words = result.text.split(whereSeparator: \.isWhitespace)
        guard result.status == 0, words.count == 3, let colours = Int(words[0]), let inked = Double(words[1]) else { return nil }
        return Result(colours: colours, inkedShare: inked, redBlueGreen: words[2] == "1")
    }
}
