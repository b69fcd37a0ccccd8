#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one way Quire lists a folder, under both of its walks (a delivery, a bag's payload and tag files): by
/// descriptor (`fdopendir`), each name read from its `dirent` in place up to its NUL (glibc allocates a record
/// only as long as its name, so copying the declared 256-byte field could read past it) and kept as bytes, each
/// entry examined with `fstatat(AT_SYMLINK_NOFOLLOW)` relative to the folder — a link is listed as a link, never
/// followed. What a walk does with links, names that are no UTF-8, and subfolders stays with the walk.
///
/// ```swift
/// let fd = Syscall.retrying { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
/// for entry in try DirectoryListing.entries(ofFolderAt: fd) { print(entry.name ?? "(no UTF-8)", entry.kind) }
/// ```
public enum DirectoryListing {
    /// What an entry is, as it is (a link not followed).
    public enum Kind: Sendable, Equatable {
        case file, folder, symbolicLink, other
    }

    /// One entry of a folder.
    public struct Entry: Sendable, Equatable {
        /// The name's bytes, as the file system holds them.
        public var bytes: [UInt8]
        /// What it is; `nil` when `fstatat` failed (``failure`` says why).
        public var kind: Kind?
        /// Size in bytes (of the link itself for a link).
        public var size: UInt64
        /// Modification time, nanoseconds since 1970.
        public var mtimeNanoseconds: Int64
        /// Why it could not be examined (`fstatat`'s errno: `ENOENT` when it was removed since it was listed).
        public var failure: SystemCallError?

        /// The name, when it is valid UTF-8.
        public var name: String? { String(validating: bytes, as: UTF8.self) }
    }

    /// The entries of the folder open at `descriptor`, without `.` and `..`, in the order the file system gives.
    /// Takes `descriptor` over: it is closed when this returns or throws.
    public static func entries(ofFolderAt descriptor: Int32) throws(SystemCallError) -> [Entry] {
        guard let dir = fdopendir(descriptor) else {
            let code = errno
            close(descriptor)
            throw SystemCallError(call: "fdopendir", code: code)
        }
        defer { closedir(dir) }
        let listed = dirfd(dir)
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        var entries: [Entry] = []
        while true {
            errno = 0
            guard let record = readdir(dir) else {
                if errno != 0 { throw SystemCallError(call: "readdir", code: errno) }
                break
            }
            let name = UnsafeRawPointer(record).advanced(by: nameOffset).assumingMemoryBound(to: CChar.self)
            let length = strnlen(name, 256)
            if (length == 1 && name[0] == 0x2E) || (length == 2 && name[0] == 0x2E && name[1] == 0x2E) { continue }
            let bytes = Array(UnsafeRawBufferPointer(start: name, count: length))
            var info = stat()
            guard fstatat(listed, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                let failure = SystemCallError(call: "fstatat", code: errno)
                entries.append(Entry(bytes: bytes, kind: nil, size: 0, mtimeNanoseconds: 0, failure: failure))
                continue
            }
            entries.append(
                Entry(
                    bytes: bytes, kind: kind(mode: UInt32(info.st_mode)), size: UInt64(info.st_size),
                    mtimeNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec), failure: nil))
        }
        return entries
    }

    /// The kind of a `stat` mode (`st_mode`).
    public static func kind(mode: UInt32) -> Kind {
        switch mode_t(truncatingIfNeeded: mode) & S_IFMT {
        case S_IFREG: .file
        case S_IFDIR: .folder
        case S_IFLNK: .symbolicLink
        default: .other
        }
    }
}
