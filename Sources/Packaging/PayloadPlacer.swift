import QuireCore
import DurableIO
import Foundation

/// Puts one payload file into a partial bag by hard link or by copy, and checks its size.
enum PayloadPlacer {
    /// Places `file` at `target`; returns `true` when it was hard-linked, `false` when copied.
    static func place(_ file: PayloadFile, at target: String, placement: PayloadPlacement) throws(BagWriteError) -> Bool {
        var info = stat()
        guard stat(file.source, &info) == 0 else {
            throw .invalidPayload(
                bagPath: file.bagPath, reason: "cannot read source \(file.source): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw .invalidPayload(bagPath: file.bagPath, reason: "source \(file.source) is not a regular file")
        }
        guard UInt64(info.st_size) == file.size else {
            throw .sizeMismatch(bagPath: file.bagPath, expected: file.size, actual: UInt64(info.st_size))
        }
        if placement == .hardLinkWhenPossible {
            if link(file.source, target) == 0 {
                try checkSize(file, target)
                try syncContent(target)  // the source may not be durable yet; the bag must be
                return true
            }
            let failure = errno
            guard [EXDEV, EPERM, EMLINK, ENOTSUP, EACCES].contains(failure) else {
                throw .io(DurableFileError(path: target, operation: "link", errno: failure))
            }
        }
        try copy(file, to: target)
        try checkSize(file, target)
        return false
    }

    private static func checkSize(_ file: PayloadFile, _ target: String) throws(BagWriteError) {
        var info = stat()
        guard stat(target, &info) == 0 else { throw .io(DurableFileError(path: target, operation: "stat", errno: errno)) }
        guard UInt64(info.st_size) == file.size else {
            throw .sizeMismatch(bagPath: file.bagPath, expected: file.size, actual: UInt64(info.st_size))
        }
    }

    private static func syncContent(_ path: String) throws(BagWriteError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(DurableFileError(path: path, operation: "open", errno: errno)) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .io(DurableFileError(path: path, operation: "fsync", errno: errno)) }
    }

    /// Copies the bytes and fsyncs the copy.
    private static func copy(_ file: PayloadFile, to target: String) throws(BagWriteError) {
        let input = open(file.source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw .io(DurableFileError(path: file.source, operation: "open", errno: errno)) }
        defer { close(input) }
        let output = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw .io(DurableFileError(path: target, operation: "create", errno: errno)) }
        defer { close(output) }
        let size = 4 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 4096)
        defer { buffer.deallocate() }
        while true {
            let n: Int
            do throws(SystemCallError) { n = try Syscall.read(input, into: buffer) } catch {
                throw .io(DurableFileError(path: file.source, operation: "read", errno: error.code))
            }
            if n == 0 { break }
            do throws(SystemCallError) { try Syscall.write(output, UnsafeRawBufferPointer(rebasing: buffer[0..<n])) } catch {
                throw .io(DurableFileError(path: target, operation: "write", errno: error.code))
            }
        }
        guard fsync(output) == 0 else { throw .io(DurableFileError(path: target, operation: "fsync", errno: errno)) }
    }
}
