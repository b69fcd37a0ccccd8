import Foundation

/// Runs blocking work — reading, decoding, normalizing or hashing a file: up to a second or more of CPU —
/// on a Dispatch thread instead of Swift's cooperative pool, which has one thread per core. Held there, those
/// threads would leave nothing for the tasks that coordinate: in `quire run`, the loop that commits pages
/// and the record stage binding and packaging finished records. Callers still bound how many run at once.
///
/// ```swift
/// let outcome = await BlockingWork.run { examiner.examine(entry) }
/// ```
public enum BlockingWork {
    /// Runs `work` on a Dispatch thread and resumes with its result.
    public static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}
