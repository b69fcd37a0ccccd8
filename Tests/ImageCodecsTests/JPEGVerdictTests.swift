// JPEG verdicts on damaged and unusual files, built here byte by byte from a JPEG Quire's encoder wrote: ICC
// profiles split over APP2 chunks (whole, and with missing, duplicate or out-of-range chunk numbers),
// extraneous bytes before a marker (accepted with a warning), truncation and missing progressive scans
// (corrupt). djpeg is the independent reader the pixels are compared with.
import Foundation
import ImageCodecs
import Raster
import QuireTestSupport
import Testing

/// JPEG segments put together by hand.
enum JPEGBytes {
    /// A baseline (or progressive) JPEG of a test page, written by Quire's encoder.
    static func page(progressive: Bool = false) throws -> [UInt8] {
        try JPEGEncoder.encode(Pages.page(.rgb8), options: .init(quality: 90, progressive: progressive), name: "page.jpg")
    }

    /// `ICC_PROFILE\0`, the sequence number and the count, then the chunk's bytes: one APP2 segment.
    static func iccSegment(_ chunk: ArraySlice<UInt8>, number: Int, count: Int) -> [UInt8] {
        let body = Array("ICC_PROFILE".utf8) + [0, UInt8(number), UInt8(count)] + chunk
        let length = body.count + 2
        return [0xFF, 0xE2, UInt8(length >> 8), UInt8(length & 0xFF)] + body
    }

    /// Splits `profile` into chunks of at most `chunkSize` bytes, numbered 1...n of n.
    static func iccSegments(_ profile: [UInt8], chunkSize: Int = 65_519) -> [[UInt8]] {
        let chunks = stride(from: 0, to: profile.count, by: chunkSize).map { profile[$0..<min($0 + chunkSize, profile.count)] }
        return chunks.enumerated().map { iccSegment($0.element, number: $0.offset + 1, count: chunks.count) }
    }

    /// `jpeg` with `segments` inserted right after SOI.
    static func inserting(_ segments: [[UInt8]], into jpeg: [UInt8]) -> [UInt8] {
        Array(jpeg[0..<2]) + segments.flatMap { $0 } + Array(jpeg[2...])
    }

    /// The offset of the first `0xFF marker` pair at or after `from`.
    static func offset(of marker: UInt8, in jpeg: [UInt8], from: Int = 2) -> Int? {
        (from..<(jpeg.count - 1)).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == marker }
    }

    /// A profile-like byte pattern of `count` bytes (an ICC header's size field, then bytes that differ chunk
    /// to chunk, so a chunk out of place or missing changes the result).
    static func profile(_ count: Int) -> [UInt8] {
        var bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9 &+ 3) }
        bytes[0] = UInt8(count >> 24 & 0xFF); bytes[1] = UInt8(count >> 16 & 0xFF)
        bytes[2] = UInt8(count >> 8 & 0xFF); bytes[3] = UInt8(count & 0xFF)
        return bytes
    }
}

@Suite("JPEG verdicts")
struct JPEGVerdictTests {
    // MARK: ICC profiles

    @Test(
        "An ICC profile split over APP2 chunks comes back whole, byte for byte",
        arguments: [3_144, 65_519, 65_520, 150_000, 399_788])
    func multiChunkProfile(_ size: Int) throws {
        let profile = JPEGBytes.profile(size)
        let segments = JPEGBytes.iccSegments(profile)
        let data = Data(JPEGBytes.inserting(segments, into: try JPEGBytes.page()))
        let image = try ImageDecoder.decode(data)
        #expect(image.info.iccProfile?.count == profile.count, "\(segments.count) chunks")
        #expect(image.info.iccProfile == profile)
        #expect(image.info.warnings.isEmpty)
    }

    @Test("Chunks stored out of order are put back in sequence-number order")
    func chunksOutOfOrder() throws {
        let profile = JPEGBytes.profile(140_000)
        let segments = JPEGBytes.iccSegments(profile)
        let data = Data(JPEGBytes.inserting([segments[2], segments[0], segments[1]], into: try JPEGBytes.page()))
        #expect(try ImageDecoder.decode(data).info.iccProfile == profile)
    }

    /// Chunk numbering faults: each gives no profile and a warning, never a crash or a partial profile.
    static let badNumberings: [(String, [(number: Int, count: Int)])] = [
        ("missing chunk", [(1, 3), (3, 3)]),
        ("duplicate chunk", [(1, 2), (1, 2), (2, 2)]),
        ("number beyond the count", [(1, 2), (3, 2)]),
        ("number 0", [(0, 1)]),
        ("counts disagree", [(1, 2), (2, 3)]),
    ]

