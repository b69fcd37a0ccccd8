import Foundation

/// How many workers a pool runs: the one place the default is decided.
public enum WorkerCount {
    /// One per active processor.
    public static var standard: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// `requested` when it is positive, else ``standard``.
    public static func resolve(_ requested: Int) -> Int { requested > 0 ? requested : standard }
}
