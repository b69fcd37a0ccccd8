public import QuireCore
import Foundation

/// Streams a file once through every requested digest, in 1 MiB reads.
public enum FileDigester {
    /// Digests of the file at `path`.
    public static func digest(path: String, algorithms: [DigestAlgorithm]) throws(FixityError) -> [DigestAlgorithm: String] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FixityError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        return try digest(fd: fd, path: path, algorithms: algorithms)
    }

    /// Digests of the file open at `fd` from its current offset to its end; `path` names it in errors.
    public static func digest(fd: Int32, path: String, algorithms: [DigestAlgorithm]) throws(FixityError) -> [DigestAlgorithm: String] {
        var digest = MultiDigest(algorithms)
        let size = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, size)
            if n < 0 {
                if errno == EINTR { continue }
                throw FixityError(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            digest.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        return digest.finalize()
    }
}

/// A file that could not be digested.
public struct FixityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// What went wrong.
    public var reason: String

    /// Makes an error.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot digest \(path): \(reason)" }
}
