/// Lists the regular files under a bag's `data/` folder with their sizes, through the bag's ``ConfinedFolder``:
/// links to folders are not followed, links that lead out of the bag are reported and never resolved outside it.
enum PayloadScanner {
    /// A file found on disk.
    struct Entry: Sendable {
        /// Bag-relative path as the file system spells it (`data/…`).
        var relativePath: String
        /// Size in bytes.
        var size: UInt64
    }

    /// The result of a scan.
    struct Result {
        /// Regular files (or links to regular files in the bag), keyed by bag-relative path. Swift compares
        /// strings by canonical equivalence, so a lookup by an NFC name finds an NFD file and vice versa
        /// (RFC 8493 §7.2.3 asks validators to tolerate normalization differences).
        var files: [String: Entry] = [:]
        /// Entries that are neither files nor folders (bag-relative).
        var special: [String] = []
        /// Paths that lead out of the bag through a symbolic link, with why; never read.
        var escaping: [(String, ConfinedFolderError)] = []
        /// Files whose names equal an earlier file's up to Unicode normalization (NFC vs NFD): the lookup by
        /// name cannot tell the two apart, so the later one is kept here, never in `files`.
        var normalizationTwins: [(kept: String, twin: String)] = []
        /// Folders that could not be listed (bag-relative) and why.
        var unreadable: [(String, String)] = []
    }

    /// Scans `data/` beneath `bag`.
    static func scan(_ bag: ConfinedFolder) -> Result {
        var result = Result()
        walk(bag, "data", into: &result)
        return result
    }

    private static func walk(_ bag: ConfinedFolder, _ relative: String, into result: inout Result) {
        let entries: [ConfinedFolder.Entry]
        do { entries = try bag.entries(in: relative) } catch {
            if error.leavesFolder {
                result.escaping.append((relative, error))
            } else {
                result.unreadable.append((relative, error.description))
            }
            return
        }
        var children: [String] = []
        for entry in entries {
            let childRelative = relative + "/" + entry.name
            switch entry.kind {
            case .file:
                if let earlier = result.files[childRelative] {
                    result.normalizationTwins.append((earlier.relativePath, childRelative))
                    continue
                }
                result.files[childRelative] = Entry(relativePath: childRelative, size: entry.size)
            case .folder:
                children.append(childRelative)
            case .symbolicLink:
                // Resolved beneath the bag only: a link out fails there, a link to a file in the bag is a file.
                do {
                    let target = try bag.status(of: childRelative)
                    if target.kind == .file {
                        result.files[childRelative] = Entry(relativePath: childRelative, size: target.size)
                    } else {
                        result.special.append(childRelative)
                    }
                } catch {
                    if error.leavesFolder {
                        result.escaping.append((childRelative, error))
                    } else {
                        result.special.append(childRelative)
                    }
                }
            case .other:
                result.special.append(childRelative)
            }
        }
        for child in children { walk(bag, child, into: &result) }
    }
}
