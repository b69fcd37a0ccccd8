// Every source's ICC profile reaches its master byte for byte: TIFF, PNG and JPEG sources written by Pillow
// (a JPEG profile of 399,788 bytes is split by Pillow into 7 APP2 chunks), normalized by Quire, and each
// master's profile (TIFF tag 34675) read back by Pillow, an independent reader.
import Foundation
import Importer
import NormalizeStage
import Policy
import QuireTestSupport
import Testing

@Suite struct ICCProfileMasterTests {
    /// Writes the delivery's pages and, beside the delivery, the profile each one carries (`<page>.icc`).
    static let writer = #"""
        import io, sys
        from PIL import Image, ImageCms
        delivery, profiles = sys.argv[1], sys.argv[2]
        srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        def padded(size):
            # A well-formed profile header (libpng checks it) with its size field set, then filler that changes byte
            # to byte, so a chunk out of place or missing changes the profile.
            body = bytearray(srgb) + bytes((i * 7 + (i >> 9) + 3) & 255 for i in range(size - len(srgb)))
            body[0:4] = size.to_bytes(4, "big")
            return bytes(body)
        img = Image.new("RGB", (320, 400))
        img.putdata([((x * 3) & 255, (y * 2) & 255, ((x + y) * 5) & 255) for y in range(400) for x in range(320)])
        pages = [("0001.tif", srgb, dict(compression="tiff_deflate")),
                 ("0002.png", srgb, {}),
                 ("0003.jpg", padded(3144), dict(quality=92)),
                 ("0004.jpg", padded(399788), dict(quality=92))]
        for name, profile, options in pages:
            img.save(f"{delivery}/{name}", icc_profile=profile, dpi=(300, 300), **options)
            open(f"{profiles}/{name}.icc", "wb").write(profile)
        """#

    /// Prints each master's profile length and writes its bytes to `<master>.icc`.
    static let reader = #"""
        import sys
        from PIL import Image
        for path in sys.argv[1:]:
            profile = Image.open(path).info.get("icc_profile") or b""
            open(path + ".icc", "wb").write(profile)
        """#

    func python(_ script: String, _ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let result = try Program.run("python3", ["-c", script] + arguments)
        return (result.status, result.stderr)
    }

    @Test func every_master_carries_its_sources_icc_profile_byte_for_byte() async throws {
        let s = try Scratch()
        let record = s.delivery + "/0026-003-0045"
        let profiles = s.root + "/profiles"
        try FileManager.default.createDirectory(atPath: record, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: profiles, withIntermediateDirectories: true)
        let made = try python(Self.writer, [record, profiles])
        try #require(made.status == 0, "python3 with Pillow is needed (scripts/install-deps.sh --test): \(made.stderr)")

        var policy = PipelinePolicy()
        policy.processing.deskew = false
        policy.processing.borderCrop = false
        policy.processing.blankDetection = false
        policy.colour.reducePlainColour = false
        _ = try await Importer(ledger: try s.ledger(), policy: policy, workers: 2)
            .run(delivery: s.delivery, batch: "b1", archive: nil)
        let report = try await NormalizeStage(
            ledger: try s.ledger(), policy: policy, workspace: s.workspace, workers: 2,
            version: "test"
        ).run(batch: "b1")
        #expect(report.normalized == 4 && report.failed == 0, "\(report.checks)")

        let names = ["0001.tif", "0002.png", "0003.jpg", "0004.jpg"]
        let masters = (1...4).map { s.workspace + "/masters/0026-003-0045/000\($0).tif" }
        let read = try python(Self.reader, masters)
        try #require(read.status == 0, "\(read.stderr)")
        for (name, master) in zip(names, masters) {
            let source = try Data(contentsOf: URL(fileURLWithPath: profiles + "/" + name + ".icc"))
            let kept = try Data(contentsOf: URL(fileURLWithPath: master + ".icc"))
            #expect(kept.count == source.count, "\(name): master's profile is \(kept.count) bytes, source's \(source.count)")
            #expect(kept == source, "\(name): master's profile differs from the source's")
        }
    }
}
