import Foundation
import ImageCodecs
import Testing

/// Inputs that the fuzz harness (Tests/Fuzz, target `jpeg`) reports under AddressSanitizer, fed to the decoder.
@Suite struct ImageFuzzRegressionTests {
    /// `Tests/Fuzz/regressions/<target>/<name>`.
    static func regression(_ name: String) throws -> Data {
        try Data(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fuzz/regressions").appendingPathComponent(name))
    }

    /// libjpeg-turbo's testorig.jpg with one APP2 `ICC_PROFILE` segment (3,144 bytes). The decoder copies the
    /// profile out of libjpeg's saved markers after they are freed (ASan: heap-use-after-free at
    /// JPEGDecoder.swift:50). Without ASan the copy may come out right, wrong, or trap in the Swift runtime
    /// ("UnsafeMutablePointer.initialize overlapping range"), so it runs in an exit test (fixed: the shim joins the
    /// profile while libjpeg holds it). The child exits 0 only when the profile comes out byte for byte.
    @Test func jpegICCProfileComesOutByteForByte() async {
        await #expect(processExitsWith: .success) {
            let data = try ImageFuzzRegressionTests.regression("jpeg/icc-profile-app2.jpg")
            // The profile as written: after "ICC_PROFILE\0", sequence 1 of 1, in the first APP2 segment.
            let bytes = [UInt8](data)
            let length = Int(bytes[4]) << 8 | Int(bytes[5])
            let profile = Array(bytes[6 + 14..<4 + length])
            guard profile.count == 3144 else { exit(2) }
            let image = try ImageDecoder.decode(data)
            exit(image.info.iccProfile == profile ? 0 : 1)
        }
    }

    /// A 655-byte progressive JPEG (SOF2) claiming 65308 × 64106, found by CI's `jpeg` fuzz run: libjpeg's
    /// jpeg_start_decompress allocates a progressive image's whole coefficient buffer (12 GB under ASan: libFuzzer's
    /// out-of-memory), and the shim called it before the pixel limit was checked. Fixed: the shim refuses the
    /// header first. In a child whose address space is capped at 4 GiB, the decode must say `tooLarge` with the
    /// header's size — before the fix the allocation failed there and libjpeg reported it as its own error.
    @Test func aHugeProgressiveJPEGIsRefusedBeforeLibjpegAllocates() async {
        await #expect(processExitsWith: .success) {
            var limit = rlimit(rlim_cur: 4 << 30, rlim_max: 4 << 30)
            guard setrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0 else { exit(2) }
            let data = try Data(
                contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                    .appendingPathComponent("Fuzz/corpus/jpeg/regression-progressive-65308x64106.jpg"))
            for options in [DecodeOptions(maxPixels: 4_000_000), DecodeOptions()] {
                do {
                    _ = try ImageDecoder.decode(data, as: .jpeg, options: options)
                    exit(3)
                } catch let error as DecodeError {
                    guard case .tooLarge(let width, let height, _) = error, width == 65308, height == 64106 else { exit(4) }
                } catch {
                    exit(5)
                }
            }
            exit(0)
        }
    }

    /// The png fuzz target's find (CI, session 9): a 125-byte PNG whose zTXt declares 1,951,550,976 bytes made
    /// libpng allocate that much before reading it (libFuzzer out-of-memory: malloc(1951550976) in png_read_info).
    /// Fixed: the shim checks every chunk fits in the data before libpng sees it — the message naming the chunk
    /// and its length is that check's (libpng, which allocated first, only said the file ends early).
    @Test func aPNGChunkDeclaringGigabytesIsRefusedBeforeLibpngAllocatesIt() throws {
        let data = try Data(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fuzz/corpus/png/regression-chunk-length-1951550976.png"))
        let error = #expect(throws: DecodeError.self) { try ImageDecoder.decode(data, as: .png) }
        guard case .corrupt(let message) = error else {
            Issue.record("expected .corrupt, got \(String(describing: error))")
            return
        }
        #expect(message == "chunk zTXt declares 1951550976 bytes but 54 remain (truncated data)", "\(message)")
    }
}
