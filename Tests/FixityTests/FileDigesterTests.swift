import Fixity
import Foundation
import QuireCore
import Testing

@Suite struct FileDigesterTests {
    /// Bytes of a known pattern, written to a file of their own.
    private static func file(_ count: Int) throws -> (path: String, bytes: [UInt8]) {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }
        let path = NSTemporaryDirectory() + "quire-fixity-" + UUID().uuidString
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (path, bytes)
    }

    /// A file read whole with too small a size hint grows its buffer and keeps every byte; the digests taken as it
    /// read are those of the bytes.
    @Test func readWholeKeepsEveryByteAndDigestsThem() throws {
        let (path, bytes) = try Self.file(700_001)
        defer { unlink(path) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        let (data, digests) = try FileDigester.readWhole(fd: fd, path: path, size: 10, algorithms: [.sha256, .sm3])
        #expect(Array(data) == bytes)
        var expected = MultiDigest([.sha256, .sm3])
        bytes.withUnsafeBytes { expected.update($0) }
        #expect(digests == expected.finalize())
        #expect(try FileDigester.readWhole(path: path, algorithms: [.sha256]).digests[.sha256] == expected.finalize()[.sha256])
        #expect(try FileDigester.digest(path: path, algorithms: [.sha256])[.sha256] == expected.finalize()[.sha256])
    }

    /// Streaming hands over every byte once, in order, in slices of at most `slice` bytes from reads of at most
    /// `chunk` bytes, all into the start of the buffer when nothing is kept.
    @Test func streamSlicesEveryReadInOrder() throws {
        let (path, bytes) = try Self.file(50_000)
        defer { unlink(path) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 64)
        defer { buffer.deallocate() }
        let start = buffer.baseAddress
        var seen: [UInt8] = []
        var largest = 0
        let total = try FileDigester.stream(fd, into: &buffer, chunk: 4096, slice: 1000) { piece in
            largest = max(largest, piece.count)
            seen += piece
        }
        #expect(total == bytes.count)
        #expect(seen == bytes)
        #expect(largest == 1000)
        #expect(buffer.baseAddress == start)
    }

    /// A read that fails says which call, its errno and how much was read before.
    @Test func aFailedReadSaysWhy() {
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 64)
        defer { buffer.deallocate() }
        var caught: FileDigester.StreamFailure?
        do { _ = try FileDigester.stream(-1, into: &buffer, chunk: 64) { _ in } } catch { caught = error }
        #expect(caught?.cause == SystemCallError(call: "read", code: EBADF))
        #expect(caught?.bytesRead == 0)
        #expect(throws: FixityError.self) { try FileDigester.readWhole(path: "/nonexistent/quire", algorithms: [.sha256]) }
    }
}
