public import QuireCore
import CConfinedOpen
public import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A folder opened once, whose files and subfolders are opened, listed and examined only relative to that
/// descriptor, never by a path that could lead out of it: what `quire verify` reads a bag through.
///
/// Every open goes through Linux's `openat2(2)` with `RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS`: the kernel
/// resolves the path, symbolic links included, and refuses (`EXDEV`) any step that would leave the folder —
/// an absolute link, a `..` above it, a link whose target lies outside, at any depth. A link that stays inside
/// still works. Nothing outside is opened, not even to look at it, so the check cannot be raced by swapping a
/// folder for a link between a check and an open.
///
/// Where `openat2` is missing (Linux before 5.6) or refused (a seccomp filter: `ENOSYS` or `EPERM` when the
/// folder is opened), the folder falls back to walking each path one component at a time with
/// `openat(O_NOFOLLOW)` and refuses every symbolic link, even one that would stay inside: safe, and stricter.
///
/// ```swift
/// let bag = try ConfinedFolder(path: "/transfer/0026-003-0045")
/// let declaration = try bag.contents(of: "bagit.txt")
/// for entry in try bag.entries(in: "data") { print(entry.name, entry.kind) }
/// ```
///
/// A `ConfinedFolder` owns its descriptor, closed when the value is released; its methods are safe to call from
/// several threads at once (each call opens and closes its own descriptors).
public final class ConfinedFolder: Sendable {
    /// The folder's path as given, for messages only: nothing is ever opened by it again.
    public let path: String
    /// How paths beneath the folder are resolved.
    public let resolution: Resolution
    private let descriptor: Int32

    /// How a ``ConfinedFolder`` resolves paths beneath it.
    public enum Resolution: Sendable, Equatable {
        /// The kernel resolves each path with `openat2(RESOLVE_BENEATH)`: links that stay inside are followed.
        case kernel
        /// One component at a time with `openat(O_NOFOLLOW)`; every symbolic link is refused.
        case componentWalk
    }

    /// What a listed or examined entry is (`file`, `folder`, `symbolicLink`, `other`).
    public typealias Kind = DirectoryListing.Kind

    /// One entry of a listed folder, as it is (a link is not followed).
    public struct Entry: Sendable, Equatable {
        /// The name within its folder.
        public var name: String
        /// What the entry is: file, folder, symbolic link or other (a link is not followed).
        public var kind: Kind
        /// Size in bytes (of the link itself for a link).
        public var size: UInt64
    }

    /// A regular file opened for reading; closed when the value is released.
    public struct OpenFile: ~Copyable {
        /// The descriptor, valid while this value lives; read it, do not close it.
        public let descriptor: Int32
        /// Its size when opened.
        public let size: UInt64

        deinit { close(descriptor) }
    }

    /// Opens the folder at `path` (a link naming the folder itself is followed: the caller chose it).
    public convenience init(path: String) throws(ConfinedFolderError) {
        try self.init(path: path, resolution: nil)
    }

