import Fixity
import Foundation
@testable import Packaging
import QuireTestSupport
import Testing

/// Bags from BagIt 0.93–0.97: declared encodings, older file names, looser formats.
@Suite struct LegacyBagTests {
    /// Hex digest of `bytes` by a coreutils tool (`md5sum`, `sha1sum`).
    func coreutils(_ tool: String, _ path: String) throws -> String {
        String(try run([tool, path]).output.prefix { $0 != " " })
    }

    @Test func iso88591BagWithTabsAndMD5Only() async throws {
        let scratch = try ScratchFolder("packaging")
        let file = try scratch.text("bag/data/café.txt", "bonjour\n")
        try scratch.text("bag/data/plain.txt", "plain\n")
        let md5Cafe = try coreutils("md5sum", file)
        let md5Plain = try coreutils("md5sum", scratch.path + "/bag/data/plain.txt")
        try scratch.text("bag/bagit.txt", "BagIt-Version: 0.96\nTag-File-Character-Encoding: ISO-8859-1\n")
        // Latin-1 bytes: é is 0xE9. A tab separates digest and path.
        var manifest = Array("\(md5Cafe.uppercased())\tdata/caf".utf8) + [0xE9] + Array(".txt\r\n".utf8)
        manifest += Array("\(md5Plain) data/plain.txt\r\n".utf8)
        try scratch.file("bag/manifest-md5.txt", manifest)
        try scratch.file(
            "bag/bag-info.txt",
            Array("Source-Organization :  Soci".utf8) + [0xE9, 0x74, 0xE9] + Array("\nPayload-Oxum: 14.2\n".utf8))
        let report = await BagVerifier.verify(scratch.path + "/bag")
        #expect(report.valid, "\(report.problems)")
        #expect(report.bagItVersion == "0.96")
        #expect(report.rules == [.manifestWeakAlgorithm])
        #expect(report.problems.allSatisfy { $0.severity == .warning })
    }

