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
        /// Folders that could not be listed (bag-relative) and why.
        var unreadable: [(String, String)] = []
    }

    /// Scans `bag/data`.
    static func scan(bag: String) -> Result {
        var result = Result()
        walk(absolute: bag + "/data", relative: "data", into: &result)
        return result
    }

    private static func walk(absolute: String, relative: String, into result: inout Result) {
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
                result.files[childRelative] = Entry(absolutePath: childAbsolute, relativePath: childRelative, size: UInt64(info.st_size))
            case S_IFDIR:
                children.append((name, true))
            case S_IFLNK:
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
            walk(absolute: absolute + "/" + name, relative: relative + "/" + name, into: &result)
        }
    }
}
