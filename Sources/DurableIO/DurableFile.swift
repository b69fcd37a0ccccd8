public import QuireCore
import Synchronization
public import Foundation

/// Writes files so that a reader never takes a half-written file for a finished one.
///
/// The order is always: write a temporary file beside the target (`.<name>.tmp-<pid>-<n>`), fsync it,
/// rename it over the target, fsync the folder. A crash leaves either the old file, the new file, or a
/// stray temporary that `removeStrayTemporaries(in:)` clears; never a truncated target.
///
/// ```swift
/// try DurableFile.write(Data(xml.utf8), to: "/ws/metadata/0026-003-0045/record.xml")
/// try DurableFile.produce(at: masterPath) { temporary in try TIFFEncoder.write(bitmap, to: temporary, options: o) }
/// ```
public enum DurableFile {
    /// Writes `data` to `path` durably, creating parent folders.
    public static func write(_ data: Data, to path: String) throws(DurableFileError) {
        try write(bytes: data, to: path)
    }

    /// Writes `bytes` (an array, `Data`, any contiguous bytes) to `path` durably, creating parent folders;
    /// an encoder's `[UInt8]` goes to the file as it is, with no copy into a `Data` first.
    public static func write(bytes data: some ContiguousBytes, to path: String) throws(DurableFileError) {
        try produce(at: path) { (temporary: String) throws(DurableFileError) in
            let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw DurableFileError(path: temporary, operation: "create", errno: errno) }
            defer { close(fd) }
            let failure: Int32? = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Int32? in
                do throws(SystemCallError) { try Syscall.write(fd, raw) } catch { return error.code }
                return nil
            }
            if let failure { throw DurableFileError(path: path, operation: "write", errno: failure) }
        }
    }

    /// Lets `body` write a temporary file by path (for encoders that open files themselves), then makes it
    /// durable and renames it to `path`. On any error the temporary is removed and the target untouched.
    public static func produce<E: Error>(at path: String, _ body: (String) throws(E) -> Void) throws(DurableFileError) {
        let folder = (path as NSString).deletingLastPathComponent
        try makeFolder(folder)
        let temporary = (folder as NSString).appendingPathComponent(
            ".\((path as NSString).lastPathComponent).tmp-\(getpid())-\(counter.next())")
        do {
            try body(temporary)
        } catch let error as DurableFileError {
            unlink(temporary)
            throw error
        } catch {
            unlink(temporary)
            // Encoders report a full disk in their own words; the free space tells the truth.
            if availableBytes(folder).map({ $0 < lowSpaceBytes }) ?? false {
                throw DurableFileError(path: path, operation: "write", errno: ENOSPC)
            }
            throw DurableFileError(path: path, operation: "produce", message: "\(error)")
        }
        let fd = open(temporary, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DurableFileError(path: temporary, operation: "reopen", errno: errno) }
        let synced = fsync(fd)
        let syncErrno = errno
        close(fd)
        guard synced == 0 else {
            unlink(temporary)
            throw DurableFileError(path: path, operation: "fsync", errno: syncErrno)
        }
        guard rename(temporary, path) == 0 else {
            let e = errno
            unlink(temporary)
            throw DurableFileError(path: path, operation: "rename", errno: e)
        }
        try syncFolder(folder)
    }

    /// Where a file that may not be kept is written first: beside `path`, under a temporary name that
    /// `removeStrayTemporaries(in:)` clears if the process dies. `publish(staged:to:)` renames it into place.
    public static func stagedPath(for path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return (folder as NSString).appendingPathComponent(".\((path as NSString).lastPathComponent).tmp-staged-\(getpid())")
    }

    /// Renames a file written durably to `stagedPath(for: path)` over `path`, and fsyncs the folder.
    public static func publish(staged: String, to path: String) throws(DurableFileError) {
        guard rename(staged, path) == 0 else { throw DurableFileError(path: path, operation: "rename", errno: errno) }
        try syncFolder((path as NSString).deletingLastPathComponent)
    }

    /// Free space under which a failed write is taken for a full disk.
    static let lowSpaceBytes: UInt64 = 8 << 20

    /// Bytes available to this user on the filesystem holding `folder`.
    public static func availableBytes(_ folder: String) -> UInt64? {
        var info = statvfs()
        guard statvfs(folder, &info) == 0 else { return nil }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }

    /// Creates `folder` and its parents, making each new folder entry durable.
    public static func makeFolder(_ folder: String) throws(DurableFileError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return }
            throw DurableFileError(path: folder, operation: "create folder", message: "a file of that name exists")
        }
        let parent = (folder as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != folder { try makeFolder(parent) }
        if mkdir(folder, 0o755) != 0 && errno != EEXIST {
            throw DurableFileError(path: folder, operation: "create folder", errno: errno)
        }
        if !parent.isEmpty { try syncFolder(parent) }
    }

    /// fsyncs a folder so renames and new entries in it survive a power cut.
    public static func syncFolder(_ folder: String) throws(DurableFileError) {
        let fd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw DurableFileError(path: folder, operation: "open folder", errno: errno) }
        defer { close(fd) }
        if fsync(fd) != 0 && errno != EINVAL { throw DurableFileError(path: folder, operation: "fsync folder", errno: errno) }
    }

    /// Removes temporaries left by a crashed writer under `folder` (recursively). Returns how many. A temporary
    /// whose writer (the pid in its name) is alive on this machine is never removed; in a workspace that other
    /// machines write too (a shared ledger), where a pid says nothing, pass `minimumAge` so that only temporaries
    /// left for that long are taken for strays.
    @discardableResult
    public static func removeStrayTemporaries(in folder: String, minimumAge: TimeInterval = 0) -> Int {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return 0 }
        var removed = 0
        let now = Date().timeIntervalSince1970
        while let name = walker.nextObject() as? String {
            let base = (name as NSString).lastPathComponent
            guard base.hasPrefix("."), let marker = base.range(of: ".tmp-") else { continue }
            let path = (folder as NSString).appendingPathComponent(name)
            // `.<name>.tmp-<pid>-<n>` or `.<name>.tmp-staged-<pid>`.
            let tail = base[marker.upperBound...]
            let pidText = tail.hasPrefix("staged-") ? tail.dropFirst("staged-".count) : tail.prefix { $0 != "-" }
            if let pid = Int32(pidText), pid == getpid() || Syscall.processExists(pid) { continue }
            if minimumAge > 0 {
                var info = stat()
                guard lstat(path, &info) == 0, now - Double(info.st_mtim.tv_sec) >= minimumAge else { continue }
            }
            if unlink(path) == 0 { removed += 1 }
        }
        return removed
    }

    private static let counter = Counter()
}

