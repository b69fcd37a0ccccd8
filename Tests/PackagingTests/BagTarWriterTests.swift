import Foundation
@testable import Packaging
import QuireTestSupport
import Testing

@Suite struct BagTarWriterTests {
    @Test func deterministicTarThatExtractsToAValidBag() async throws {
        let scratch = try ScratchFolder("packaging")
        let bag = try await writeSampleBag(scratch) { $0.serializeToTar = true }
        let tar = bag + ".tar"
        #expect(FileManager.default.fileExists(atPath: tar))
        let second = scratch.path + "/again.tar"
        try BagTarWriter.write(bag: bag, to: second, modificationTime: BagTarWriter.timestamp(baggingDate: "2026-03-14"))
        let first = try Data(contentsOf: URL(fileURLWithPath: tar))
        #expect(first == (try Data(contentsOf: URL(fileURLWithPath: second))))
        #expect(first.count % 10240 == 0)

        let listing = try run(["tar", "-tvf", tar])
        #expect(listing.status == 0, "\(listing.output)")
        #expect(listing.output.contains("0/0"))

        try FileManager.default.createDirectory(atPath: scratch.path + "/out", withIntermediateDirectories: true)
        let extract = try run(["tar", "-xf", tar, "-C", scratch.path + "/out"])
        #expect(extract.status == 0, "\(extract.output)")
        let report = await BagVerifier.verify(scratch.path + "/out/Z109-WS·2011-Y-BGS-0001")
        #expect(report.valid, "\(report.problems)")

        let script =
            "import tarfile,sys\nfor m in tarfile.open(sys.argv[1]).getmembers(): sys.stdout.buffer.write(f'{m.name} {m.mtime} {m.uid} {m.gid} {oct(m.mode)}\\n'.encode())"
        let python = try run(["python3", "-c", script, tar])
        #expect(python.status == 0, "\(python.output)")
        #expect(
            python.output.contains("Z109-WS·2011-Y-BGS-0001/data/masters/Z109-WS·2011-Y-BGS-0001/0001.tif 1773446400 0 0 0o644\n")
        )
        #expect(python.output.contains("Z109-WS·2011-Y-BGS-0001/data/notes/100% checked.txt 1773446400 0 0 0o644\n"))
        #expect(python.output.hasPrefix("Z109-WS·2011-Y-BGS-0001 1773446400 0 0 0o755\n"))
    }

    @Test func timestampsFromBaggingDate() {
        #expect(BagTarWriter.timestamp(baggingDate: "1970-01-01") == 0)
        #expect(BagTarWriter.timestamp(baggingDate: "2026-03-14") == 1_773_446_400)
        #expect(BagTarWriter.timestamp(baggingDate: "2000-02-29") == 951_782_400)
        #expect(BagTarWriter.timestamp(baggingDate: "not a date") == 0)
        #expect(BagTarWriter.timestamp(baggingDate: nil) == 0)
    }

    @Test func paxRecordsCountTheirOwnLength() {
        let record = TarHeader.paxRecord("path", Array("a".utf8))
        #expect(String(decoding: record, as: UTF8.self) == "9 path=a\n")  // the 9 counts itself
        let long = TarHeader.paxRecord("path", Array(String(repeating: "x", count: 95).utf8))
        #expect(String(decoding: long, as: UTF8.self).hasPrefix("105 path="))
        #expect(long.count == 105)
    }
}