    @Test(
        "A profile whose chunk numbers do not fit together is dropped with a warning; the pixels decode",
        arguments: badNumberings.map(\.0))
    func badChunkNumbers(_ name: String) throws {
        let numbering = try #require(Self.badNumberings.first { $0.0 == name }).1
        let chunk = JPEGBytes.profile(1_000)[...]
        let segments = numbering.map { JPEGBytes.iccSegment(chunk, number: $0.number, count: $0.count) }
        let page = try JPEGBytes.page()
        let image = try ImageDecoder.decode(Data(JPEGBytes.inserting(segments, into: page)))
        #expect(image.info.iccProfile == nil, "\(name)")
        #expect(image.info.warnings.count == 1, "\(name): \(image.info.warnings)")
        #expect(image.info.warnings.first?.contains("ICC") == true, "\(name): \(image.info.warnings)")
        #expect(image.bitmap == (try ImageDecoder.decode(Data(page)).bitmap))
    }

    // MARK: Extraneous bytes, truncation, missing scans

    @Test(
        "Extraneous bytes before EOI: accepted, pixels equal djpeg's, with libjpeg's warning carried",
        .enabled(if: Tool.available("djpeg")))
    func extraneousBeforeEOI() throws {
        let page = try JPEGBytes.page()
        let eoi = page.count - 2
        let damaged = Array(page[..<eoi]) + (1...20).map { UInt8($0) } + Array(page[eoi...])
        try expectAcceptedWithExtraneousWarning(damaged, marker: "0xd9")
    }

    @Test(
        "Extraneous bytes before a restart marker: accepted, pixels equal djpeg's, flagged",
        .enabled(if: Tool.available("djpeg", "cjpeg")))
    func extraneousBeforeRST() throws {
        let scratch = try ScratchFolder("codec")
        let ppm = scratch.path("page.ppm"), withRestarts = scratch.path("rst.jpg")
        try Data(try JPEGBytes.page()).write(to: URL(fileURLWithPath: scratch.path("page.jpg")))
        try #require(try Tool.run("djpeg", ["-pnm", "-outfile", ppm, scratch.path("page.jpg")]).status == 0)
        try #require(try Tool.run("cjpeg", ["-restart", "2", "-outfile", withRestarts, ppm]).status == 0)
        let page = [UInt8](try Data(contentsOf: URL(fileURLWithPath: withRestarts)))
        let rst = try #require(JPEGBytes.offset(of: 0xD0, in: page))
        let damaged = Array(page[..<rst]) + (1...20).map { UInt8($0) } + Array(page[rst...])
        try expectAcceptedWithExtraneousWarning(damaged, marker: "0xd0")
    }

    @Test(
        "Extraneous bytes before a progressive scan's SOS: accepted and flagged",
        .enabled(if: Tool.available("djpeg")))
    func extraneousBeforeSOS() throws {
        let page = try JPEGBytes.page(progressive: true)
        let first = try #require(JPEGBytes.offset(of: 0xDA, in: page))
        let second = try #require(JPEGBytes.offset(of: 0xDA, in: page, from: first + 2))
        let damaged = Array(page[..<second]) + [0x01, 0x02, 0x03] + Array(page[second...])
        try expectAcceptedWithExtraneousWarning(damaged, marker: "0xda")
    }

    private func expectAcceptedWithExtraneousWarning(_ damaged: [UInt8], marker: String) throws {
        let scratch = try ScratchFolder("codec")
        let path = scratch.path("damaged.jpg")
        try Data(damaged).write(to: URL(fileURLWithPath: path))
        let run = try Tool.run("djpeg", ["-pnm", path])
        #expect(run.stderr.contains("extraneous bytes before marker \(marker)"), "djpeg said: \(run.stderr)")
        let reference = try #require(PNM.parse(run.stdout))
        let image = try ImageDecoder.decode(Data(damaged))
        #expect(image.bitmap.bytes == reference.pixels, "pixels differ from djpeg's")
        #expect(image.info.warnings.count == 1, "\(image.info.warnings)")
        #expect(
            image.info.warnings.first?.contains("extraneous bytes before marker \(marker)") == true,
            "\(image.info.warnings)")
    }

    @Test("Truncation stays corrupt, with or without extraneous bytes too", arguments: [false, true])
    func truncated(_ withExtraneous: Bool) throws {
        var page = try JPEGBytes.page()
        if withExtraneous {
            let eoi = page.count - 2
            page = Array(page[..<eoi]) + (1...20).map { UInt8($0) } + Array(page[eoi...])
        }
        let cut = Data(page.prefix(page.count * 2 / 3))
        #expect {
            try ImageDecoder.decode(cut)
        } throws: { error in
            guard case DecodeError.corrupt(let detail) = error else { return false }
            return detail.contains("Premature end of JPEG file")
        }
    }

    @Test("A progressive JPEG missing its last scans is corrupt, not a blurred page", arguments: [1, 3])
    func missingScans(_ keptScans: Int) throws {
        let page = try JPEGBytes.page(progressive: true)
        var starts: [Int] = []
        var from = 2
        while let sos = JPEGBytes.offset(of: 0xDA, in: page, from: from) {
            starts.append(sos)
            from = sos + 2
        }
        try #require(starts.count > keptScans)
        let shortened = Data(Array(page[..<starts[keptScans]]) + [0xFF, 0xD9])
        #expect {
            try ImageDecoder.decode(shortened)
        } throws: { error in
            guard case DecodeError.corrupt(let detail) = error else { return false }
            return detail.contains("scan")
        }
    }
}
