public import Foundation
public import QuireCore

/// The check a machine makes before working a shared workspace: that the storage takes a durable write, an atomic
/// rename over an existing file and a folder sync, and reads back what was written — the guarantees every stage's
/// "temp file → fsync → rename → fsync folder → commit" order relies on. What cannot be checked from one machine
/// (that another machine sees the rename at once, as NFSv4's close-to-open consistency gives) the README states.
public enum SharedStorage {
    /// Writes, renames over, syncs and reads back a probe file in `folder/.quire-probe/`; throws naming the step
    /// that failed, with the fix.
    public static func check(_ folder: String) throws(QuireError) {
        let probes = folder + "/.quire-probe"
        let name = "\(ProcessInfo.processInfo.hostName)-\(getpid())"
        let target = probes + "/\(name)"
        func fail(_ step: String, _ error: any Error) -> QuireError {
            QuireError(
                .couldNotRun, stage: .workspace, file: folder,
                message: "the workspace's storage failed a check (\(step)): \(error)",
                fix: "mount the workspace read-write, on storage with atomic rename and working fsync (local disk, NFSv4, CephFS)"
            )
        }
        do throws(DurableFileError) {
            try DurableFile.makeFolder(probes)
            try DurableFile.write(Data("first \(name)\n".utf8), to: target)
            // A second durable write replaces the first by rename, as every output does.
            try DurableFile.write(Data("second \(name)\n".utf8), to: target)
            try DurableFile.syncFolder(probes)
        } catch {
            throw fail("durable write and rename", error)
        }
        guard let back = FileManager.default.contents(atPath: target), back == Data("second \(name)\n".utf8) else {
            throw fail("read back", SharedStorageMismatch())
        }
        unlink(target)
    }

    private struct SharedStorageMismatch: Error, CustomStringConvertible {
        var description: String { "the file read back is not the one renamed into place" }
    }
}
