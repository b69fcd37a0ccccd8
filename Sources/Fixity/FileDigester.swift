public import QuireCore
public import Foundation

/// Streams a file once through every requested digest: the one read-and-hash loop (``stream(_:into:chunk:keeping:slice:grow:update:)``)
/// under every digest Quire takes of a file — the checksum stage's, the importer's, the bag verifier's.
public enum FileDigester {
    /// Digests of the file at `path`.
    public static func digest(path: String, algorithms: [DigestAlgorithm]) throws(FixityError) -> [DigestAlgorithm: String] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FixityError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        return try digest(fd: fd, path: path, algorithms: algorithms)
    }

    /// Digests of the file open at `fd` from its current offset to its end, in 1 MiB reads; `path` names it in errors.
    public static func digest(fd: Int32, path: String, algorithms: [DigestAlgorithm]) throws(FixityError) -> [DigestAlgorithm:
        String]
    {
        var digest = MultiDigest(algorithms)
        let size = 1 << 20
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
        defer { buffer.deallocate() }
        do throws(FileDigester.StreamFailure) {
            _ = try stream(fd, into: &buffer, chunk: size) { digest.update($0) }
        } catch {
            throw FixityError(path: path, reason: error.cause.message)
        }
        return digest.finalize()
    }

    /// Reads the file at `path` whole, digesting it as it reads: its bytes and digests.
    public static func readWhole(path: String, algorithms: [DigestAlgorithm]) throws(FixityError) -> (
        bytes: Data, digests: [DigestAlgorithm: String]
    ) {
        let fd = Syscall.retrying { open(path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { throw FixityError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FixityError(path: path, reason: String(cString: strerror(errno))) }
        return try readWhole(fd: fd, path: path, size: Int64(info.st_size), algorithms: algorithms)
    }

    /// Reads the file open at `fd` whole, from its start, digesting it as it reads: its bytes and digests. `size`
    /// is what it is expected to hold (a file that grew or shrank since is read as it is now); `path` names it in
    /// errors.
    public static func readWhole(fd: Int32, path: String, size: Int64, algorithms: [DigestAlgorithm]) throws(FixityError) -> (
        bytes: Data, digests: [DigestAlgorithm: String]
    ) {
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw FixityError(path: path, reason: String(cString: strerror(errno))) }
        var digest = MultiDigest(algorithms)
        // One byte more than the file, so that the read that finds its end needs no bigger buffer.
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Int(clamping: max(0, size)) + 1, alignment: 64)
        let used: Int
        do throws(StreamFailure) {
            used = try stream(
                fd, into: &buffer, chunk: .max, keeping: true,
                grow: { old, used in
                    let grown = UnsafeMutableRawBufferPointer.allocate(
                        byteCount: old.count + max(1 << 16, old.count / 2), alignment: 64)
                    grown.copyMemory(from: UnsafeRawBufferPointer(rebasing: old[0..<used]))
                    old.deallocate()
                    return grown
                }
            ) { digest.update($0) }
        } catch {
            buffer.deallocate()
            throw FixityError(path: path, reason: error.cause.message)
        }
        let bytes = Data(
            bytesNoCopy: buffer.baseAddress!, count: used, deallocator: .custom { pointer, _ in pointer.deallocate() })
        return (bytes, digest.finalize())
    }

    /// Reads the file open at `descriptor` from its current offset to its end, in reads of at most `chunk` bytes
    /// (retried on `EINTR`), and hands every byte read to `update`, in slices of at most `slice` bytes (small
    /// enough that a second digest fed the same slice finds it still in cache). Returns the bytes read.
    ///
    /// Without `keeping`, every read lands at the start of `buffer`. With `keeping`, the reads follow each other in
    /// `buffer`, which then holds the whole file: when it is full, `grow(buffer, used)` must return a larger one
    /// holding the same first `used` bytes (and release the old one); `buffer` is updated to it.
    public static func stream(
        _ descriptor: Int32, into buffer: inout UnsafeMutableRawBufferPointer, chunk: Int, keeping: Bool = false,
        slice: Int = .max,
        grow: (_ buffer: UnsafeMutableRawBufferPointer, _ used: Int) -> UnsafeMutableRawBufferPointer = { full, _ in full },
        update: (UnsafeRawBufferPointer) -> Void
    ) throws(StreamFailure) -> Int {
        var total = 0
        while true {
            let used = keeping ? total : 0
            if used == buffer.count {
                buffer = grow(buffer, used)
                precondition(buffer.count > used, "grow must return a larger buffer")
            }
            let target = UnsafeMutableRawBufferPointer(rebasing: buffer[used..<used + min(chunk, buffer.count - used)])
            let n: Int
            do throws(SystemCallError) { n = try Syscall.read(descriptor, into: target) } catch {
                throw StreamFailure(cause: error, bytesRead: total)
            }
            if n == 0 { break }
            var start = 0
            while start < n {
                let end = start + min(slice, n - start)
                update(UnsafeRawBufferPointer(rebasing: target[start..<end]))
                start = end
            }
            total += n
        }
        return total
    }

    /// A read that failed part way: why, and how many bytes were read (and digested) before.
    public struct StreamFailure: Error, Sendable, Equatable {
        /// The failed `read`.
        public var cause: SystemCallError
        /// The bytes read before it.
        public var bytesRead: Int
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

    /// `cannot digest <path>: <reason>`.
    public var description: String { "cannot digest \(path): \(reason)" }
}
