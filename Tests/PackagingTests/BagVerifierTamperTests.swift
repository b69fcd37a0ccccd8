import Fixity
import Foundation
@testable import Packaging
import QuireTestSupport
import Testing

/// Each tampered copy of a good bag is caught under the right rule id.
@Suite struct BagVerifierTamperTests {
    let scratch: ScratchFolder
    let bag: String

    init() async throws {
        scratch = try ScratchFolder("packaging")
        bag = try await writeSampleBag(scratch)
    }

    let master = "data/masters/Z109-WS·2011-Y-BGS-0001/0001.tif"

    @Test func flippedPayloadByte() async throws {
        let copy = try copyBag(bag, in: scratch, as: "flipped")
        let handle = try #require(FileHandle(forUpdatingAtPath: copy + "/" + master))
        try handle.seek(toOffset: 1234)
        let original = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: 1234)
        try handle.write(contentsOf: [original ^ 0x01])
        try handle.close()

        let report = await BagVerifier.verify(copy)
        #expect(!report.valid)
        #expect(report.rules == [.payloadDigest])
        let problems = report.problems(.payloadDigest)
        #expect(problems.count == 2)  // sha256 and sha512
        #expect(problems.allSatisfy { $0.file == master })
        #expect(problems.contains { $0.message.contains("sha512") && $0.message.contains("manifest-sha512.txt") })