/// A thread-safe counter for unique temporary names within one process.
private final class Counter: Sendable {
    private let value = Synchronization.Atomic<Int>(0)
    func next() -> Int { value.add(1, ordering: .relaxed).newValue }
}

/// A durable write that failed: the path, the step, and the system's reason.
public struct DurableFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file or folder the failed step worked on.
    public var path: String
    /// The step that failed (`create`, `write`, `fsync`, `rename`, …).
    public var operation: String
    /// The system's reason (`strerror` of the errno), or the message given.
    public var message: String
    /// The errno, when the failure came from the system (ENOSPC for a full disk).
    public var code: Int32?

    /// Makes an error from an errno.
    public init(path: String, operation: String, errno: Int32) {
        self.path = path
        self.operation = operation
        self.message = String(cString: strerror(errno))
        self.code = errno
    }

    /// Makes an error with a message.
    public init(path: String, operation: String, message: String) {
        self.path = path
        self.operation = operation
        self.message = message
        self.code = nil
    }

    /// Whether the disk is full (or over quota).
    private var isDiskFull: Bool { code.map { DiskFull.isCause(errno: $0) } ?? false }

    /// The failure as ``DiskFull`` when the disk is full, else `nil`.
    public var diskFull: DiskFull? { isDiskFull ? DiskFull(description) : nil }

    /// `<operation> <path> failed: <message>`, with advice to free space when the disk is full.
    public var description: String {
        "\(operation) \(path) failed: \(message)"
            + (isDiskFull ? " — free some space and run the command again; finished work is kept" : "")
    }
}
