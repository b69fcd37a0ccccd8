import Foundation

/// The bytes of memory that page work may hold at once, shared by every worker of the process.
///
/// A worker reserves what a page will need *before* it reads or decodes it — the file's size plus a multiple of
/// the decoded bitmap, which the image header states — and gives it back when the page is done. Memory then
/// follows the budget, not what files claim: a page that alone needs more than the whole budget is refused
/// (`too_large`, with the figure) before anything is allocated, and pages that fit wait for each other in order.
///
/// The limit is `QUIRE_MEMORY_BUDGET` (bytes, or with a `K`, `M` or `G` suffix: `512M`, `2G`) when set, else
/// ``defaultLimit``. A reservation never waits while holding another, so workers cannot deadlock.
///
/// ```swift
/// let budget = MemoryBudget.shared
/// guard need <= budget.limit else { throw .tooLarge }
/// let page = budget.withReservation(need) { decode(file) }
/// ```
public final class MemoryBudget: @unchecked Sendable {
    // @unchecked Sendable: `used` is read and written only while `condition` is locked (reserve, release).

    /// The process-wide budget.
    public static let shared = MemoryBudget(limit: configuredLimit(ProcessInfo.processInfo.environment["QUIRE_MEMORY_BUDGET"]))

    /// 1 GiB, or half the physical memory when that is less: on a 2 GB machine, page work stays within 1 GB.
    public static var defaultLimit: Int {
        Int(min(UInt64(1) << 30, ProcessInfo.processInfo.physicalMemory / 2))
    }

    /// The most bytes reserved at once.
    public let limit: Int
    private let condition = NSCondition()
    private var used = 0

    /// Makes a budget of `limit` bytes (at least 1 MiB).
    public init(limit: Int) {
        self.limit = max(1 << 20, limit)
    }

    /// The limit `QUIRE_MEMORY_BUDGET`'s text asks for, else ``defaultLimit``.
    public static func configuredLimit(_ text: String?) -> Int {
        guard let text, let bytes = parse(text) else { return defaultLimit }
        return bytes
    }

    /// Parses `1073741824`, `512M`, `512MiB`, `2G`, `64k`; nil when the text is no such size.
    public static func parse(_ text: String) -> Int? {
        var digits = text.trimmingCharacters(in: .whitespaces).uppercased()
        for suffix in ["IB", "B"] where digits.hasSuffix(suffix) && digits.count > suffix.count { digits.removeLast(suffix.count) }
        var scale = 1
        switch digits.last {
        case "K": scale = 1 << 10
        case "M": scale = 1 << 20
        case "G": scale = 1 << 30
        case "T": scale = 1 << 40
        default: break
        }
        if scale > 1 { digits.removeLast() }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let value = Int(digits) else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: scale)
        return overflow || bytes <= 0 ? nil : bytes
    }

    /// Blocks until `bytes` (capped at the limit) fit, takes them, runs `body`, and gives them back. Call it
    /// from a thread that may block (a ``BlockingWork`` thread), never from Swift's cooperative pool.
    public func withReservation<T>(_ bytes: Int, _ body: () throws -> T) rethrows -> T {
        let taken = reserve(bytes)
        defer { release(taken) }
        return try body()
    }

    /// Bytes reserved right now (for tests and reports).
    public var reserved: Int {
        condition.lock()
        defer { condition.unlock() }
        return used
    }

    private func reserve(_ bytes: Int) -> Int {
        let wanted = min(max(0, bytes), limit)
        guard wanted > 0 else { return 0 }
        condition.lock()
        while used + wanted > limit { condition.wait() }
        used += wanted
        condition.unlock()
        return wanted
    }

    private func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        condition.lock()
        used -= bytes
        condition.broadcast()
        condition.unlock()
    }
}
