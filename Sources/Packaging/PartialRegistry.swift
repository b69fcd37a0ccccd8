import Synchronization

/// The bags this process is writing right now, so two writes of one bag cannot share a partial folder and
/// ``BagWriter/removeStrayPartials(in:)`` never removes a partial that is still being filled.
final class PartialRegistry: Sendable {
    /// The one registry of the process.
    static let shared = PartialRegistry()

    private let paths = Mutex<Set<String>>([])

    /// Claims `path`; `false` when it is already claimed.
    func claim(_ path: String) -> Bool { paths.withLock { $0.insert(path).inserted } }

    /// Releases `path`.
    func release(_ path: String) { _ = paths.withLock { $0.remove(path) } }

    /// Whether `path` is claimed.
    func isClaimed(_ path: String) -> Bool { paths.withLock { $0.contains(path) } }
}
