import Foundation
import QuireCore

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
        /// A file or folder whose name is not valid UTF-8. `path` shows each invalid byte as `\xHH`, so two
        /// such names stay two entries; the file is never opened (a folder is not entered).
        case undecodableName(isFolder: Bool)
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

    private static func walk(
        directory: String, relative: String, root: String, ignore: (String) -> Bool,
        into entries: inout [DeliveryEntry]
    ) {
        // A subfolder was listed as a folder, not a link: O_NOFOLLOW keeps it so if it is swapped since.
        let flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (relative.isEmpty ? 0 : O_NOFOLLOW)
        let listed: [DirectoryListing.Entry]
        do throws(SystemCallError) {
            let fd = Syscall.retrying { open(directory, flags) }
            guard fd >= 0 else { throw SystemCallError(call: "open", code: errno) }
            listed = try DirectoryListing.entries(ofFolderAt: fd)
        } catch {
            entries.append(
                DeliveryEntry(
                    path: relative.isEmpty ? "." : relative,
                    kind: .unreadable(reason: error.message), size: 0, mtimeNanoseconds: 0))
            return
        }
        var named: [(name: String, entry: DirectoryListing.Entry)] = []
        var undecodable: [(shown: String, isFolder: Bool)] = []
        for entry in listed {
            if let name = entry.name {
                named.append((name, entry))
            } else {
                undecodable.append((DirectoryEntryName.shown(entry.bytes), entry.kind == .folder))
            }
        }
        named.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        for (shown, isFolder) in undecodable.sorted(by: { $0.shown.utf8.lexicographicallyPrecedes($1.shown.utf8) }) {
            entries.append(
                DeliveryEntry(
                    path: relative.isEmpty ? shown : relative + "/" + shown,
                    kind: .undecodableName(isFolder: isFolder), size: 0, mtimeNanoseconds: 0))
        }

        for (name, entry) in named where !ignore(name) {
            let full = directory + "/" + name
            let rel = relative.isEmpty ? name : relative + "/" + name
            guard let kind = entry.kind else {
                entries.append(
                    DeliveryEntry(
                        path: rel, kind: .unreadable(reason: entry.failure?.message ?? "cannot be examined"),
                        size: 0, mtimeNanoseconds: 0))
                continue
            }
            switch kind {
            case .folder:
                walk(directory: full, relative: rel, root: root, ignore: ignore, into: &entries)
            case .file:
                entries.append(
                    DeliveryEntry(path: rel, kind: .file, size: Int64(entry.size), mtimeNanoseconds: entry.mtimeNanoseconds))
            case .symbolicLink:
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
                    entries.append(
                        DeliveryEntry(
                            path: rel, kind: .directoryLink(target: String(target.dropFirst(root.count + 1))),
                            size: 0, mtimeNanoseconds: 0))
                } else if (targetInfo.st_mode & S_IFMT) == S_IFREG {
                    entries.append(
                        DeliveryEntry(
                            path: rel, kind: .file, size: Int64(targetInfo.st_size),
                            mtimeNanoseconds: nanoseconds(targetInfo)))
                } else {
                    entries.append(DeliveryEntry(path: rel, kind: .special, size: 0, mtimeNanoseconds: 0))
                }
            case .other:
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

/// Showing a directory entry's name that is not UTF-8.
enum DirectoryEntryName {
    /// A name that is not valid UTF-8, shown with each byte that is not part of a valid sequence as `\xHH`
    /// (valid sequences as they are).
    static func shown(_ bytes: [UInt8]) -> String {
        var out = ""
        var index = 0
        while index < bytes.count {
            var decoded = false
            for length in (1...4).reversed() where index + length <= bytes.count {
                if let piece = String(validating: bytes[index..<(index + length)], as: UTF8.self), piece.unicodeScalars.count == 1
                {
                    out += piece
                    index += length
                    decoded = true
                    break
                }
            }
            if !decoded {
                out += String(format: "\\x%02X", bytes[index])
                index += 1
            }
        }
        return out
    }
}