        let fast = await BagVerifier.verify(copy, mode: .fast)
        #expect(fast.valid, "fast mode reads no content, so it cannot see a flipped byte")
        #expect(fast.bytesHashed == 0)
    }

    @Test func inspectionSeesExactlyTheBytesThatWereHashed() async throws {
        let copy = try copyBag(bag, in: scratch, as: "inspected")
        let handle = try #require(FileHandle(forUpdatingAtPath: copy + "/" + master))
        try handle.seek(toOffset: 99_999)
        try handle.write(contentsOf: [0x5A, 0xA5])
        try handle.close()
        let onDisk = try Data(contentsOf: URL(fileURLWithPath: copy + "/" + master))

        let masters = PayloadInspection<Data>(wants: { $0.hasPrefix("data/masters/") }) { _, bytes in bytes }
        let (report, seen) = await BagVerifier.verify(copy, inspecting: masters)
        // Only the wanted payload files, each once, with its whole content; never tag files or other payload.
        #expect(
            Set(seen.keys) == ["data/masters/Z109-WS·2011-Y-BGS-0001/0001.tif", "data/masters/Z109-WS·2011-Y-BGS-0001/0002.tif"])
        #expect(seen[master] == onDisk)
        #expect(seen["data/masters/Z109-WS·2011-Y-BGS-0001/0002.tif"] == Data(samplePayload[1].bytes))
        // The bytes inspected are the bytes hashed: their digest is the one the report says differs.
        #expect(report.rules == [.payloadDigest])
        let actual = try #require(seen[master]).withUnsafeBytes { raw in
            var digest = MultiDigest([.sha256, .sha512])
            digest.update(raw)
            return digest.finalize()
        }
        #expect(report.problems(.payloadDigest).contains { $0.message.contains("sha256 digest is \(actual[.sha256]!) but") })
        #expect(report.problems(.payloadDigest).contains { $0.message.contains("sha512 digest is \(actual[.sha512]!) but") })
        #expect(report.bytesHashed > UInt64(onDisk.count))

        let (fast, none) = await BagVerifier.verify(copy, mode: .fast, inspecting: masters)
        #expect(fast.valid && none.isEmpty, "fast mode reads no content, so it inspects none")
    }

    @Test func missingPayloadFile() async throws {
        let copy = try copyBag(bag, in: scratch, as: "missing")
        try FileManager.default.removeItem(atPath: copy + "/data/readme.txt")
        let report = await BagVerifier.verify(copy)
        #expect(report.rules == [.payloadMissing, .taginfoOxum])
        #expect(report.problems(.payloadMissing).map(\.file) == ["data/readme.txt"])

        let fast = await BagVerifier.verify(copy, mode: .fast)
        #expect(!fast.valid)
        #expect(fast.rules == [.payloadMissing, .taginfoOxum])
    }

    @Test func extraPayloadFile() async throws {
        let copy = try copyBag(bag, in: scratch, as: "extra")
        try Data("stray".utf8).write(to: URL(fileURLWithPath: copy + "/data/masters/stray.tif"))
        let report = await BagVerifier.verify(copy)
        #expect(report.rules == [.payloadExtra, .taginfoOxum])
        #expect(report.problems(.payloadExtra).map(\.file) == ["data/masters/stray.tif"])
    }

    @Test func editedManifestLine() async throws {
        let copy = try copyBag(bag, in: scratch, as: "manifest")
        try edit(copy + "/manifest-sha256.txt") { text in
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let digest = lines[0].prefix(64)
            let changed = String(digest.prefix(63)) + (digest.last == "0" ? "1" : "0")
            lines[0] = changed + lines[0].dropFirst(64)
            return lines.joined(separator: "\n")
        }
        let report = await BagVerifier.verify(copy)
        #expect(report.rules == [.payloadDigest, .tagmanifestDigest])
        #expect(report.problems(.tagmanifestDigest).map(\.file) == ["manifest-sha256.txt"])
        #expect(report.problems(.payloadDigest).count == 1)
    }

    @Test func editedBagInfo() async throws {
        let copy = try copyBag(bag, in: scratch, as: "baginfo")
        try edit(copy + "/bag-info.txt") { $0.replacingOccurrences(of: "Example Municipal Archives", with: "Someone Else") }
        let report = await BagVerifier.verify(copy)
        #expect(report.rules == [.tagmanifestDigest])
        #expect(report.problems.map(\.file) == ["bag-info.txt"])
    }

    @Test func manifestPathWithDotDot() async throws {
        let copy = try copyBag(bag, in: scratch, as: "dotdot")
        try edit(copy + "/manifest-sha256.txt") {
            $0.replacingOccurrences(of: " data/readme.txt", with: " data/../../readme.txt")
        }
        let report = await BagVerifier.verify(copy)
        #expect(report.rules.contains(.manifestPathEscape))
        #expect(report.problems(.manifestPathEscape).map(\.file) == ["manifest-sha256.txt"])
        #expect(!report.valid)
    }

    @Test func absoluteAndHomePathsAreEscapes() async throws {
        let copy = try copyBag(bag, in: scratch, as: "absolute")
        try edit(copy + "/manifest-sha512.txt") {
            $0 + String(repeating: "a", count: 128) + " /etc/passwd\n" + String(repeating: "b", count: 128)
                + " ~root/.ssh/id_rsa\n"
        }
        let report = await BagVerifier.verify(copy)
        #expect(report.problems(.manifestPathEscape).count == 2)
    }

    @Test func bagitTxtWithBOM() async throws {
        let copy = try copyBag(bag, in: scratch, as: "bom")
        let path = copy + "/bagit.txt"
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        try (Data([0xEF, 0xBB, 0xBF]) + original).write(to: URL(fileURLWithPath: path))
        let report = await BagVerifier.verify(copy)
        #expect(report.rules.contains(.bagitBOM))
        #expect(report.problems(.bagitBOM).map(\.file) == ["bagit.txt"])
        #expect(report.rules.isSubset(of: [.bagitBOM, .tagmanifestDigest]))
    }

    @Test func manifestLackingAFileAnotherLists() async throws {
        let copy = try copyBag(bag, in: scratch, as: "incomplete")
        try edit(copy + "/manifest-sha512.txt") { text in
            text.split(separator: "\n").filter { !$0.hasSuffix(" data/readme.txt") }.joined(separator: "\n") + "\n"
        }
        let report = await BagVerifier.verify(copy)
        #expect(report.rules == [.manifestIncomplete, .tagmanifestDigest])
        #expect(report.problems(.manifestIncomplete).map(\.file) == ["manifest-sha512.txt"])
    }

    @Test func malformedLinesAndDuplicates() async throws {
        let copy = try copyBag(bag, in: scratch, as: "format")
        try edit(copy + "/manifest-sha256.txt") { text in
            let first = text.split(separator: "\n")[0]
            return text + "\(first)\nnot-hex data/readme.txt\nabc data/readme.txt\njustonefield\n"
                + String(repeating: "c", count: 64) + " masters/x.tif\n"
        }
        let report = await BagVerifier.verify(copy)
        #expect(report.problems(.manifestFormat).count == 3)
        #expect(report.problems(.manifestPathDuplicate).count == 1)
        #expect(report.problems(.manifestPathOutsideData).count == 1)
    }

    @Test func everyProblemIsReportedNotOnlyTheFirst() async throws {
        let copy = try copyBag(bag, in: scratch, as: "many")
        try FileManager.default.removeItem(atPath: copy + "/data/readme.txt")
        try Data("x".utf8).write(to: URL(fileURLWithPath: copy + "/data/extra.bin"))
        try edit(copy + "/bag-info.txt") { $0 + "no colon here\n" }
        try FileManager.default.removeItem(atPath: copy + "/metadata/record.xml")
        let handle = try #require(FileHandle(forUpdatingAtPath: copy + "/" + master))
        try handle.write(contentsOf: [0, 0, 0, 0])
        try handle.close()
        let report = await BagVerifier.verify(copy)
        #expect(
            report.rules == [
                .payloadMissing, .payloadExtra, .payloadDigest, .taginfoFormat, .taginfoOxum, .tagmanifestDigest,
                .tagmanifestMissingFile,
            ])
        #expect(report.errorCount == report.problems.count)
        let json = try JSONEncoder().encode(report)
        let decoded = try JSONDecoder().decode(BagReport.self, from: json)
        #expect(decoded == report)
        #expect(String(decoding: json, as: UTF8.self).contains("\"rule\":\"payload.digest\""))
    }

    @Test func fetchTxtWithUnfetchedFile() async throws {
        let copy = try copyBag(bag, in: scratch, as: "fetch")
        try FileManager.default.removeItem(atPath: copy + "/data/readme.txt")
        try Data("https://example.org/readme.txt 17 data/readme.txt\nnot-a-url x data/other.txt\n".utf8)
            .write(to: URL(fileURLWithPath: copy + "/fetch.txt"))
        let report = await BagVerifier.verify(copy)
        #expect(report.problems(.fetchPresent).map(\.file) == ["data/other.txt", "data/readme.txt"])
        #expect(report.problems(.payloadMissing).isEmpty)
        #expect(report.problems(.fetchFormat).count == 3)  // URL, length, not in every manifest
    }

    @Test func missingDeclarationAndManifests() async throws {
        let copy = try copyBag(bag, in: scratch, as: "bare")
        for name in ["bagit.txt", "manifest-sha256.txt", "manifest-sha512.txt"] {
            try FileManager.default.removeItem(atPath: copy + "/" + name)
        }
        let report = await BagVerifier.verify(copy)
        #expect(report.rules.isSuperset(of: [.bagitMissing, .manifestMissing, .payloadExtra, .tagmanifestMissingFile]))
        let nothing = await BagVerifier.verify(scratch.path + "/no-such-bag")
        #expect(nothing.rules == [.bagitMissing])
    }

    @Test func badDeclarationFormat() async throws {
        let copy = try copyBag(bag, in: scratch, as: "declaration")
        try Data("BagIt-Version : 1.0\nTag-File-Character-Encoding: UTF-8\nExtra: line\n".utf8)
            .write(to: URL(fileURLWithPath: copy + "/bagit.txt"))
        let report = await BagVerifier.verify(copy)
        #expect(report.problems(.bagitFormat).count == 2)  // three lines; whitespace before the colon

        try Data("BagIt-Version: 2.0\nTag-File-Character-Encoding: UTF-8\n".utf8).write(
            to: URL(fileURLWithPath: copy + "/bagit.txt"))
        #expect(await BagVerifier.verify(copy).rules.contains(.bagitVersionUnsupported))
    }

    @Test func unicodeNormalizationDifferencesAreTolerated() async throws {
        // The manifest says NFC "café"; the file system holds NFD "café".
        let scratch = try ScratchFolder("packaging")
        let nfc = "data/caf\u{E9}.txt"
        let nfd = "data/cafe\u{301}.txt"
        try scratch.text("bag/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
        let file = try scratch.text("bag/" + nfd, "hello\n")
        let digest = try FileDigester.digest(path: file, algorithms: [.sha256])[.sha256]!
        try scratch.text("bag/manifest-sha256.txt", "\(digest)  \(nfc)\n")
        let report = await BagVerifier.verify(scratch.path + "/bag")
        #expect(report.valid, "\(report.problems)")
        #expect(report.filesHashed == 1)
    }
}
