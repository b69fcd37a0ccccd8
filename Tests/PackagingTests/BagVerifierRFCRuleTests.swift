import QuireCore
import Fixity
import Foundation
#if canImport(CoreFoundation)
    import CoreFoundation
#endif
@testable import Packaging
import QuireTestSupport
import Testing

/// RFC 8493 rules beyond the tamper cases: links out of the bag, what tag manifests list, bag-info.txt's
/// MUSTs and SHOULDs, declared encodings of older bags.
@Suite struct BagVerifierRFCRuleTests {
    /// A minimal valid 1.0 bag with one payload file, a sha256 manifest and, when asked, a tag manifest.
    func minimalBag(_ scratch: ScratchFolder, tagManifest: Bool = true, bagInfo: String = "Payload-Oxum: 6.1\n") throws -> String
    {
        let file = try scratch.text("bag/data/a.txt", "hello\n")
        let sha = try FileDigester.digest(path: file, algorithms: [.sha256])[.sha256]!
        try scratch.text("bag/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
        try scratch.text("bag/manifest-sha256.txt", "\(sha)  data/a.txt\n")
        try scratch.text("bag/bag-info.txt", bagInfo)
        if tagManifest {
            try writeTagManifest(scratch.path + "/bag", listing: ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"])
        }
        return scratch.path + "/bag"
    }

    func writeTagManifest(_ bag: String, name: String = "tagmanifest-sha256.txt", listing files: [String]) throws {
        let algorithm: DigestAlgorithm = name.contains("sha512") ? .sha512 : .sha256
        var text = ""
        for file in files {
            text += try FileDigester.digest(path: bag + "/" + file, algorithms: [algorithm])[algorithm]! + "  " + file + "\n"
        }
        try text.write(toFile: bag + "/" + name, atomically: true, encoding: .utf8)
    }

    @Test func theMinimalBagIsCleanSoTheOtherTestsIsolateOneRule() async throws {
        let scratch = try ScratchFolder("packaging")
        let report = await BagVerifier.verify(try minimalBag(scratch))
        #expect(report.valid && report.problems.isEmpty, "\(report.problems)")
    }

    @Test func aPayloadLinkOutOfTheBagIsAnErrorAndIsNotRead() async throws {
        let scratch = try ScratchFolder("packaging")
        let bag = try minimalBag(scratch, tagManifest: false, bagInfo: "")
        let secret = try scratch.text("outside/secret.txt", "not yours\n")
        try FileManager.default.createSymbolicLink(atPath: bag + "/data/leak.txt", withDestinationPath: secret)
        let sha = try FileDigester.digest(path: secret, algorithms: [.sha256])[.sha256]!
        let manifest = try String(contentsOfFile: bag + "/manifest-sha256.txt", encoding: .utf8)
        try (manifest + "\(sha)  data/leak.txt\n").write(toFile: bag + "/manifest-sha256.txt", atomically: true, encoding: .utf8)
        let report = await BagVerifier.verify(bag)
        #expect(!report.valid)
        #expect(report.problems(.payloadSymlink).map(\.file) == ["data/leak.txt"])
        #expect(report.bytesHashed == 6, "only data/a.txt was read")

        // A link that stays inside the bag is an ordinary payload file.
        try FileManager.default.removeItem(atPath: bag + "/data/leak.txt")
        try FileManager.default.createSymbolicLink(atPath: bag + "/data/leak.txt", withDestinationPath: "a.txt")
        let shaInside = try FileDigester.digest(path: bag + "/data/a.txt", algorithms: [.sha256])[.sha256]!
        try (manifest + "\(shaInside)  data/leak.txt\n").write(
            toFile: bag + "/manifest-sha256.txt", atomically: true, encoding: .utf8)
        let inside = await BagVerifier.verify(bag)
        #expect(inside.valid, "\(inside.problems)")
    }

    @Test func aTagFileLinkOutOfTheBagIsAnError() async throws {
        let scratch = try ScratchFolder("packaging")
        let bag = try minimalBag(scratch, tagManifest: false)
        let outside = try scratch.text("outside/notes.txt", "x\n")
        try FileManager.default.createSymbolicLink(atPath: bag + "/notes.txt", withDestinationPath: outside)
        try writeTagManifest(bag, listing: ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "notes.txt"])
        let report = await BagVerifier.verify(bag)
        #expect(report.problems(.payloadSymlink).map(\.file) == ["notes.txt"])
        #expect(!report.valid)
    }

    @Test func aTagManifestMustNotListATagManifest() async throws {
        let scratch = try ScratchFolder("packaging")
        let bag = try minimalBag(scratch)
        try writeTagManifest(
            bag, name: "tagmanifest-sha512.txt",
            listing: ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt"])
        let report = await BagVerifier.verify(bag)
        #expect(report.problems(.tagmanifestListsTagmanifest).map(\.severity) == [.error])
        #expect(!report.valid)
        // Before 1.0 the rule was not stated: a warning.
        try "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n".write(
            toFile: bag + "/bagit.txt", atomically: true, encoding: .utf8)
        try writeTagManifest(bag, listing: ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"])
        try writeTagManifest(
            bag, name: "tagmanifest-sha512.txt",
            listing: ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt"])
        let legacy = await BagVerifier.verify(bag)
        #expect(legacy.problems(.tagmanifestListsTagmanifest).map(\.severity) == [.warning])
        #expect(legacy.valid, "\(legacy.problems)")
    }

    @Test func tagManifestCoverage() async throws {
        let scratch = try ScratchFolder("packaging")
        let bag = try minimalBag(scratch)
        // Not listing a tag file is a SHOULD: a warning naming it.
        try writeTagManifest(bag, listing: ["bagit.txt", "manifest-sha256.txt"])
        var report = await BagVerifier.verify(bag)
        #expect(report.valid)
        #expect(report.problems(.tagmanifestIncomplete).map(\.severity) == [.warning])
        #expect(report.problems(.tagmanifestIncomplete).first?.message.contains("bag-info.txt") == true)
        // Not listing a payload manifest is a MUST in 1.0, a warning before.
        try writeTagManifest(bag, listing: ["bagit.txt", "bag-info.txt"])
        report = await BagVerifier.verify(bag)
        #expect(!report.valid && report.problems(.tagmanifestIncomplete).map(\.severity) == [.error])
        try "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n".write(
            toFile: bag + "/bagit.txt", atomically: true, encoding: .utf8)
        try writeTagManifest(bag, listing: ["bagit.txt", "bag-info.txt"])
        report = await BagVerifier.verify(bag)
        #expect(report.valid && report.problems(.tagmanifestIncomplete).map(\.severity) == [.warning], "\(report.problems)")
    }

    @Test func bagInfoMustsAndShoulds() async throws {
        let scratch = try ScratchFolder("packaging")
        // No space after the colon: a MUST of 1.0.
        var report = await BagVerifier.verify(
            try minimalBag(scratch, tagManifest: false, bagInfo: "Source-Organization:市档案馆\nPayload-Oxum: 6.1\n"))
        #expect(!report.valid && report.problems(.taginfoFormat).map(\.severity) == [.error])

        // Reserved elements repeated or malformed: warnings, one each.
        let info = """
            Bagging-Date: 2026-11-25
            Bagging-Date: 25/11/2026
            Bag-Count: 3 of 2
            Payload-Oxum: 6.1

            """
        report = await BagVerifier.verify(try minimalBag(scratch, tagManifest: false, bagInfo: info))
        #expect(report.valid, "\(report.problems)")
        let messages = report.problems(.taginfoFormat).map(\.message)
        #expect(report.problems(.taginfoFormat).allSatisfy { $0.severity == .warning })
        #expect(messages.contains { $0.contains("Bagging-Date appears 2 times") })
        #expect(messages.contains { $0.contains("25/11/2026") })
        #expect(messages.contains { $0.contains("Bag-Count \"3 of 2\"") })
        #expect(messages.count == 3)
        report = await BagVerifier.verify(
            try minimalBag(scratch, tagManifest: false, bagInfo: "Bag-Count: 1 of ?\nBagging-Date: 2026-01-31\n"))
        #expect(report.problems.isEmpty, "\(report.problems)")
    }

    @Test func aBOMOutsideBagitTxtIsAWarningButInBagitTxtAnError() async throws {
        let scratch = try ScratchFolder("packaging")
        let bag = try minimalBag(scratch, tagManifest: false)
        try scratch.file("bag/bag-info.txt", [0xEF, 0xBB, 0xBF] + Array("Payload-Oxum: 6.1\n".utf8))
        var report = await BagVerifier.verify(bag)
        #expect(report.valid && report.problems(.encoding).map(\.severity) == [.warning], "\(report.problems)")
        try scratch.file(
            "bag/bagit.txt", [0xEF, 0xBB, 0xBF] + Array("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".utf8))
        report = await BagVerifier.verify(bag)
        #expect(!report.valid && report.rules.contains(.bagitBOM))
    }

    @Test func aNonHexDigitThatLooksLikeOneIsAFormatError() async throws {
        let scratch = try ScratchFolder("packaging")
        let bag = try minimalBag(scratch, tagManifest: false)
        let manifest = try String(contentsOfFile: bag + "/manifest-sha256.txt", encoding: .utf8)
        // A fullwidth "Ａ" (U+FF21) in place of the first digit.
        try ("\u{FF21}" + manifest.dropFirst()).write(toFile: bag + "/manifest-sha256.txt", atomically: true, encoding: .utf8)
        let report = await BagVerifier.verify(bag)
        #expect(report.rules.contains(.manifestFormat))
        #expect(!report.rules.contains(.payloadDigest))
    }

    /// A 0.97 bag from a Chinese archive's older tool: tag files in GB18030, a Chinese path.
    @Test func aGB18030BagIsReadInItsDeclaredEncoding() async throws {
        let scratch = try ScratchFolder("packaging")
        let file = try scratch.text("bag/data/文书档案/第一页.txt", "档案\n")
        let md5 = try FileDigester.digest(path: file, algorithms: [.md5])[.md5]!
        let sha = try FileDigester.digest(path: file, algorithms: [.sha256])[.sha256]!
        let gb18030 = String.Encoding(rawValue: CFStringConvertEncodingToNSStringEncoding(CFStringEncoding(0x0632)))
        try scratch.text("bag/bagit.txt", "BagIt-Version: 0.97\nTag-File-Character-Encoding: GB18030\n")
        let manifest = try #require("\(sha) data/文书档案/第一页.txt\n".data(using: gb18030))
        #expect(manifest.count < "\(sha) data/文书档案/第一页.txt\n".utf8.count, "GB18030 takes two bytes per hanzi, UTF-8 three")
        try manifest.write(to: URL(fileURLWithPath: scratch.path + "/bag/manifest-sha256.txt"))
        try #require("\(md5) data/文书档案/第一页.txt\n".data(using: gb18030)).write(
            to: URL(fileURLWithPath: scratch.path + "/bag/manifest-md5.txt"))
        try #require("Source-Organization: 某市档案馆\nPayload-Oxum: 7.1\n".data(using: gb18030)).write(
            to: URL(fileURLWithPath: scratch.path + "/bag/bag-info.txt"))
        let report = await BagVerifier.verify(scratch.path + "/bag")
        #expect(report.valid && report.problems.isEmpty, "\(report.problems)")
        #expect(report.bytesHashed == 7)

        #expect(report.bagInfo.first?.value == "某市档案馆", "bag-info.txt read in its declared encoding")

        // The same bytes declared as UTF-8 do not decode: the encoding rule says so.
        try scratch.text("bag/bagit.txt", "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n")
        #expect(await BagVerifier.verify(scratch.path + "/bag").rules.contains(.encoding))
        // A 1.0 bag may declare it, but is told UTF-8 is recommended.
        try scratch.text("bag/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: GB18030\n")
        let modern = await BagVerifier.verify(scratch.path + "/bag")
        #expect(modern.valid && modern.problems(.encoding).map(\.severity) == [.warning], "\(modern.problems)")
    }

    @Test func trailingBlanksAfterAManifestPathAreToleratedWithAWarning() async throws {
        let scratch = try ScratchFolder("packaging")
        let bag = try minimalBag(scratch, tagManifest: false)
        let manifest = try String(contentsOfFile: bag + "/manifest-sha256.txt", encoding: .utf8)
        try manifest.replacingOccurrences(of: "data/a.txt\n", with: "data/a.txt  \r\n").write(
            toFile: bag + "/manifest-sha256.txt", atomically: true, encoding: .utf8)
        let report = await BagVerifier.verify(bag)
        #expect(report.valid && report.rules == [.manifestLegacy], "\(report.problems)")
        #expect(report.bytesHashed == 6)
    }

    @Test func fetchTxtListingAPathTwiceIsAnError() async throws {
        let scratch = try ScratchFolder("packaging")
        let bag = try minimalBag(scratch, tagManifest: false)
        try "https://example.org/a.txt 6 data/a.txt\nhttps://example.org/a2.txt - data/a.txt\n"
            .write(toFile: bag + "/fetch.txt", atomically: true, encoding: .utf8)
        let report = await BagVerifier.verify(bag)
        #expect(report.problems(.fetchFormat).map(\.message) == ["Line 2 lists data/a.txt again."])
    }

    @Test func twoFilesWhoseNamesDifferOnlyInNormalizationAreNotTakenAsOne() async throws {
        let scratch = try ScratchFolder("packaging")
        let bag = try minimalBag(scratch, tagManifest: false, bagInfo: "")
        let nfc = "data/caf\u{E9}.txt", nfd = "data/cafe\u{301}.txt"
        try scratch.text("bag/" + nfc, "one\n")
        try scratch.text("bag/" + nfd, "two\n")
        let listing = try FileManager.default.contentsOfDirectory(atPath: bag + "/data")
        try #require(listing.count == 3, "this file system keeps both names: \(listing)")
        let sha = try FileDigester.digest(path: bag + "/" + nfc, algorithms: [.sha256])[.sha256]!
        let manifest = try String(contentsOfFile: bag + "/manifest-sha256.txt", encoding: .utf8)
        try (manifest + "\(sha)  \(nfc)\n").write(toFile: bag + "/manifest-sha256.txt", atomically: true, encoding: .utf8)
        let report = await BagVerifier.verify(bag)
        #expect(!report.valid)
        #expect(report.problems(.payloadExtra).count == 1)
        #expect(report.problems(.payloadExtra).first?.message.contains("normalization") == true)
    }

    @Test func bagInfoIsReadWithoutItsBOMAndWithFoldedLinesJoined() async throws {
        let scratch = try ScratchFolder("packaging")
        let bag = try minimalBag(scratch, tagManifest: false)
        try scratch.file(
            "bag/bag-info.txt",
            [0xEF, 0xBB, 0xBF] + Array("Bag-Software-Agent: Quire\nExternal-Identifier: Z109-WS·2011-\n  Y-BGS-0001\n".utf8))
        let fields = await BagVerifier.verify(bag, mode: .fast).bagInfo
        #expect(fields.map(\.label) == ["Bag-Software-Agent", "External-Identifier"])
        #expect(
            fields.last?.value == "Z109-WS·2011- Y-BGS-0001", "continuation lines are joined with one space, as RFC 8493 folds")
    }
}
