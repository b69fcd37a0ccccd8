#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one place Swift code retries a system call that a signal interrupted (`EINTR`), and reads or writes
/// through a descriptor until done. Every module that calls `read`, `pread`, `write`, `open`, `wait4`… on its
/// own goes through here, so no module keeps an `EINTR` loop of its own.
///
/// ```swift
/// let fd = Syscall.retrying { open(path, O_RDONLY | O_CLOEXEC) }
/// let n = try Syscall.read(fd, into: buffer)   // 0 at the end of the file
/// ```
public enum Syscall {
    /// Runs `call` again for as long as it fails with `EINTR`, and returns its last result (negative on failure,
    /// with `errno` set).
    public static func retrying<Result: SignedInteger>(_ call: () -> Result) -> Result {
        while true {
            let result = call()
            if result < 0 && errno == EINTR { continue }
            return result
        }
    }

    /// Whether a process with this pid runs on this machine (`kill(pid, 0)`: it exists, or exists and is not ours
    /// to signal). Says nothing about processes of other machines.
    public static func processExists(_ pid: Int32) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }

    /// What `path` names, links followed (`stat(2)`): nil when nothing can be found there, else whether it is a
    /// regular file (not a folder, FIFO, socket or device, which a reader could block on or misread).
    public static func isRegularFile(_ path: String) -> Bool? {
        var info = stat()
        guard retrying({ stat(path, &info) }) == 0 else { return nil }
        return info.st_mode & S_IFMT == S_IFREG
    }

    /// One `read(2)` of at most `buffer.count` bytes, retried on `EINTR`: the bytes read, 0 at the end of the file.
    public static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SystemCallError) -> Int {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        let n = retrying { systemRead(descriptor, base, buffer.count) }
        guard n >= 0 else { throw SystemCallError(call: "read", code: errno) }
        return n
    }

    /// Fills `buffer` from `offset` with `pread(2)`, as many calls as it takes: the bytes read, fewer than
    /// `buffer.count` only when the file ends first.
    public static func pread(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64)
        throws(SystemCallError) -> Int
    {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = retrying { systemPread(descriptor, base + done, buffer.count - done, off_t(offset) + off_t(done)) }
            guard n >= 0 else { throw SystemCallError(call: "pread", code: errno) }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Writes all of `bytes` with `write(2)`, as many calls as it takes.
    public static func write(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemCallError) {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = retrying { systemWrite(descriptor, base + done, bytes.count - done) }
            guard n >= 0 else { throw SystemCallError(call: "write", code: errno) }
            done += n
        }
    }
}

// At file scope, where the C functions are not hidden by `Syscall`'s members of the same names.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }

private func systemPread(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int, _ offset: off_t) -> Int {
    pread(fd, buffer, count, offset)
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }

/// A system call that failed: which one and its `errno`.
public struct SystemCallError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call (`read`, `pread`, `write`…).
    public var call: String
    /// Its `errno`.
    public var code: Int32

    /// Makes an error.
    public init(call: String, code: Int32) {
        self.call = call
        self.code = code
    }

    /// The system's words for ``code`` (`strerror`).
    public var message: String { String(cString: strerror(code)) }

    /// The failure as ``QuireError/Underlying`` (source `errno`).
    public var underlying: QuireError.Underlying { .init(source: "errno", code: code, message: message) }

    /// `call: message`.
    public var description: String { "\(call): \(message)" }
}
