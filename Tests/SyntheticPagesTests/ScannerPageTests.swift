import Foundation
import ImageCodecs
import ImageOps
import Raster
import SyntheticPages
import Testing

/// The realistic page model behind `quire bench run --pages-kind realistic`: deterministic, the stated
/// sizes and file types, and the skew and seal it claims.
@Suite struct ScannerPageTests {
    @Test(arguments: ScannerPage.Kind.allCases)
    func theSameSeedGivesTheSameBytes(kind: ScannerPage.Kind) throws {
        let a = ScannerPage.make(kind, width: 620, height: 877, dpi: 75, seed: 9)
        let b = ScannerPage.make(kind, width: 620, height: 877, dpi: 75, seed: 9)
        let other = ScannerPage.make(kind, width: 620, height: 877, dpi: 75, seed: 10)
        #expect(a.bitmap == b.bitmap)
        #expect(a.skewDegrees == b.skewDegrees)
        #expect(a.bitmap.bytes != other.bitmap.bytes)
        #expect(try ScannerPage.encode(a.bitmap, as: kind) == ScannerPage.encode(b.bitmap, as: kind))
    }

    @Test func skewIsHalfToTwoDegreesEitherWay() {
        let skews = (1...200).map { ScannerPage.skew(seed: UInt64($0)) }
        #expect(skews.allSatisfy { abs($0) >= 0.5 && abs($0) <= 2 })
        #expect(skews.contains { $0 > 0 } && skews.contains { $0 < 0 })
    }

    /// A4 at 300 dpi as each kind's file: uncompressed gray and colour TIFF, G4 bitonal, JPEG 4:2:0.
    @Test(arguments: ScannerPage.Kind.allCases)
    func a4PagesHaveTheStatedSizeAndFileType(kind: ScannerPage.Kind) throws {
        let page = ScannerPage.make(kind, seed: 2)
        #expect(page.bitmap.width == 2480 && page.bitmap.height == 3508)
        #expect(page.bitmap.resolution == Resolution(x: 300, y: 300))
        let file = try ScannerPage.encode(page.bitmap, as: kind)
        let decoded = try ImageDecoder.decode(Data(file))
        #expect(decoded.bitmap == page.bitmap || kind == .jpeg)
        switch kind {
        case .gray:
            #expect(page.bitmap.layout == .gray8)
            #expect(decoded.info.compression == "none")
            #expect(file.count > 2480 * 3508 && file.count < 2480 * 3508 + 100_000)  // ~8.7 MB
        case .colour:
            #expect(page.bitmap.layout == .rgb8)
            #expect(decoded.info.compression == "none")
            #expect(file.count > 26_099_520 && file.count < 26_200_000)  // ~26 MB
        case .bitonal:
            #expect(page.bitmap.layout == .bilevel)
            #expect(decoded.info.compression == "ccitt-g4")
            #expect(file.count < 600_000)
        case .jpeg:
            #expect(page.bitmap.layout == .rgb8)
            #expect(decoded.info.format == .jpeg)
            #expect(Self.lumaSampling(file) == 0x22)  // 4:2:0
            #expect(file.count > 400_000 && file.count < 6_000_000)
        }
    }

    @Test func theSkewIsWhatTheDetectorMeasures() {
        let page = ScannerPage.make(.gray, width: 1240, height: 1754, dpi: 150, seed: 4)
        let measured = SkewDetector.measure(page.bitmap)
        #expect(abs(measured.angle - page.skewDegrees) < 0.15, "put \(page.skewDegrees)°, measured \(measured.angle)°")
        #expect(measured.confidence > 0.3)
        let straight = SkewDetector.measure(Rotator.rotate(page.bitmap, degrees: -page.skewDegrees))
        #expect(abs(straight.angle) < 0.15)
    }

    @Test func colourPagesCarryARedSealAndGrayPagesNone() {
        let colour = ScannerPage.make(.colour, width: 1240, height: 1754, dpi: 150, seed: 3)
        #expect(RedMarkDetector.analyse(colour.bitmap).hasSignificantRed)
        let gray = ScannerPage.make(.gray, width: 1240, height: 1754, dpi: 150, seed: 3)
        #expect(!RedMarkDetector.analyse(gray.bitmap).hasSignificantRed)
        #expect(!BlankPageDetector.analyse(gray.bitmap).isBlank)
    }

    /// The first component's sampling factors byte of a JPEG's SOF0 segment.
    static func lumaSampling(_ file: [UInt8]) -> UInt8? {
        var i = 2
        while i + 4 < file.count, file[i] == 0xFF {
            let marker = file[i + 1]
            let length = Int(file[i + 2]) << 8 | Int(file[i + 3])
            if marker == 0xC0 || marker == 0xC2 { return file[i + 11] }
            i += 2 + length
        }
        return nil
    }
}
