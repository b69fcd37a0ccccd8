import QuireCore
import DurableIO
import Foundation

/// Buffered writes to a tar file being built, with file contents streamed in and padded to 512 bytes.
struct TarOutput {
    let fd: Int32
    let path: String
    private(set) var written: UInt64 = 0

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    /// Writes bytes.
    mutating func write(_ bytes: [UInt8]) throws(DurableFileError) {
        var failure: DurableFileError?
        bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            do throws(DurableFileError) { try writeRaw(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    private mutating func writeRaw(_ raw: UnsafeRawBufferPointer) throws(DurableFileError) {
        do throws(SystemCallError) { try Syscall.write(fd, raw) } catch {
            throw DurableFileError(path: path, operation: "write", errno: error.code)
        }
        written += UInt64(raw.count)
    }

    /// Streams `size` bytes of the file at `source`, then pads to a 512-byte boundary.
    mutating func copy(from source: String, size: UInt64) throws(DurableFileError) {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw DurableFileError(path: source, operation: "open", errno: errno) }
        defer { close(input) }
        let chunk = 4 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 4096)
        defer { buffer.deallocate() }
        var remaining = size
        while remaining > 0 {
            let n: Int
            do throws(SystemCallError) {
                n = try Syscall.read(
                    input, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<Int(min(UInt64(chunk), remaining))]))
            } catch { throw DurableFileError(path: source, operation: "read", errno: error.code) }
            if n == 0 { throw DurableFileError(path: source, operation: "read", message: "the file shrank while being archived") }
            try writeRaw(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            remaining -= UInt64(n)
        }
        let pad = Int((512 - size % 512) % 512)
        if pad > 0 { try write([UInt8](repeating: 0, count: pad)) }
    }

    /// Writes the two zero blocks that end an archive and pads to a 10240-byte record, as tar does.
    mutating func finish() throws(DurableFileError) {
        try write([UInt8](repeating: 0, count: 1024))
        let pad = Int((10240 - written % 10240) % 10240)
        if pad > 0 { try write([UInt8](repeating: 0, count: pad)) }
    }
}
