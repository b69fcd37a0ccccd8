import DurableIO
import Foundation

/// Creates folders inside a partial bag and remembers them, so each is fsynced once at the end rather than
/// once per file placed in it.
struct FolderMaker {
    /// The partial bag folder.
    let root: String
    private var made: [String] = []
    private var known: Set<String> = []

    /// Starts with `root`, creating it.
    init(root: String) {
        self.root = root
    }

    /// Creates `relative` (and its parents) under the root; `""` means the root itself.
    mutating func make(_ relative: String) throws(BagWriteError) {
        var path = root
        try create(path)
        for component in relative.split(separator: "/") {
            path += "/" + component
            try create(path)
        }
    }

    private mutating func create(_ path: String) throws(BagWriteError) {
        if known.contains(path) { return }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw .io(DurableFileError(path: path, operation: "create folder", errno: errno))
        }
        known.insert(path)
        made.append(path)
    }

    /// fsyncs every folder made, deepest first, so their entries survive a power cut.
    func syncAll() throws(BagWriteError) {
        for path in made.reversed() {
            do throws(DurableFileError) { try DurableFile.syncFolder(path) } catch { throw .io(error) }
        }
    }
}
