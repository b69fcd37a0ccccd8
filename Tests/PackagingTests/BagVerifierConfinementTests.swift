import Fixity
import Foundation
@testable import Packaging
import QuireTestSupport
import Testing

/// `quire verify` never reads a byte outside the bag: whatever leads out — `data/` itself, a folder on the way
/// to a tag file, `bagit.txt`, a manifest, `bag-info.txt`, `fetch.txt` — is reported as `payload.symlink`
/// (an error) and not read, while links that stay inside the bag keep working.
@Suite struct BagVerifierConfinementTests {
    /// A valid 1.0 bag (`scratch/bag`) with one payload file, a sha256 manifest, `bag-info.txt` and a tag manifest,
    /// and an empty folder `scratch/outside` beside it.
    func bag(_ scratch: ScratchFolder) throws -> (bag: String, outside: String) {
        let file = try scratch.text("bag/data/a.txt", "hello\n")
        let sha = try FileDigester.digest(path: file, algorithms: [.sha256])[.sha256]!
        try scratch.text("bag/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
        try scratch.text("bag/manifest-sha256.txt", "\(sha)  data/a.txt\n")
        try scratch.text("bag/bag-info.txt", "Payload-Oxum: 6.1\n")
        let bag = scratch.path + "/bag"
        try writeTagManifest(bag, listing: ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"])
        try FileManager.default.createDirectory(atPath: scratch.path + "/outside", withIntermediateDirectories: true)
        return (bag, scratch.path + "/outside")
    }

    func writeTagManifest(_ bag: String, listing files: [String]) throws {
        var text = ""
        for file in files {
            text += try FileDigester.digest(path: bag + "/" + file, algorithms: [.sha256])[.sha256]! + "  " + file + "\n"
        }
        try text.write(toFile: bag + "/tagmanifest-sha256.txt", atomically: true, encoding: .utf8)
    }

    /// Moves `name` out of the bag into `outside` and leaves a symbolic link to it in its place.
    func linkOut(_ name: String, bag: String, outside: String, relative: Bool = false) throws {
        let target = outside + "/" + name.replacingOccurrences(of: "/", with: "_")
        try FileManager.default.moveItem(atPath: bag + "/" + name, toPath: target)
        let depth = name.split(separator: "/").count
        let destination =
            relative ? String(repeating: "../", count: depth) + "outside/" + (target as NSString).lastPathComponent : target
        try FileManager.default.createSymbolicLink(atPath: bag + "/" + name, withDestinationPath: destination)
    }

    @Test func theBagIsValidBeforeAnyLinkIsPlanted() async throws {
        let scratch = try ScratchFolder("packaging")
        let (bag, _) = try bag(scratch)
        let report = await BagVerifier.verify(bag)
        #expect(report.valid && report.problems.isEmpty, "\(report.problems)")
    }

    @Test func aDataFolderLinkedOutOfTheBagFailsAndIsNotRead() async throws {
        for relative in [false, true] {
            let scratch = try ScratchFolder("packaging")
            let (bag, outside) = try bag(scratch)
            try linkOut("data", bag: bag, outside: outside, relative: relative)
            let report = await BagVerifier.verify(bag)
            #expect(!report.valid)
            #expect(report.problems(.payloadSymlink).map(\.file) == ["data"], "\(report.problems)")
            #expect(report.problems(.payloadSymlink).first?.severity == .error)
            #expect(report.payloadFileCount == 0, "nothing under the linked folder was listed")
            #expect(report.filesHashed == 3, "the three tag files only")
        }
    }

    @Test func aTagFileReachedThroughAFolderLinkedOutFailsAndIsNotHashed() async throws {
        let scratch = try ScratchFolder("packaging")
        let (bag, outside) = try bag(scratch)
        try scratch.text("outside/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n")
        try FileManager.default.createSymbolicLink(atPath: bag + "/meta", withDestinationPath: outside + "/etc")
        // The tag manifest's digest of meta/passwd is right: only where it lies is wrong.
        var text = try String(contentsOfFile: bag + "/tagmanifest-sha256.txt", encoding: .utf8)
        text += try FileDigester.digest(path: outside + "/etc/passwd", algorithms: [.sha256])[.sha256]! + "  meta/passwd\n"
        try text.write(toFile: bag + "/tagmanifest-sha256.txt", atomically: true, encoding: .utf8)
        let report = await BagVerifier.verify(bag)
        #expect(!report.valid)
        #expect(report.problems(.payloadSymlink).map(\.file) == ["meta/passwd"], "\(report.problems)")
        #expect(report.problems(.payloadSymlink).first?.message.contains(outside + "/etc") == true, "names where the link leads")
        #expect(report.filesHashed == 4, "payload and three tag files, not meta/passwd")
    }

    @Test func declarationManifestsAndTagFilesLinkedOutFailAndAreNotRead() async throws {
        for name in ["bagit.txt", "manifest-sha256.txt", "bag-info.txt", "tagmanifest-sha256.txt", "fetch.txt"] {
            let scratch = try ScratchFolder("packaging")
            let (bag, outside) = try bag(scratch)
            if name == "fetch.txt" { try scratch.text("bag/fetch.txt", "https://example.org/b.txt 2 data/b.txt\n") }
            try linkOut(name, bag: bag, outside: outside)
            let report = await BagVerifier.verify(bag)
            #expect(!report.valid, "\(name)")
            #expect(report.problems(.payloadSymlink).map(\.file) == [name], "\(name): \(report.problems)")
            // Nothing it holds was taken into account: a linked-out fetch.txt's line is not reported.
            #expect(report.problems(.fetchPresent).isEmpty, "\(name)")
            if name == "bag-info.txt" { #expect(report.bagInfo.isEmpty) }
        }
    }

    @Test func aPayloadLinkChainThatEndsOutsideFails() async throws {
        let scratch = try ScratchFolder("packaging")
        let (bag, _) = try bag(scratch)
        try scratch.text("outside/secret.txt", "not yours\n")
        try FileManager.default.createSymbolicLink(atPath: bag + "/data/l1.txt", withDestinationPath: "l2.txt")
        try FileManager.default.createSymbolicLink(atPath: bag + "/data/l2.txt", withDestinationPath: "../../outside/secret.txt")
        let report = await BagVerifier.verify(bag)
        #expect(Set(report.problems(.payloadSymlink).compactMap(\.file)) == ["data/l1.txt", "data/l2.txt"], "\(report.problems)")
        #expect(!report.valid)
    }

    @Test func linksThatStayInsideTheBagStillWork() async throws {
        let scratch = try ScratchFolder("packaging")
        let (bag, _) = try bag(scratch)
        // A tag file reached through a folder link inside the bag, and a payload link to a file in the bag.
        try scratch.text("bag/docs/notes.txt", "notes\n")
        try FileManager.default.createSymbolicLink(atPath: bag + "/meta", withDestinationPath: "docs")
        try FileManager.default.createSymbolicLink(atPath: bag + "/data/b.txt", withDestinationPath: "a.txt")
        let sha = try FileDigester.digest(path: bag + "/data/a.txt", algorithms: [.sha256])[.sha256]!
        try "\(sha)  data/a.txt\n\(sha)  data/b.txt\n".write(
            toFile: bag + "/manifest-sha256.txt", atomically: true, encoding: .utf8)
        try "Payload-Oxum: 12.2\n".write(toFile: bag + "/bag-info.txt", atomically: true, encoding: .utf8)
        try writeTagManifest(
            bag, listing: ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "docs/notes.txt", "meta/notes.txt"])
        let report = await BagVerifier.verify(bag)
        #expect(report.valid, "\(report.problems)")
        #expect(report.problems(.payloadSymlink).isEmpty)
        #expect(report.filesHashed == 7)
    }

    // MARK: - Item 9: duplicate manifest lines

    @Test func aPathListedTwiceWithTheSameDigestIsAWarning() async throws {
        let scratch = try ScratchFolder("packaging")
        let (bag, _) = try bag(scratch)
        let line = try String(contentsOfFile: bag + "/manifest-sha256.txt", encoding: .utf8)
        try (line + line.uppercased().replacingOccurrences(of: "DATA/A.TXT", with: "data/a.txt"))
            .write(toFile: bag + "/manifest-sha256.txt", atomically: true, encoding: .utf8)
        try writeTagManifest(bag, listing: ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"])
        let report = await BagVerifier.verify(bag)
        #expect(report.problems(.manifestPathDuplicate).map(\.severity) == [.warning], "\(report.problems)")
        #expect(report.valid, "the LoC conformance suite expects a warning, not a failure")
    }

    @Test func aPathListedTwiceWithDifferentDigestsIsAnError() async throws {
        let scratch = try ScratchFolder("packaging")
        let (bag, _) = try bag(scratch)
        let line = try String(contentsOfFile: bag + "/manifest-sha256.txt", encoding: .utf8)
        try (line + String(repeating: "0", count: 64) + "  data/a.txt\n")
            .write(toFile: bag + "/manifest-sha256.txt", atomically: true, encoding: .utf8)
        try writeTagManifest(bag, listing: ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"])
        let report = await BagVerifier.verify(bag)
        #expect(report.problems(.manifestPathDuplicate).map(\.severity) == [.error], "\(report.problems)")
        #expect(!report.valid)
    }
}
