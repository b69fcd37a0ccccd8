import DurableIO
import Fixity
import Foundation
@testable import Packaging
import QuireTestSupport
import Testing

@Suite struct BagWriterTests {
    @Test func writesAValidBagWithEncodedPathsAndComputedInfo() async throws {
        let scratch = try ScratchFolder("packaging")
        let bag = try await writeSampleBag(scratch)
        #expect(bag.hasSuffix("/bags/Z109-WS·2011-Y-BGS-0001"))

        let declaration = try String(contentsOfFile: bag + "/bagit.txt", encoding: .utf8)
        #expect(declaration == "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")

        let manifest = try String(contentsOfFile: bag + "/manifest-sha256.txt", encoding: .utf8)
        #expect(manifest.contains(" data/notes/100%25 checked.txt\n"))
        #expect(manifest.contains(" data/masters/Z109-WS·2011-Y-BGS-0001/0001.tif\n"))
        let paths = manifest.split(separator: "\n").map { $0.split(separator: " ", maxSplits: 1)[1] }
        #expect(paths == paths.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        #expect(FileManager.default.fileExists(atPath: bag + "/manifest-sha512.txt"))

        let tagManifest = try String(contentsOfFile: bag + "/tagmanifest-sha256.txt", encoding: .utf8)
        for name in ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "manifest-sha512.txt", "metadata/record.xml"] {
            #expect(tagManifest.contains(" \(name)\n"), "tag manifest lists \(name)")
        }
        #expect(!tagManifest.contains("tagmanifest-"))

        let info = try String(contentsOfFile: bag + "/bag-info.txt", encoding: .utf8)
        let octets = samplePayload.reduce(0) { $0 + $1.bytes.count }
        #expect(info.contains("Payload-Oxum: \(octets).4\n"))
        #expect(info.contains("Bag-Size: 220.0 KB\n"))
        #expect(info.hasPrefix("Source-Organization: Example Municipal Archives\nBagging-Date: 2026-03-14\n"))
        // The long description is folded, and every line stays within 79 characters.
        #expect(info.split(separator: "\n").allSatisfy { $0.count <= 79 })
        #expect(info.contains("\n "))
        var problems = ProblemCollector()
        let fields = BagInfoParser.parse(info, file: "bag-info.txt", strict: true, problems: &problems)
        #expect(problems.problems.isEmpty)
        #expect(Array(fields.prefix(4)) == sampleInfo)

