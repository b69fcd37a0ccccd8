import Foundation
import ImageCodecs
import ImageOps
import Importer
import Ledger
import NormalizeStage
import Policy
import Raster
import SyntheticPages
import QuireTestSupport
import Testing

@Suite struct NormalizeStageTests {
    /// Writes `bitmap` into the scratch delivery as a TIFF (or JPEG when the path says so).
    func put(_ s: Scratch, _ path: String, _ bitmap: Bitmap, compression: TIFFEncoder.Compression = .lzw) throws {
        let full = s.delivery + "/" + path
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        if path.hasSuffix(".jpg") {
            try JPEGEncoder.write(bitmap, to: full, options: .init(quality: 92))
        } else {
            try TIFFEncoder.write(bitmap, to: full, options: .init(compression: compression))
        }
    }

    func normalize(_ s: Scratch, policy: PipelinePolicy) async throws -> NormalizeStage.Report {
        _ = try await Importer(ledger: try s.ledger(), policy: policy, workers: 2).run(
            delivery: s.delivery, batch: "b1", archive: nil)
        return try await NormalizeStage(
            ledger: try s.ledger(), policy: policy, workspace: s.workspace, workers: 2, version: "test"
        )
        .run(batch: "b1")
    }

    func decode(_ path: String) throws -> DecodedImage {
        try ImageDecoder.decode(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func tool(_ name: String, _ arguments: [String]) throws -> (Int32, String) {
        let result = try Program.run("/usr/bin/\(name)", arguments)
        return (result.status, result.text)
    }

    var noProcessing: PipelinePolicy {
        var policy = PipelinePolicy()
        policy.processing.deskew = false
        policy.processing.borderCrop = false
        policy.processing.blankDetection = false
        return policy
    }

    @Test func lossless_masters_keep_every_pixel_and_carry_the_tags() async throws {
        let s = try Scratch()
        let bitonal = SyntheticPage.make(.bitonal, width: 640, height: 900, dpi: 300, seed: 1)
        let gray = SyntheticPage.make(.gray, width: 640, height: 900, dpi: 300, seed: 2)
        let colour = SyntheticPage.make(.colour, width: 640, height: 900, dpi: 300, seed: 3)
        try put(s, "0026-003-0045/0001.tif", bitonal, compression: .g4)
        try put(s, "0026-003-0045/0002.tif", gray)
        try put(s, "0026-003-0045/0003.tif", colour, compression: .none)
        let report = try await normalize(s, policy: noProcessing)
        #expect(report.normalized == 3 && report.failed == 0)

        for (page, source, compression) in [
            (1, bitonal, "CCITT Group 4"), (2, gray, "AdobeDeflate"), (3, colour, "AdobeDeflate"),
        ] {
            let master = s.workspace + "/masters/0026-003-0045/000\(page).tif"
            #expect(try decode(master).bitmap.bytes == source.bytes, "page \(page)")
            let (status, info) = try tool("tiffinfo", [master])
            #expect(status == 0)
            #expect(info.contains(compression), "page \(page)")
            #expect(info.contains("Resolution: 300, 300 pixels/inch"))
            #expect(info.contains("ImageDescription: 0026-003-0045 page \(page)"))
            #expect(info.contains("Software: Quire test"))
            #expect(!info.contains("DateTime"))
        }
        // Access copies and thumbnails: JPEGs djpeg reads, within their size bounds.
        for page in 1...3 {
            for (folder, limit) in [("access", 2000), ("thumbs", 256)] {
                let path = s.workspace + "/\(folder)/0026-003-0045/000\(page).jpg"
                #expect(try tool("djpeg", ["-outfile", "/dev/null", path]).0 == 0)
                let image = try decode(path)
                #expect(max(image.info.width, image.info.height) <= limit)
            }
        }
        let thumb = try decode(s.workspace + "/thumbs/0026-003-0045/0003.jpg")
        #expect(thumb.info.height == 256 && thumb.info.width == 182)
        // The ledger knows every output with its digests, and the pages moved to `normalized`.
        let outputs = try s.ledger().fixityRecords(batch: "b1").filter { $0.root == .workspace }
        #expect(outputs.count == 9)
        #expect(outputs.allSatisfy { $0.digests[.sha256]?.count == 64 && $0.digests[.sha512]?.count == 128 })
        #expect(try s.ledger().pages(batch: "b1").allSatisfy { $0.state == .normalized })
    }

    @Test func the_same_input_gives_byte_identical_outputs_and_a_rerun_redoes_nothing() async throws {
        var digests: [[String]] = []
        for _ in 0..<2 {
            let s = try Scratch()
            try put(s, "0026-003-0045/0001.tif", SyntheticPage.make(.gray, width: 500, height: 700, dpi: 300, seed: 5))
            try put(s, "0026-003-0045/0002.jpg", SyntheticPage.make(.colour, width: 500, height: 700, dpi: 300, seed: 6))
            _ = try await normalize(s, policy: PipelinePolicy())
            digests.append(
                try s.ledger().fixityRecords(batch: "b1").filter { $0.root == .workspace }.map {
                    "\($0.path) \($0.digests[.sha256]!)"
                })
            let again = try await NormalizeStage(
                ledger: try s.ledger(), policy: PipelinePolicy(), workspace: s.workspace, version: "test"
            ).run(batch: "b1")
            #expect(again.normalized == 0 && again.alreadyDone == 2)
        }
        #expect(digests[0] == digests[1])
        #expect(digests[0].count == 6)
    }

    @Test(arguments: [-7.0, -2.5, 3.0])
    func skewed_pages_are_straightened(angle: Double) async throws {
        let s = try Scratch()
        let straight = SyntheticPage.make(.gray, width: 1240, height: 1754, dpi: 150, seed: 7)
        try put(s, "0026-003-0045/0001.tif", Rotator.rotate(straight, degrees: angle))
        var policy = PipelinePolicy()
        policy.resolution.minimumDPI = 150
        policy.resolution.ocrMinimumDPI = 150
        let report = try await normalize(s, policy: policy)
        #expect(report.normalized == 1)
        let master = try decode(s.workspace + "/masters/0026-003-0045/0001.tif")
        let residual = SkewDetector.measure(master.bitmap).angle
        #expect(abs(residual) < 0.1, "residual \(residual)° after straightening \(angle)°")
    }

    @Test func a_page_below_the_threshold_is_not_rotated() async throws {
        let s = try Scratch()
        let page = SyntheticPage.make(.gray, width: 1240, height: 1754, dpi: 300, seed: 8)
        let slightly = Rotator.rotate(page, degrees: 0.2)
        try put(s, "0026-003-0045/0001.tif", slightly)
        var policy = PipelinePolicy()
        policy.processing.borderCrop = false
        policy.processing.blankDetection = false
        _ = try await normalize(s, policy: policy)
        #expect(try decode(s.workspace + "/masters/0026-003-0045/0001.tif").bitmap.bytes == slightly.bytes)
    }

    @Test func low_resolution_fails_and_blank_pages_are_flagged_not_dropped() async throws {
        let s = try Scratch()
        try put(s, "0026-003-0045/0001.tif", SyntheticPage.make(.gray, width: 600, height: 850, dpi: 150, seed: 9))
        var blank = Bitmap(width: 800, height: 1100, layout: .gray8, resolution: Resolution(x: 300, y: 300))
        for i in blank.bytes.indices { blank.bytes[i] = 238 }
        try put(s, "0026-003-0045/0002.tif", blank)
        let report = try await normalize(s, policy: PipelinePolicy())
        #expect(report.failed == 1 && report.normalized == 1)
        let rules = Dictionary(uniqueKeysWithValues: report.checks.map { ($0.path, ($0.rule, $0.severity)) })
        #expect(rules["0026-003-0045/0001.tif"]?.0 == .lowResolution)
        #expect(rules["0026-003-0045/0001.tif"]?.1 == .error)
        #expect(rules["0026-003-0045/0002.tif"]?.0 == .blankPage)
        #expect(rules["0026-003-0045/0002.tif"]?.1 == .warning)
        #expect(FileManager.default.fileExists(atPath: s.workspace + "/masters/0026-003-0045/0002.tif"))
        #expect(!FileManager.default.fileExists(atPath: s.workspace + "/masters/0026-003-0045/0001.tif"))
        #expect(try s.ledger().pageChecks(batch: "b1").count == 2)
    }

    @Test func border_crop_removes_a_dark_scanner_border() async throws {
        let s = try Scratch()
        var page = SyntheticPage.make(.gray, width: 800, height: 1100, dpi: 300, seed: 10)
        for y in 0..<page.height { for x in 0..<40 { page.bytes[y * page.width + x] = 12 } }
        try put(s, "0026-003-0045/0001.tif", page)
        var policy = PipelinePolicy()
        policy.processing.deskew = false
        _ = try await normalize(s, policy: policy)
        let master = try decode(s.workspace + "/masters/0026-003-0045/0001.tif").bitmap
        #expect(abs(master.width - 760) <= 2)
        #expect(master.height == 1100)
    }

    @Test func red_seals_keep_colour_when_plain_colour_is_reduced() async throws {
        let s = try Scratch()
        try put(
            s, "0026-003-0045/0001.tif", SyntheticPage.make(.colour, width: 900, height: 1270, dpi: 300, seed: 11, redSeal: true))
        try put(s, "0026-003-0045/0002.tif", SyntheticPage.make(.colour, width: 900, height: 1270, dpi: 300, seed: 12))
        var policy = noProcessing
        policy.colour.reducePlainColour = true
        _ = try await normalize(s, policy: policy)
        #expect(try decode(s.workspace + "/masters/0026-003-0045/0001.tif").bitmap.layout == .rgb8)
        #expect(try decode(s.workspace + "/masters/0026-003-0045/0002.tif").bitmap.layout == .gray8)
        // By default colour is never reduced.
        let t = try Scratch()
        try put(t, "0026-003-0045/0001.tif", SyntheticPage.make(.colour, width: 900, height: 1270, dpi: 300, seed: 12))
        _ = try await normalize(t, policy: noProcessing)
        #expect(try decode(t.workspace + "/masters/0026-003-0045/0001.tif").bitmap.layout == .rgb8)
    }

    @Test func pages_stored_turned_give_upright_masters_and_the_turn_is_recorded() async throws {
        let s = try Scratch()
        let bitonal = SyntheticPage.make(.bitonal, width: 200, height: 300, dpi: 300, seed: 21)
        let gray = SyntheticPage.make(.gray, width: 200, height: 300, dpi: 300, seed: 22)
        try put(s, "0026-003-0045/0001.tif", bitonal, compression: .g4)
        try put(s, "0026-003-0045/0002.tif", gray)
        try put(s, "0026-003-0045/0003.tif", gray)
        // A scanner's tags: page 1 lies on its side (shown turned a quarter counter-clockwise), page 2 upside down.
        for (page, value) in [(1, "8"), (2, "3")] {
            #expect(try tool("tiffset", ["-s", "274", value, s.delivery + "/0026-003-0045/000\(page).tif"]).0 == 0)
        }
        let report = try await normalize(s, policy: noProcessing)
        #expect(report.normalized == 3 && report.failed == 0)

        // The ledger records each page at its displayed size.
        let pages = try s.ledger().pages(batch: "b1").sorted { $0.page < $1.page }
        #expect(pages.map { [$0.width, $0.height] } == [[300, 200], [200, 300], [200, 300]])

        // Masters are upright, written with Orientation 1: display pixel (x, y) is stored pixel
        // (w-1-y, x) for 8 and (w-1-x, h-1-y) for 3.
        let master1 = try decode(s.workspace + "/masters/0026-003-0045/0001.tif").bitmap
        let master2 = try decode(s.workspace + "/masters/0026-003-0045/0002.tif").bitmap
        #expect(master1.layout == .bilevel && master1.width == 300 && master1.height == 200)
        #expect(master2.width == 200 && master2.height == 300)
        var wrong1 = 0, wrong2 = 0
        for y in 0..<200 {
            for x in 0..<300 where master1.sample(x: x, y: y, channel: 0) != bitonal.sample(x: 199 - y, y: x, channel: 0) {
                wrong1 += 1
            }
        }
        for y in 0..<300 {
            for x in 0..<200 where master2.sample(x: x, y: y, channel: 0) != gray.sample(x: 199 - x, y: 299 - y, channel: 0) {
                wrong2 += 1
            }
        }
        #expect(wrong1 == 0 && wrong2 == 0)
        for page in 1...3 {
            let (status, info) = try tool("tiffinfo", [s.workspace + "/masters/0026-003-0045/000\(page).tif"])
            #expect(status == 0 && info.contains("Orientation: row 0 top, col 0 lhs"), "page \(page)")
        }

        // The processing record says what the decode did, and only for the pages it turned.
        let (status, details) = try tool(
            "sqlite3",
            [
                s.workspace + "/ledger.sqlite",
                "SELECT subject || ' ' || detail FROM event WHERE action = 'page.normalized' ORDER BY subject",
            ])
        #expect(status == 0)
        let lines = details.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.first { $0.hasPrefix("0026-003-0045/0001.tif") }?.contains(#""source_orientation":"8""#) == true)
        #expect(lines.first { $0.hasPrefix("0026-003-0045/0001.tif") }?.contains("rotate 90° counter-clockwise") == true)
        #expect(lines.first { $0.hasPrefix("0026-003-0045/0002.tif") }?.contains(#""source_orientation":"3""#) == true)
        #expect(lines.first { $0.hasPrefix("0026-003-0045/0003.tif") }?.contains("orientation") == false)
    }
}
