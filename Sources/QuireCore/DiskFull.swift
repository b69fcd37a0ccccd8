#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The disk (or the user's quota) is full: the one way every stage says so and every caller recognizes it. A
/// full disk is never a page's or a record's fault: the run stops, finished work is kept, and a later run
/// resumes. `DurableFileError.diskFull` makes one from a failed write; normalization carries it in its result
/// (`NormalizedPage.diskFull`), packaging in its bag outcome, and the stages stop with it.
public struct DiskFull: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    /// What could not be written, why, and what to do.
    public var detail: String

    /// Makes a value.
    public init(_ detail: String) { self.detail = detail }

    /// Whether a failed call's `errno` means the disk is full: `ENOSPC`, or `EDQUOT` (over quota).
    public static func isCause(errno code: Int32) -> Bool { code == ENOSPC || code == EDQUOT }

    /// ``detail``.
    public var description: String { detail }
}
