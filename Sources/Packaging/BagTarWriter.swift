import QuireCore
import DurableIO
import Foundation

/// Serializes a finished bag folder to a POSIX tar file (ustar headers, with pax extended headers for long or
/// non-ASCII names and sizes over 8 GiB), deterministically: entries sorted by path bytes, every entry with the
/// same modification time (from `Bagging-Date`), uid/gid 0, no user or group names, mode 0755 for folders and
/// 0644 for files. The same bag always gives the same bytes.
///
/// The archive's top folder is the bag's name. The file is written durably (temporary, fsync, rename).
public enum BagTarWriter {
    /// Writes the bag at `bag` to `tarPath` with every entry's modification time set to `modificationTime`
    /// (seconds since 1970-01-01 UTC).
    public static func write(bag: String, to tarPath: String, modificationTime: Int64) throws(BagWriteError) {
        var root = bag
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        let top = (root as NSString).lastPathComponent
        var entries = [(relative: String, absolute: String, isFolder: Bool, size: UInt64)]()
        entries.append((top, root, true, 0))
        try collect(absolute: root, relative: top, into: &entries)
        entries.sort {
            Array(($0.relative + ($0.isFolder ? "/" : "")).utf8).lexicographicallyPrecedes(
                Array(($1.relative + ($1.isFolder ? "/" : "")).utf8))
        }

        do throws(DurableFileError) {
            try DurableFile.produce(at: tarPath) { (temporary: String) throws(DurableFileError) in
                let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
                guard fd >= 0 else { throw DurableFileError(path: temporary, operation: "create", errno: errno) }
                defer { close(fd) }
                var output = TarOutput(fd: fd, path: temporary)
                for entry in entries {
                    let name = entry.relative + (entry.isFolder ? "/" : "")
                    let header = TarHeader(
                        name: name, size: entry.isFolder ? 0 : entry.size, isFolder: entry.isFolder,
                        modificationTime: modificationTime)
                    try output.write(header.blocks())
                    if !entry.isFolder { try output.copy(from: entry.absolute, size: entry.size) }
                }
                try output.finish()
            }
        } catch {
            throw .io(error)
        }
    }

    /// Seconds since 1970-01-01 UTC for the start of a `YYYY-MM-DD` Bagging-Date; 0 when absent or malformed.
    public static func timestamp(baggingDate: String?) -> Int64 {
        guard let text = baggingDate?.trimmingWhitespace(), text.count >= 10 else { return 0 }
        let parts = text.prefix(10).split(separator: "-")
        guard parts.count == 3, let y = Int64(parts[0]), let m = Int64(parts[1]), let d = Int64(parts[2]),
            (1...12).contains(m), (1...31).contains(d)
        else { return 0 }
        // Days from civil (proleptic Gregorian), Howard Hinnant's algorithm.
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return (era * 146_097 + doe - 719_468) * 86_400
    }

    private static func collect(
        absolute: String, relative: String,
        into entries: inout [(relative: String, absolute: String, isFolder: Bool, size: UInt64)]
    ) throws(BagWriteError) {
        let listed: [DirectoryListing.Entry]
        do throws(SystemCallError) {
            let fd = Syscall.retrying { open(absolute, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            guard fd >= 0 else { throw SystemCallError(call: "open", code: errno) }
            listed = try DirectoryListing.entries(ofFolderAt: fd)
        } catch {
            throw .io(DurableFileError(path: absolute, operation: "list folder", errno: error.code))
        }
        for entry in listed {
            let name = String(decoding: entry.bytes, as: UTF8.self)
            let childAbsolute = absolute + "/" + name
            let childRelative = relative + "/" + name
            if let failure = entry.failure {
                throw .io(DurableFileError(path: childAbsolute, operation: "stat", errno: failure.code))
            }
            var kind = entry.kind
            var size = entry.size
            if kind == .symbolicLink {
                // Quire writes no links into a bag; one put there is archived as what it names, as before.
                var info = stat()
                guard stat(childAbsolute, &info) == 0 else {
                    throw .io(DurableFileError(path: childAbsolute, operation: "stat", errno: errno))
                }
                kind = DirectoryListing.kind(mode: UInt32(info.st_mode))
                size = UInt64(info.st_size)
            }
            switch kind {
            case .folder:
                entries.append((childRelative, childAbsolute, true, 0))
                try collect(absolute: childAbsolute, relative: childRelative, into: &entries)
            case .file:
                entries.append((childRelative, childAbsolute, false, size))
            default:
                throw .io(DurableFileError(path: childAbsolute, operation: "archive", message: "neither a file nor a folder"))
            }
        }
    }
}
