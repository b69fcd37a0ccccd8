import QuireCore
import Foundation
import ImageCodecs
import Raster
import Testing

@Suite struct InMemoryEncodingTests {
    func page(_ layout: PixelLayout) -> Bitmap {
        var b = Bitmap(width: 301, height: 157, layout: layout, resolution: Resolution(x: 300, y: 300))
        for i in b.bytes.indices { b.bytes[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 7) }
        b.zeroRowPadding()
        return b
    }

    @Test(arguments: [
        (PixelLayout.gray8, TIFFEncoder.Compression.deflate), (.rgb8, .deflate), (.rgb8, .lzw), (.bilevel, .g4), (.gray16, .none),
    ])
    func tiffInMemoryEqualsTheFileWriter(layout: PixelLayout, compression: TIFFEncoder.Compression) throws {
        let bitmap = page(layout)
        let options = TIFFEncoder.Options(
            compression: compression, imageDescription: "0026-003-0045 page 1", software: "Quire test")
        let path = NSTemporaryDirectory() + "quire-mem-\(UUID().uuidString).tif"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try TIFFEncoder.write(bitmap, to: path, options: options)
        let memory = try TIFFEncoder.encode(bitmap, options: options, name: "page")
        #expect(memory == [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(try ImageDecoder.decode(Data(memory)).bitmap.bytes == bitmap.bytes)
    }

    @Test(arguments: [PixelLayout.gray8, .rgb8])
    func jpegInMemoryEqualsTheFileWriter(layout: PixelLayout) throws {
        let bitmap = page(layout)
        let path = NSTemporaryDirectory() + "quire-mem-\(UUID().uuidString).jpg"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try JPEGEncoder.write(bitmap, to: path, options: .init(quality: 85))
        let memory = try JPEGEncoder.encode(bitmap, options: .init(quality: 85), name: "page")
        #expect(memory == [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(try ImageDecoder.decode(Data(memory)).info.resolution?.effectiveDPI == 300)
    }

    @Test func badInputIsAnErrorNotACrash() {
        #expect(throws: EncodeError.self) { _ = try JPEGEncoder.encode(Bitmap(width: 4, height: 4, layout: .rgba8), name: "x") }
        #expect(throws: EncodeError.self) {
            _ = try TIFFEncoder.encode(Bitmap(width: 4, height: 4, layout: .gray8), options: .init(compression: .g4), name: "x")
        }
        #expect(throws: EncodeError.self) {
            _ = try TIFFEncoder.encode(Bitmap(width: 0, height: 0, layout: .gray8), options: .init(), name: "x")
        }
    }
}