        let report = await BagVerifier.verify(bag)
        #expect(report.valid, "\(report.problems)")
        #expect(report.problems.isEmpty)
        #expect(report.payloadFileCount == 4)
        #expect(report.filesHashed == 4 + 5)
    }

    @Test func hardLinksOnTheSameFileSystem() async throws {
        let scratch = try ScratchFolder("packaging")
        let payload = try makeSources(scratch)
        let result = try await BagWriter().write(
            name: "linked", in: scratch.path + "/bags", payload: payload, bagInfo: sampleInfo)
        #expect(result.linkedFileCount == 4)
        #expect(result.copiedFileCount == 0)
        var source = stat(), placed = stat()
        stat(payload[0].source, &source)
        stat(result.path + "/" + payload[0].bagPath, &placed)
        #expect(source.st_ino == placed.st_ino)

        var copying = BagWriter()
        copying.placement = .copy
        let copied = try await copying.write(name: "copied", in: scratch.path + "/bags", payload: payload, bagInfo: sampleInfo)
        #expect(copied.copiedFileCount == 4)
        stat(copied.path + "/" + payload[0].bagPath, &placed)
        #expect(source.st_ino != placed.st_ino)
        #expect(copied.verification.valid)
    }

    @Test func sm3ManifestsAreWrittenAndVerified() async throws {
        let scratch = try ScratchFolder("packaging")
        let payload = try makeSources(scratch, algorithms: [.sha256, .sm3])
        let result = try await BagWriter(manifestAlgorithms: [.sha256, .sm3], tagManifestAlgorithms: [.sm3])
            .write(name: "sm3", in: scratch.path, payload: payload, bagInfo: sampleInfo)
        #expect(FileManager.default.fileExists(atPath: result.path + "/manifest-sm3.txt"))
        #expect(FileManager.default.fileExists(atPath: result.path + "/tagmanifest-sm3.txt"))
        #expect(result.verification.valid)
        #expect(result.verification.bytesHashed > 0)
    }

    @Test func aWrongDigestFailsVerificationAndLeavesNothing() async throws {
        let scratch = try ScratchFolder("packaging")
        var payload = try makeSources(scratch)
        payload[1].digests[.sha512] = String(repeating: "0", count: 128)
        await #expect {
            try await BagWriter().write(name: "bad", in: scratch.path + "/bags", payload: payload, bagInfo: sampleInfo)
        } throws: { error in
            guard case BagWriteError.verificationFailed(let report) = error else { return false }
            return report.rules == [.payloadDigest]
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/bags").isEmpty)
    }

    @Test func rejectsBadInputBeforeWritingAnything() async throws {
        let scratch = try ScratchFolder("packaging")
        let payload = try makeSources(scratch)
        let writer = BagWriter()
        let bags = scratch.path + "/bags"

        var wrongSize = payload
        wrongSize[0].size += 1
        await #expect(throws: BagWriteError.self) { try await writer.write(name: "a", in: bags, payload: wrongSize, bagInfo: []) }

        var escaping = payload
        escaping[0].bagPath = "data/../etc/passwd"
        await #expect(throws: BagWriteError.self) { try await writer.write(name: "a", in: bags, payload: escaping, bagInfo: []) }

        var outside = payload
        outside[0].bagPath = "masters/0001.tif"
        await #expect(throws: BagWriteError.self) { try await writer.write(name: "a", in: bags, payload: outside, bagInfo: []) }

        var duplicate = payload
        duplicate[1].bagPath = duplicate[0].bagPath
        await #expect(throws: BagWriteError.self) { try await writer.write(name: "a", in: bags, payload: duplicate, bagInfo: []) }

        var noDigest = payload
        noDigest[2].digests[.sha512] = nil
        await #expect(throws: BagWriteError.self) { try await writer.write(name: "a", in: bags, payload: noDigest, bagInfo: []) }

        await #expect(throws: BagWriteError.self) {
            try await writer.write(name: "a", in: bags, payload: payload, bagInfo: [BagInfoField("Payload-Oxum", "1.1")])
        }
        await #expect(throws: BagWriteError.self) {
            try await writer.write(name: "a", in: bags, payload: payload, bagInfo: [BagInfoField("Bad:Label", "x")])
        }
        await #expect(throws: BagWriteError.self) {
            try await writer.write(name: "a", in: bags, payload: payload, bagInfo: [BagInfoField("Note", "two\nlines")])
        }
        await #expect(throws: BagWriteError.self) {
            try await writer.write(
                name: "a", in: bags, payload: payload, bagInfo: [],
                extraTagFiles: [TagFile(path: "manifest-md5.txt", contents: Data())])
        }
        await #expect(throws: BagWriteError.self) {
            try await writer.write(name: ".hidden", in: bags, payload: payload, bagInfo: [])
        }
        await #expect(throws: BagWriteError.self) { try await writer.write(name: "a/b", in: bags, payload: payload, bagInfo: []) }
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: bags)) ?? []
        #expect(leftovers.isEmpty)

        _ = try await writer.write(name: "a", in: bags, payload: payload, bagInfo: [])
        await #expect {
            try await writer.write(name: "a", in: bags, payload: payload, bagInfo: [])
        } throws: { error in
            if case BagWriteError.destinationExists = error { true } else { false }
        }
    }

    @Test func strayPartialsOfDeadProcessesAreRemoved() async throws {
        let scratch = try ScratchFolder("packaging")
        let finished = try run(["true"])
        #expect(finished.status == 0)
        // A process id that is not running: a short-lived child's, after it exited.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        child.arguments = ["true"]
        try child.run()
        child.waitUntilExit()
        let deadPID = child.processIdentifier
        for name in [".crashed.partial-\(deadPID)", ".mine.partial-\(getpid())", ".init.partial-1", "finished", ".notes"] {
            try FileManager.default.createDirectory(
                atPath: scratch.path + "/" + name + "/data", withIntermediateDirectories: true)
        }
        let removed = BagWriter.removeStrayPartials(in: scratch.path)
        #expect(removed == [".crashed.partial-\(deadPID)", ".mine.partial-\(getpid())"])
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted()
        #expect(left == [".init.partial-1", ".notes", "finished"])
    }

    @Test func onSharedStorageAnotherProcesssPartialGoesOnlyOnceItIsOld() throws {
        let scratch = try ScratchFolder("packaging")
        // A pid not running here, as another machine's worker's would be: its partial may be being written.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        child.arguments = ["true"]
        try child.run()
        child.waitUntilExit()
        let fresh = scratch.path + "/.fresh.partial-\(child.processIdentifier)"
        let old = scratch.path + "/.old.partial-\(child.processIdentifier)"
        for path in [fresh, old] {
            try FileManager.default.createDirectory(atPath: path + "/data", withIntermediateDirectories: true)
        }
        // Last changed 20 minutes ago.
        var times = [timeval(tv_sec: time(nil) - 1200, tv_usec: 0), timeval(tv_sec: time(nil) - 1200, tv_usec: 0)]
        #expect(utimes(old, &times) == 0)
        #expect(
            BagWriter.removeStrayPartials(in: scratch.path, olderThan: 15 * 60) == [".old.partial-\(child.processIdentifier)"])
        #expect(FileManager.default.fileExists(atPath: fresh))
    }

    @Test func theFinalNameAppearsOnlyAfterVerification() async throws {
        // A verification failure happens after the whole partial bag was built; the final name must never exist.
        let scratch = try ScratchFolder("packaging")
        var payload = try makeSources(scratch)
        payload[0].digests[.sha256] = String(repeating: "a", count: 64)
        let bags = scratch.path + "/bags"
        _ = try? await BagWriter().write(name: "never", in: bags, payload: payload, bagInfo: sampleInfo)
        #expect(!FileManager.default.fileExists(atPath: bags + "/never"))
        #expect(BagWriter.partialName(for: "never", pid: 42) == ".never.partial-42")
        #expect(try FileManager.default.contentsOfDirectory(atPath: bags).isEmpty)
    }

    @Test func bagSizeIsHumanReadable() {
        #expect(BagWriter.formatBagSize(999) == "999 B")
        #expect(BagWriter.formatBagSize(1000) == "1.0 KB")
        #expect(BagWriter.formatBagSize(42_600_000_000) == "42.6 GB")
        #expect(BagWriter.formatBagSize(1_250_000) == "1.3 MB")
        #expect(BagWriter.formatBagSize(UInt64.max).hasSuffix("EB"))
    }

    @Test func manifestPathsRoundTrip() {
        let name = "data/a%b\r\nc%0A.txt"
        let encoded = ManifestPath.encode(name, .rfc8493)
        #expect(encoded == "data/a%25b%0D%0Ac%250A.txt")
        #expect(ManifestPath.decode(encoded) == name)
        #expect(ManifestPath.encode(name, .legacy) == "data/a%b%0D%0Ac%0A.txt")
        #expect(ManifestPath.decode("data/100%.txt") == "data/100%.txt")
        #expect(ManifestPath.decode("data/x%2fy%0d") == "data/x%2fy\r")
        #expect(ManifestPath.escapeReason("data/../x") != nil)
        #expect(ManifestPath.escapeReason("/etc/passwd") != nil)
        #expect(ManifestPath.escapeReason("~root/x") != nil)
        #expect(ManifestPath.escapeReason("C:\\x") != nil)
        #expect(ManifestPath.escapeReason("data/..x/y") == nil)
    }
}
