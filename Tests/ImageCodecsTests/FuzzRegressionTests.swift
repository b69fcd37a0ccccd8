import Foundation
import ImageCodecs
import Testing

/// Inputs that the fuzz harness (Tests/Fuzz, target `jpeg`) reports under AddressSanitizer, fed to the decoder.
@Suite struct ImageFuzzRegressionTests {
    /// `Tests/Fuzz/regressions/<target>/<name>`.
    static func regression(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/regressions").appendingPathComponent(name))
    }

    /// libjpeg-turbo's testorig.jpg with one APP2 `ICC_PROFILE` segment (3,144 bytes). The decoder copies the
    /// profile out of libjpeg's saved markers after they are freed (ASan: heap-use-after-free at
    /// JPEGDecoder.swift:50), so without ASan the copy may or may not match: intermittent while open.
    @Test func jpegICCProfileComesOutByteForByte() throws {
        let data = try Self.regression("jpeg/icc-profile-app2.jpg")
        // The profile as written: after "ICC_PROFILE\0", sequence 1 of 1, in the first APP2 segment.
        let bytes = [UInt8](data)
        let length = Int(bytes[4]) << 8 | Int(bytes[5])
        let profile = Array(bytes[6 + 14 ..< 4 + length])
        #expect(profile.count == 3144)
        withKnownIssue("issue 12 item 0: JPEG ICC profile read after libjpeg freed it (fix owned by the codecs worktree)",
                       isIntermittent: true) {
            let image = try ImageDecoder.decode(data)
            #expect(image.info.iccProfile == profile)
        }
    }
}
