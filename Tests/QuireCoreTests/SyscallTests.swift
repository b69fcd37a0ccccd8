import Foundation
import QuireCore
import Testing

@Suite struct SyscallTests {
    /// A call interrupted by a signal is made again; any other failure is returned at once, errno kept.
    @Test func retryingRepeatsOnlyInterruptedCalls() {
        var calls = 0
        let result = Syscall.retrying { () -> Int32 in
            calls += 1
            if calls < 3 {
                errno = EINTR
                return -1
            }
            return 7
        }
        #expect(result == 7)
        #expect(calls == 3)

        calls = 0
        let failed = Syscall.retrying { () -> Int in
            calls += 1
            errno = EACCES
            return -1
        }
        #expect(failed == -1)
        #expect(errno == EACCES)
        #expect(calls == 1)
    }

    /// `write` writes everything, `pread` fills its buffer from an offset and stops short only at the end of the
    /// file, `read` reads on from the file's offset and gives 0 at its end.
    @Test func readsAndWritesThroughADescriptor() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/bytes"
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        try #require(fd >= 0)
        defer { close(fd) }
        try bytes.withUnsafeBytes { try Syscall.write(fd, $0) }

        var middle = [UInt8](repeating: 0, count: 1000)
        let got = try middle.withUnsafeMutableBytes { try Syscall.pread(fd, into: $0, at: 5000) }
        #expect(got == 1000)
        #expect(middle == Array(bytes[5000..<6000]))

        var tail = [UInt8](repeating: 0, count: 1000)
        let short = try tail.withUnsafeMutableBytes { try Syscall.pread(fd, into: $0, at: 99_500) }
        #expect(short == 500)
        #expect(Array(tail[..<500]) == Array(bytes[99_500...]))

        #expect(lseek(fd, 0, SEEK_SET) == 0)
        var all: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try Syscall.read(fd, into: $0) }
            if n == 0 { break }
            all += chunk[..<n]
        }
        #expect(all == bytes)
    }

    /// A write to a full device fails with its errno, which ``DiskFull`` takes for a full disk; other failures
    /// are not.
    @Test func aFullDeviceIsADiskFull() throws {
        let fd = open("/dev/full", O_WRONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        let bytes = [UInt8](repeating: 7, count: 4096)
        var caught: SystemCallError?
        do { try bytes.withUnsafeBytes { try Syscall.write(fd, $0) } } catch let error as SystemCallError { caught = error }
        let failure = try #require(caught)
        #expect(failure.code == ENOSPC)
        #expect(DiskFull.isCause(errno: failure.code))
        #expect(DiskFull.isCause(errno: EDQUOT))
        #expect(!DiskFull.isCause(errno: EACCES))
        #expect(!DiskFull.isCause(errno: EIO))
    }

    /// A failed call throws its name and errno.
    @Test func failuresCarryTheCallAndErrno() {
        var buffer = [UInt8](repeating: 0, count: 8)
        #expect(throws: SystemCallError(call: "read", code: EBADF)) {
            _ = try buffer.withUnsafeMutableBytes { try Syscall.read(-1, into: $0) }
        }
        #expect(throws: SystemCallError(call: "pread", code: EBADF)) {
            _ = try buffer.withUnsafeMutableBytes { try Syscall.pread(-1, into: $0, at: 0) }
        }
        #expect(throws: SystemCallError(call: "write", code: EBADF)) {
            try buffer.withUnsafeBytes { try Syscall.write(-1, $0) }
        }
        #expect(SystemCallError(call: "read", code: EBADF).underlying.code == EBADF)
    }
}

@Suite struct DirectoryListingTests {
    /// Files, folders and links are listed as they are (a link is not followed), without `.` and `..`; a name
    /// that is no UTF-8 keeps its bytes; the descriptor is taken over and closed.
    @Test func listsEntriesAsTheyAre() throws {
        let folder = try TemporaryFolder()
        try Data("four".utf8).write(to: URL(fileURLWithPath: folder.path + "/file.tif"))
        try FileManager.default.createDirectory(atPath: folder.path + "/sub", withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/link", withDestinationPath: "/etc")
        let rawName: [UInt8] = Array(folder.path.utf8) + [0x2F, 0x61, 0xFF, 0x62, 0]
        let rawFD = rawName.withUnsafeBufferPointer { raw in
            raw.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600) }
        }
        try #require(rawFD >= 0)
        close(rawFD)

        let opened = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        try #require(opened >= 0)
        // A number of its own range (see aFileIsNoFolder), so no other thread's open reuses it before the check.
        let fd = fcntl(opened, F_DUPFD_CLOEXEC, 950)
        close(opened)
        try #require(fd >= 950)
        let entries = try DirectoryListing.entries(ofFolderAt: fd)
        #expect(fcntl(fd, F_GETFD) == -1, "the descriptor was left open")

        let byName = Dictionary(uniqueKeysWithValues: entries.map { ($0.bytes, $0) })
        #expect(entries.count == 4)
        #expect(byName[Array("file.tif".utf8)]?.kind == .file)
        #expect(byName[Array("file.tif".utf8)]?.size == 4)
        #expect(byName[Array("sub".utf8)]?.kind == .folder)
        #expect(byName[Array("link".utf8)]?.kind == .symbolicLink)
        let odd = try #require(byName[[0x61, 0xFF, 0x62]])
        #expect(odd.name == nil)
        #expect(odd.kind == .file)
        #expect(byName[Array("file.tif".utf8)]?.mtimeNanoseconds ?? 0 > 0)
    }

    /// A descriptor that is no folder is refused, and closed all the same.
    @Test func aFileIsNoFolder() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/plain"
        try Data("x".utf8).write(to: URL(fileURLWithPath: path))
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        try #require(opened >= 0)
        // Moved to a high number no other test's thread will be given meanwhile (the kernel hands out the lowest
        // free one; the other such test takes 950 and up): whether the listing closed it is then this descriptor's
        // state alone, not a reused number's.
        let fd = fcntl(opened, F_DUPFD_CLOEXEC, 900)
        close(opened)
        try #require(fd >= 900)
        #expect(throws: SystemCallError(call: "fdopendir", code: ENOTDIR)) { try DirectoryListing.entries(ofFolderAt: fd) }
        #expect(fcntl(fd, F_GETFD) == -1)
    }
}

/// A folder under the system's temporary folder, removed with the value.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "quire-core-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
