import Fixity
import Foundation
@testable import Packaging
import QuireTestSupport
import Testing

/// Bags Quire writes are accepted by the Library of Congress's bagit-python, and the other way round. Each test
/// fails, naming `bash scripts/install-deps.sh --test`, when bagit-python is missing.
@Suite struct BagitPythonInteropTests {
    @Test func bagitPythonValidatesOurBag() async throws {
        try BagitPython.require()
        // bagit-python 1.9 decodes only %0D and %0A (LibraryOfCongress/bagit-python#157): with the `%` name
        // written the RFC 8493 way (%25) it looks for a file literally named "100%25 checked.txt". The
        // legacy encoding writes `%` as is, which both bagit-python and BagVerifier read.
        let scratch = try ScratchFolder("packaging")
        let bag = try await writeSampleBag(scratch) { $0.pathEncoding = .legacy }
        let manifest = try String(contentsOfFile: bag + "/manifest-sha256.txt", encoding: .utf8)
        #expect(manifest.contains(" data/notes/100% checked.txt\n"))
        let result = try BagitPython.validate(bag)
        #expect(result.status == 0, "bagit.py said: \(result.output)")
        #expect(result.output.contains("is valid"))
        let report = await BagVerifier.verify(bag)
        #expect(report.valid && report.problems.isEmpty, "\(report.problems)")
    }

    @Test func bagitPythonRejectsOnlyThePercentNameOfAnRFCEncodedBag() async throws {
        try BagitPython.require()
        let scratch = try ScratchFolder("packaging")
        let bag = try await writeSampleBag(scratch)
        let report = await BagVerifier.verify(bag)
        #expect(report.valid && report.problems.isEmpty, "\(report.problems)")

        let result = try BagitPython.validate(bag)
        #expect(result.status != 0)
        #expect(result.output.contains("100%25 checked.txt"))
        // Nothing else bothers it: without the `%` file, the same RFC-encoded bag (Chinese names, folded
        // bag-info, SHA-256 + SHA-512 manifests, tag manifest, extra tag file) validates.
        let plain = try ScratchFolder("packaging")
        let payload = try makeSources(plain, payload: samplePayload.filter { !$0.bagPath.contains("%") })
        let written = try await BagWriter(manifestAlgorithms: [.sha256, .sha512], tagManifestAlgorithms: [.sha256, .sha512])
            .write(
                name: "Z109-WS·2011-Y-BGS-0001", in: plain.path, payload: payload, bagInfo: sampleInfo,
                extraTagFiles: [TagFile(path: "metadata/record.xml", contents: Data("<record/>\n".utf8))])
        let plainResult = try BagitPython.validate(written.path)
        #expect(plainResult.status == 0, "bagit.py said: \(plainResult.output)")
    }

    @Test func bagitPythonSeesOurTampering() async throws {
        try BagitPython.require()
        let scratch = try ScratchFolder("packaging")
        let bag = try await writeSampleBag(scratch) { $0.pathEncoding = .legacy }
        let copy = try copyBag(bag, in: scratch, as: "tampered")
        try edit(copy + "/bag-info.txt") { $0.replacingOccurrences(of: "2026-03-14", with: "2026-03-15") }
        #expect(try BagitPython.validate(copy).status != 0)
        #expect(await BagVerifier.verify(copy).rules == [.tagmanifestDigest])
    }

    @Test func bagsMadeByBagitPythonAreAccepted() async throws {
        try BagitPython.require()
        let scratch = try ScratchFolder("packaging")
        try scratch.file("bag/masters/Z109-WS·2011-Y-BGS-0001/0001.tif", bytes(90_000, seed: 7))
        try scratch.text("bag/notes/50% done.txt", "half\n")
        try scratch.text("bag/readme.txt", "hello\n")
        let made = try run([
            "python3", "-m", "bagit", "--sha256", "--source-organization", "Example Archives", scratch.path + "/bag",
        ])
        #expect(made.status == 0, "\(made.output)")
        let report = await BagVerifier.verify(scratch.path + "/bag")
        #expect(report.valid, "\(report.problems)")
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.filesHashed == 3 + 3)  // payload, and bagit.txt, bag-info.txt, manifest-sha256.txt

        // Several algorithms, and a file bagit-python must encode (%0A in the name).
        try scratch.text("multi/line\nbreak.txt", "two\n")
        try scratch.text("multi/plain.txt", "one\n")
        let multi = try run(["python3", "-m", "bagit", "--md5", "--sha1", "--sha512", scratch.path + "/multi"])
        #expect(multi.status == 0, "\(multi.output)")
        let multiReport = await BagVerifier.verify(scratch.path + "/multi")
        #expect(multiReport.valid, "\(multiReport.problems)")
        #expect(multiReport.rules.isEmpty)

        let fast = await BagVerifier.verify(scratch.path + "/bag", mode: .fast)
        #expect(fast.valid)
        try FileManager.default.removeItem(atPath: scratch.path + "/bag/data/readme.txt")
        let missing = await BagVerifier.verify(scratch.path + "/bag", mode: .fast)
        #expect(missing.rules == [.payloadMissing, .taginfoOxum])
    }
}