    @Test func utf16BagWithBOMAndSHA1() async throws {
        let scratch = try ScratchFolder("packaging")
        let file = try scratch.text("bag/data/档案.txt", "archive\n")
        let sha1 = try coreutils("sha1sum", file)
        try scratch.text("bag/bagit.txt", "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-16\n")
        func utf16(_ text: String) -> [UInt8] { [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }
        try scratch.file("bag/manifest-sha1.txt", utf16("\(sha1)  data/档案.txt\n"))
        try scratch.file("bag/bag-info.txt", utf16("Payload-Oxum: 8.1\nContact-Name: 李四\n"))
        let report = await BagVerifier.verify(scratch.path + "/bag")
        #expect(report.valid, "\(report.problems)")
        #expect(report.rules == [.manifestWeakAlgorithm])

        // Not valid UTF-16 (a lone surrogate): an encoding error.
        try scratch.file("bag/bag-info.txt", [0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00])
        #expect(await BagVerifier.verify(scratch.path + "/bag").rules.contains(.encoding))
    }

    @Test func packageInfoAndPayloadOssumBefore096() async throws {
        let scratch = try ScratchFolder("packaging")
        let file = try scratch.text("bag/data/a.txt", "abc")
        let md5 = try coreutils("md5sum", file)
        try scratch.text("bag/bagit.txt", "BagIt-Version: 0.95\nTag-File-Character-Encoding: UTF-8\n")
        try scratch.text("bag/manifest-md5.txt", "\(md5) data/a.txt\n")
        try scratch.text("bag/package-info.txt", "Payload-Ossum: 4.1\n")
        let report = await BagVerifier.verify(scratch.path + "/bag")
        #expect(report.problems(.taginfoOxum).count == 1, "the Ossum says 4 bytes; the file has 3")
    }

    @Test func before10OneManifestPerFileSuffices() async throws {
        let scratch = try ScratchFolder("packaging")
        let a = try scratch.text("bag/data/a.txt", "a")
        let b = try scratch.text("bag/data/b.txt", "b")
        let sha256 = try FileDigester.digest(path: a, algorithms: [.sha256])[.sha256]!
        let sha512 = try FileDigester.digest(path: b, algorithms: [.sha512])[.sha512]!
        try scratch.text("bag/manifest-sha256.txt", "\(sha256) data/a.txt\n")
        try scratch.text("bag/manifest-sha512.txt", "\(sha512) data/b.txt\n")
        try scratch.text("bag/bagit.txt", "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n")
        #expect(await BagVerifier.verify(scratch.path + "/bag").valid)
        try scratch.text("bag/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
        #expect(await BagVerifier.verify(scratch.path + "/bag").problems(.manifestIncomplete).count == 2)
    }

    @Test func legacyPercentAndMd5sumMarker() async throws {
        let scratch = try ScratchFolder("packaging")
        let file = try scratch.text("bag/data/a%25b.txt", "literal name\n")
        let sha = try FileDigester.digest(path: file, algorithms: [.sha256])[.sha256]!
        try scratch.text("bag/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
        try scratch.text("bag/manifest-sha256.txt", "\(sha) *data/a%25b.txt\n")
        let report = await BagVerifier.verify(scratch.path + "/bag")
        #expect(report.valid, "\(report.problems)")
        #expect(report.problems(.manifestLegacy).count == 2)
    }

    @Test func unsupportedAlgorithmIsReportedNotVerified() async throws {
        let scratch = try ScratchFolder("packaging")
        let file = try scratch.text("bag/data/a.txt", "a")
        let sha = try FileDigester.digest(path: file, algorithms: [.sha256])[.sha256]!
        try scratch.text("bag/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
        try scratch.text("bag/manifest-sha256.txt", "\(sha) data/a.txt\n")
        try scratch.text("bag/manifest-shake_128.txt", String(repeating: "0", count: 32) + " data/a.txt\n")
        let report = await BagVerifier.verify(scratch.path + "/bag")
        #expect(report.valid)
        #expect(report.rules == [.manifestAlgorithmUnsupported])

        // With no other manifest, nothing at all was checked: the bag cannot be called valid.
        try FileManager.default.removeItem(atPath: scratch.path + "/bag/manifest-sha256.txt")
        let unchecked = await BagVerifier.verify(scratch.path + "/bag")
        #expect(!unchecked.valid)
        #expect(unchecked.rules == [.manifestAlgorithmUnsupported, .manifestUnverifiable])
        #expect(await BagVerifier.verify(scratch.path + "/bag", mode: .fast).valid, "fast mode checks no digest anyway")
    }

    /// The algorithms bagit-python offers beyond Quire's own (hashlib's guaranteed set), through libcrypto,
    /// checked against coreutils and OpenSSL's command line.
    @Test(arguments: [
        ("sha224", ["sha224sum"]), ("sha384", ["sha384sum"]), ("sha3_256", ["openssl", "dgst", "-sha3-256", "-r"]),
        ("sha3-512", ["openssl", "dgst", "-sha3-512", "-r"]), ("blake2b", ["b2sum"]),
        ("blake2s", ["openssl", "dgst", "-blake2s256", "-r"]),
    ])
    func otherToolsAlgorithmsAreVerified(_ name: String, _ peer: [String]) async throws {
        let scratch = try ScratchFolder("packaging")
        let file = try scratch.file("bag/data/a.bin", bytes(300_001, seed: 11))
        let digest = String(try run(peer + [file]).output.prefix { $0 != " " })
        #expect(digest.count >= 56)
        try scratch.text("bag/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
        try scratch.text("bag/manifest-\(name).txt", "\(digest)  data/a.bin\n")
        let report = await BagVerifier.verify(scratch.path + "/bag")
        #expect(report.valid && report.problems.isEmpty, "\(report.problems)")
        #expect(report.bytesHashed == 300_001)
        // One byte different: the digest no longer matches.
        var changed = bytes(300_001, seed: 11)
        changed[150_000] ^= 1
        try scratch.file("bag/data/a.bin", changed)
        #expect(await BagVerifier.verify(scratch.path + "/bag").rules == [.payloadDigest])
    }

    @Test func sha1MatchesCoreutils() throws {
        let scratch = try ScratchFolder("packaging")
        let folder = try ConfinedFolder(path: scratch.path)
        for length in [0, 1, 55, 56, 63, 64, 65, 1000, 300_001] {
            let path = try scratch.file("f\(length)", bytes(length, seed: UInt64(length) + 3))
            let outcome = ContentHasher.hash(
                HashJob(relativePath: "f\(length)", diskPath: "f\(length)", algorithms: [.sha1, .fixity(.md5)], size: 0),
                in: folder)
            #expect(outcome.digests[.sha1] == (try coreutils("sha1sum", path)))
            #expect(outcome.digests[.fixity(.md5)] == (try coreutils("md5sum", path)))
        }
    }
}