    /// Opens the folder at `path`, with `resolution` forced (tests use `.componentWalk` to exercise the fallback);
    /// `nil` probes the kernel.
    public init(path: String, resolution: Resolution?) throws(ConfinedFolderError) {
        let fd = Syscall.retrying { Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0 else { throw ConfinedFolderError(path: "", cause: .system(operation: "open \(path)", code: errno)) }
        self.path = path
        descriptor = fd
        if let resolution {
            self.resolution = resolution
        } else {
            let probe = qc_open_beneath(fd, ".", qc_o_path | O_CLOEXEC)
            let code = errno
            if probe >= 0 { close(probe) }
            self.resolution = probe < 0 && (code == ENOSYS || code == EPERM) ? .componentWalk : .kernel
        }
    }

    deinit { close(descriptor) }

    // MARK: - Reading

    /// Opens the regular file at `relative` (bag-relative, `/`-separated) for reading.
    public func openFile(_ relative: String) throws(ConfinedFolderError) -> OpenFile {
        // O_NONBLOCK: opening a FIFO planted in a bag must not hang; it is refused below as not a regular file.
        let fd = try descriptor(for: relative, flags: O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw ConfinedFolderError(path: relative, cause: .system(operation: "fstat", code: code))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw ConfinedFolderError(path: relative, cause: .notRegularFile)
        }
        return OpenFile(descriptor: fd, size: UInt64(info.st_size))
    }

    /// The whole content of the regular file at `relative`; at most `limit` bytes, or ``ConfinedFolderError``
    /// `tooLarge`.
    public func contents(of relative: String, limit: UInt64 = 256 << 20) throws(ConfinedFolderError) -> Data {
        let file = try openFile(relative)
        guard file.size <= limit else {
            throw ConfinedFolderError(path: relative, cause: .tooLarge(size: file.size, limit: limit))
        }
        var data = Data(count: Int(file.size))
        var used = 0
        while true {
            if used == data.count {
                guard UInt64(used) < limit else { break }
                data.count += 64 << 10  // the file grew since fstat
            }
            let read = data.withUnsafeMutableBytes { (raw) -> Result<Int, SystemCallError> in
                Result { () throws(SystemCallError) in
                    try Syscall.read(file.descriptor, into: UnsafeMutableRawBufferPointer(rebasing: raw[used...]))
                }
            }
            let n: Int
            switch read {
            case .success(let count): n = count
            case .failure(let error):
                throw ConfinedFolderError(path: relative, cause: .system(operation: "read", code: error.code))
            }
            if n == 0 { break }
            used += n
        }
        data.count = used
        return data
    }

    // MARK: - Listing and examining

    /// The entries of the folder at `relative` (`""` for the folder itself), without `.` and `..`, in the
    /// order the file system gives; links are listed as links, not followed.
    public func entries(in relative: String) throws(ConfinedFolderError) -> [Entry] {
        let fd = try descriptor(for: relative.isEmpty ? "." : relative, flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        let listed: [DirectoryListing.Entry]
        do throws(SystemCallError) { listed = try DirectoryListing.entries(ofFolderAt: fd) } catch {
            throw ConfinedFolderError(path: relative, cause: .system(operation: error.call, code: error.code))
        }
        var entries: [Entry] = []
        for entry in listed {
            if let failure = entry.failure {
                if failure.code == ENOENT { continue }  // removed since it was listed
                throw ConfinedFolderError(path: relative, cause: .system(operation: failure.call, code: failure.code))
            }
            entries.append(
                Entry(name: String(decoding: entry.bytes, as: UTF8.self), kind: entry.kind ?? .other, size: entry.size))
        }
        return entries
    }

    /// What `relative` is once links that stay inside are followed (a `.symbolicLink` only in component-walk
    /// mode, which follows none), and its size; throws when it is absent or leads out of the folder. Opens
    /// nothing for reading (`qc_o_path`).
    public func status(of relative: String) throws(ConfinedFolderError) -> (kind: Kind, size: UInt64) {
        let fd = try descriptor(for: relative, flags: qc_o_path | O_CLOEXEC)
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw ConfinedFolderError(path: relative, cause: .system(operation: "fstat", code: errno))
        }
        return (DirectoryListing.kind(mode: UInt32(info.st_mode)), UInt64(info.st_size))
    }

    // MARK: - Resolution

    /// A descriptor for `relative` opened with `flags`, resolved beneath the folder.
    private func descriptor(for relative: String, flags: Int32) throws(ConfinedFolderError) -> Int32 {
        switch resolution {
        case .kernel:
            let fd = qc_open_beneath(descriptor, relative, flags)
            if fd >= 0 { return fd }
            let code = errno
            if code == EXDEV { throw ConfinedFolderError(path: relative, cause: escapeCause(relative)) }
            throw ConfinedFolderError(path: relative, cause: .system(operation: "openat2", code: code))
        case .componentWalk:
            return try walk(relative, flags: flags)
        }
    }

    /// The fallback: each component opened with `openat(O_NOFOLLOW)` from the one before; any link is refused.
    private func walk(_ relative: String, flags: Int32) throws(ConfinedFolderError) -> Int32 {
        let parts = relative.split(separator: "/").filter { $0 != "." }
        if parts.contains("..") || relative.hasPrefix("/") {
            throw ConfinedFolderError(path: relative, cause: .leavesFolder(link: nil, target: nil))
        }
        var current = Syscall.retrying { openat(descriptor, ".", qc_o_path | O_DIRECTORY | O_CLOEXEC) }
        guard current >= 0 else { throw ConfinedFolderError(path: relative, cause: .system(operation: "openat", code: errno)) }
        for (index, part) in parts.enumerated() {
            let last = index == parts.count - 1
            let stepFlags = last ? flags | O_NOFOLLOW : qc_o_path | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
            let next = Syscall.retrying { openat(current, String(part), stepFlags) }
            let code = errno
            var info = stat()
            let isLink =
                next < 0
                ? fstatat(current, String(part), &info, AT_SYMLINK_NOFOLLOW) == 0 && info.st_mode & S_IFMT == S_IFLNK
                : fstat(next, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
            close(current)
            if isLink {
                if next >= 0 { close(next) }
                let link = parts[...index].joined(separator: "/")
                throw ConfinedFolderError(path: relative, cause: .linkRefused(link: link))
            }
            guard next >= 0 else { throw ConfinedFolderError(path: relative, cause: .system(operation: "openat", code: code)) }
            current = next
        }
        if parts.isEmpty && flags & qc_o_path == 0 {
            // The folder itself, opened for reading (a listing of the root).
            let reopened = Syscall.retrying { openat(current, ".", flags) }
            let code = errno
            close(current)
            guard reopened >= 0 else {
                throw ConfinedFolderError(path: relative, cause: .system(operation: "openat", code: code))
            }
            return reopened
        }
        return current
    }

    /// Which link on the way to `relative` leads out, and its text, read from the link itself (never followed).
    private func escapeCause(_ relative: String) -> ConfinedFolderError.Cause {
        let parts = relative.split(separator: "/")
        for end in parts.indices {
            let prefix = parts[...end].joined(separator: "/")
            let following = qc_open_beneath(descriptor, prefix, qc_o_path | O_CLOEXEC)
            if following >= 0 {
                close(following)
                continue
            }
            guard errno == EXDEV else { break }
            // This prefix leads out: if it is itself a link (the ones before it stay inside), name it.
            let link = qc_open_beneath(descriptor, prefix, qc_o_path | O_NOFOLLOW | O_CLOEXEC)
            guard link >= 0 else { return .leavesFolder(link: nil, target: nil) }
            defer { close(link) }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlinkat(link, "", &buffer, buffer.count - 1)
            let target = n > 0 ? String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
            return .leavesFolder(link: target == nil ? nil : prefix, target: target)
        }
        return .leavesFolder(link: nil, target: nil)
    }
}

/// Why a ``ConfinedFolder`` would not open, list or examine a path: the path (relative to the folder) and the
/// cause.
public struct ConfinedFolderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path asked for, relative to the folder (`""` for the folder itself).
    public var path: String
    /// Why the path was refused or could not be reached.
    public var cause: Cause

    /// Why a path could not be opened, listed or examined.
    public enum Cause: Sendable, Equatable {
        /// Resolving the path would leave the folder; `link` is the bag-relative link that leads out and
        /// `target` its text, when they could be told.
        case leavesFolder(link: String?, target: String?)
        /// The component-walk fallback met a symbolic link (`link`, bag-relative) and refused to follow it.
        case linkRefused(link: String)
        /// Not a regular file (a folder, a FIFO, a device…).
        case notRegularFile
        /// Larger than the caller would read whole.
        case tooLarge(size: UInt64, limit: UInt64)
        /// A system call failed: which, and `errno`.
        case system(operation: String, code: Int32)
    }

    /// Whether the path leads outside the folder (or, in component-walk mode, through a link).
    public var leavesFolder: Bool {
        switch cause {
        case .leavesFolder, .linkRefused: true
        default: false
        }
    }

    /// Whether the path does not exist.
    public var isMissing: Bool {
        if case .system(_, let code) = cause { return code == ENOENT || code == ENOTDIR }
        return false
    }

    /// A sentence naming the path, and for a link that leads out of the bag, the link and its target.
    public var description: String {
        switch cause {
        case .leavesFolder(let link?, let target?) where link == path:
            "\(path) is a symbolic link to \(target), which leads outside the bag"
        case .leavesFolder(let link?, let target?):
            "\(path) is reached through \(link), a symbolic link to \(target), which leads outside the bag"
        case .leavesFolder:
            "\(path) leads outside the bag through a symbolic link"
        case .linkRefused(let link):
            "\(path) is reached through the symbolic link \(link), which this system cannot follow safely (no openat2)"
        case .notRegularFile:
            "\(path) is not a regular file"
        case .tooLarge(let size, let limit):
            "\(path) is \(size) bytes, more than the \(limit) read whole"
        case .system(let operation, let code):
            "\(path.isEmpty ? "the bag folder" : path): \(operation): \(String(cString: strerror(code)))"
        }
    }
}
