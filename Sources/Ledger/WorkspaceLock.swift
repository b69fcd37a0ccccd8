import Foundation
import QuireCore

/// An exclusive lock on a workspace, so two runs never write the same batch.
///
/// It is an `flock` on `<workspace>/lock`: the kernel releases it when the holder dies, however it dies
/// (`kill -9`, power cut), so a stale lock is taken over safely by the next run. The file records the
/// holder's pid and start time for the refusal message.
public final class WorkspaceLock: Sendable {
    /// The lock file.
    public let path: String
    private let fd: Int32

    /// Takes the lock, or throws naming the process that holds it.
    public init(workspace: String) throws(WorkspaceError) {
        path = WorkspaceLayout(root: workspace).lockFile
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw WorkspaceError(path: path, message: "cannot open lock file: \(String(cString: strerror(errno)))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder =
                (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw WorkspaceError(
                path: path,
                message:
                    "another quire process is working in this workspace (\(holder.isEmpty ? "holder unknown" : holder)); wait for it to finish or use another --workspace"
            )
        }
        let note = "pid \(getpid()) since \(Date().formatted(.iso8601))\n"
        _ = ftruncate(fd, 0)
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
        self.fd = fd
    }

    /// Releases the lock (also released by the kernel when the process ends).
    deinit {
        _ = flock(fd, LOCK_UN)
        close(fd)
    }
}

/// A workspace that cannot be used.
public struct WorkspaceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path at fault.
    public var path: String
    /// What is wrong and what to do.
    public var message: String

    /// Makes an error.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `<path>: <message>`.
    public var description: String { "\(path): \(message)" }
}
