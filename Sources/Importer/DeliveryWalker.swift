import Foundation

/// One entry found in a delivery.
struct DeliveryEntry: Sendable {
    enum Kind: Sendable {
        /// A regular file (or a link to one inside the delivery).
        case file
        /// A link whose target lies outside the delivery, or cannot be resolved.
        case linkOutside(target: String)
        /// A link to a directory inside the delivery: not followed (it would register pages twice).
        case directoryLink(target: String)
        /// A device, FIFO or socket.
        case special
        /// A directory that could not be read.
        case unreadable(reason: String)
    }

    /// Path relative to the delivery, '/'-separated.
    var path: String
    var kind: Kind
    var size: Int64
    var mtimeNanoseconds: Int64
}

/// Walks a delivery folder without following links out of it, in a stable (sorted) order.
enum DeliveryWalker {
    static func walk(root: String, ignore: (String) -> Bool) throws(ImportError) -> [DeliveryEntry] {
        guard let realRoot = realPath(root) else {
            throw ImportError.deliveryUnreadable(path: root, reason: String(cString: strerror(errno)))
        }
        var info = stat()
        guard stat(realRoot, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw ImportError.deliveryUnreadable(path: root, reason: "not a directory")
        }
        var entries: [DeliveryEntry] = []
        walk(directory: realRoot, relative: "", root: realRoot, ignore: ignore, into: &entries)
        return entries
    }

    private static func walk(directory: String, relative: String, root: String, ignore: (String) -> Bool,
                             into entries: inout [DeliveryEntry]) {
        guard let dir = opendir(directory) else {
            entries.append(DeliveryEntry(path: relative.isEmpty ? "." : relative,
                                         kind: .unreadable(reason: String(cString: strerror(errno))), size: 0, mtimeNanoseconds: 0))
            return
        }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        closedir(dir)
        names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }

        for name in names where !ignore(name) {
            let full = directory + "/" + name
            let rel = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(full, &info) == 0 else {
                entries.append(DeliveryEntry(path: rel, kind: .unreadable(reason: String(cString: strerror(errno))), size: 0, mtimeNanoseconds: 0))
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                walk(directory: full, relative: rel, root: root, ignore: ignore, into: &entries)
            case S_IFREG:
                entries.append(DeliveryEntry(path: rel, kind: .file, size: Int64(info.st_size), mtimeNanoseconds: nanoseconds(info)))
            case S_IFLNK:
                guard let target = realPath(full), target == root || target.hasPrefix(root + "/") else {
                    let shown = (try? FileManager.default.destinationOfSymbolicLink(atPath: full)) ?? "?"
                    entries.append(DeliveryEntry(path: rel, kind: .linkOutside(target: shown), size: 0, mtimeNanoseconds: 0))
                    continue
                }
                var targetInfo = stat()
                guard stat(target, &targetInfo) == 0 else {
                    entries.append(DeliveryEntry(path: rel, kind: .linkOutside(target: target), size: 0, mtimeNanoseconds: 0))
                    continue
                }
                if (targetInfo.st_mode & S_IFMT) == S_IFDIR {
                    entries.append(DeliveryEntry(path: rel, kind: .directoryLink(target: String(target.dropFirst(root.count + 1))),
                                                 size: 0, mtimeNanoseconds: 0))
                } else if (targetInfo.st_mode & S_IFMT) == S_IFREG {
                    entries.append(DeliveryEntry(path: rel, kind: .file, size: Int64(targetInfo.st_size),
                                                 mtimeNanoseconds: nanoseconds(targetInfo)))
                } else {
                    entries.append(DeliveryEntry(path: rel, kind: .special, size: 0, mtimeNanoseconds: 0))
                }
            default:
                entries.append(DeliveryEntry(path: rel, kind: .special, size: 0, mtimeNanoseconds: 0))
            }
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func nanoseconds(_ info: stat) -> Int64 {
        Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    }
}
