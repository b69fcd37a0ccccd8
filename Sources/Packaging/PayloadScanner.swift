import Foundation

/// Lists the regular files under a bag's `data/` folder with their sizes, without following links to folders.
enum PayloadScanner {
    /// A file found on disk.
    struct Entry: Sendable {
        /// Absolute path.
        var absolutePath: String
        /// Bag-relative path as the file system spells it (`data/…`).
        var relativePath: String
        /// Size in bytes.
        var size: UInt64
    }

    /// The result of a scan.
    struct Result {
        /// Regular files (or links to regular files), keyed by bag-relative path. Swift compares strings
        /// by canonical equivalence, so a lookup by an NFC name finds an NFD file and vice versa
        /// (RFC 8493 §7.2.3 asks validators to tolerate normalization differences).
        var files: [String: Entry] = [:]
        /// Entries that are neither files nor folders (bag-relative).
        var special: [String] = []
        /// Symbolic links that resolve outside the bag (bag-relative → where they point); never read.
        var escaping: [(String, String)] = []
        /// Files whose names equal an earlier file's up to Unicode normalization (NFC vs NFD): the lookup by
        /// name cannot tell the two apart, so the later one is kept here, never in `files`.
        var normalizationTwins: [(kept: String, twin: String)] = []
        /// Folders that could not be listed (bag-relative) and why.
        var unreadable: [(String, String)] = []
    }

    /// Scans `bag/data`.
    static func scan(bag: String) -> Result {
        var result = Result()
        walk(absolute: bag + "/data", relative: "data", bagRoot: realPath(bag) ?? bag, into: &result)
        return result
    }

    /// The canonical absolute path (links resolved), or nil when it does not resolve.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Where the symbolic link at `path` leads when that is outside `bagRoot` (a canonical path), else nil.
    static func escapeTarget(ofLink path: String, bagRoot: String) -> String? {
        guard let target = realPath(path) else { return nil }
        return target == bagRoot || target.hasPrefix(bagRoot.hasSuffix("/") ? bagRoot : bagRoot + "/") ? nil : target
    }

    private static func walk(absolute: String, relative: String, bagRoot: String, into result: inout Result) {
        guard let dir = opendir(absolute) else {
            result.unreadable.append((relative, String(cString: strerror(errno))))
            return
        }
        defer { closedir(dir) }
        var children = [(String, Bool)]()
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let childAbsolute = absolute + "/" + name
            let childRelative = relative + "/" + name
            var info = stat()
            guard lstat(childAbsolute, &info) == 0 else {
                result.unreadable.append((childRelative, String(cString: strerror(errno))))
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                if let earlier = result.files[childRelative] {
                    result.normalizationTwins.append((earlier.relativePath, childRelative))
                    continue
                }
                result.files[childRelative] = Entry(absolutePath: childAbsolute, relativePath: childRelative, size: UInt64(info.st_size))
            case S_IFDIR:
                children.append((name, true))
            case S_IFLNK:
                if let outside = escapeTarget(ofLink: childAbsolute, bagRoot: bagRoot) {
                    result.escaping.append((childRelative, outside))
                    continue
                }
                var target = stat()
                if stat(childAbsolute, &target) == 0, target.st_mode & S_IFMT == S_IFREG {
                    result.files[childRelative] = Entry(absolutePath: childAbsolute, relativePath: childRelative, size: UInt64(target.st_size))
                } else {
                    result.special.append(childRelative)
                }
            default:
                result.special.append(childRelative)
            }
        }
        for (name, _) in children {
            walk(absolute: absolute + "/" + name, relative: relative + "/" + name, bagRoot: bagRoot, into: &result)
        }
    }
}
