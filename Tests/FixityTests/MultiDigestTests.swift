import Fixity
import Foundation
import QuireTestSupport
import Testing

@Suite struct MultiDigestTests {
    /// Runs a coreutils tool on a file and returns the hex it prints.
    func coreutils(_ tool: String, _ path: String) throws -> String {
        String(try Program.run("/usr/bin/\(tool)", [path]).text.prefix { $0 != " " })
    }

    @Test(arguments: [0, 1, 63, 64, 65, 111, 112, 127, 128, 129, 1000, 1 << 20, (1 << 20) + 7, 3_000_001])
    func onePassDigestsEqualCoreutils(length: Int) throws {
        // Random bytes and pieces from a seeded generator: every failure names the seed that replays it.
        let seed = TestSeed()
        var rng = seed.generator()
        let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let path = NSTemporaryDirectory() + "quire-digest-\(UUID().uuidString)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ours = try FileDigester.digest(path: path, algorithms: [.sha256, .sha512, .md5, .sm3])
        #expect(ours[.sha256] == (try coreutils("sha256sum", path)), "\(seed)")
        #expect(ours[.sha512] == (try coreutils("sha512sum", path)), "\(seed)")
        #expect(ours[.md5] == (try coreutils("md5sum", path)), "\(seed)")
        #expect(ours[.sm3] == hex(SM3.hash(data: bytes)), "\(seed)")
        // Fed in uneven pieces, the same digests.
        var pieces = MultiDigest([.sha256, .sha512, .md5, .sm3])
        var offset = 0
        while offset < bytes.count {
            let n = min(bytes.count - offset, Int.random(in: 1...70_000, using: &rng))
            pieces.update(bytes[offset..<offset + n])
            offset += n
        }
        #expect(pieces.finalize() == ours, "\(seed)")
    }

    @Test func aMissingFileIsAnErrorNamingIt() {
        let error = #expect(throws: FixityError.self) { try FileDigester.digest(path: "/no/such/file", algorithms: [.sha256]) }
        #expect(error?.path == "/no/such/file")
        #expect(error?.reason.isEmpty == false)
    }
}
