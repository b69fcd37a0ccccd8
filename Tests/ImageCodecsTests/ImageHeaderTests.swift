// ImageHeader (what a file claims, read before it is loaded) against the full decode of every image of the shared
// corpus: the claim the memory budget is computed from must be the size the decoder then produces.
import QuireCore
import Foundation
import ImageCodecs
import QuireTestSupport
import Testing

@Suite struct ImageHeaderTests {
    static let images = Corpus.entries.filter { $0.kind == "image" && $0.expect == "valid" }

    @Test(arguments: images)
    func headerStatesTheDecodedSize(_ entry: Corpus.Entry) throws {
        let data = try entry.data()
        guard let decoded = try? ImageDecoder.decode(data, options: DecodeOptions(acceptMultiPage: true)) else { return }
        let fd = open(entry.url.path, O_RDONLY)
        #expect(fd >= 0)
        defer { close(fd) }
        let header = try #require(ImageHeader.read(fd: fd, size: Int64(data.count)), "no header read from \(entry.path)")
        #expect(header.format == ImageFormat.sniff(data.prefix(8)))
        // The decode gives the page as displayed: an Orientation of 5–8 swaps width and height.
        let stored = Set([decoded.info.width, decoded.info.height])
        #expect(Set([header.width, header.height]) == stored, "\(entry.path): header \(header.summary)")
        #expect(header.decodedBytes >= decoded.info.width * decoded.info.height)
    }

    @Test func claimsBeyondAnyMachineSaturate() {
        let claim = ImageHeader(format: .png, width: Int(UInt32.max), height: Int(UInt32.max), channels: 4, bitsPerSample: 16)
        #expect(claim.decodedBytes == .max)
        let page = ImageHeader(format: .tiff, width: 2480, height: 3508, channels: 3, bitsPerSample: 8)
        #expect(page.decodedBytes == 2480 * 3508 * 3)
        // A BitsPerSample near Int.max (a BigTIFF can claim one) saturates instead of trapping on `+ 7`.
        let bits = ImageHeader(format: .tiff, width: 10, height: 10, channels: 1, bitsPerSample: .max - 3)
        #expect(bits.decodedBytes == .max)
        #expect(ImageHeader(format: .tiff, width: 10, height: 10, channels: 1, bitsPerSample: 12).decodedBytes == 200)
        #expect(ImageHeader(format: .tiff, width: 10, height: 10, channels: 1, bitsPerSample: -5).decodedBytes == 100)
    }

    @Test func theFuzzersHeaderThatOverflowedReadsWithoutATrap() throws {
        // The input the tiff fuzz target found (kept in its corpus): ImageHeader.read then decodedBytes trapped.
        let file = Repository.root.appendingPathComponent("Tests/Fuzz/corpus/tiff/regression-header-bits-overflow.tif").path
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        #expect(fd >= 0)
        defer { close(fd) }
        let size = Int64((try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0)
        if let header = ImageHeader.read(fd: fd, size: size) { #expect(header.decodedBytes >= 0, "\(header.summary)") }
    }

    @Test func truncatedHeadersReadAsNothing() throws {
        let dir = NSTemporaryDirectory() + "header-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, bytes) in [
            ("png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48]),
            ("jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF]),
            ("tif", [0x49, 0x49, 0x2A, 0x00, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0, 0, 0, 0, 0]),
        ] as [(String, [UInt8])] {
            let path = dir + "/x." + name
            #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            let fd = open(path, O_RDONLY)
            defer { close(fd) }
            #expect(ImageHeader.read(fd: fd, size: Int64(bytes.count)) == nil, "\(name)")
        }
    }
}
