import Foundation

/// The bytes of memory that page work may hold at once, shared by every worker of the process.
///
/// A worker reserves what a page will need *before* it reads or decodes it — the file's size plus a multiple of
/// the decoded bitmap, which the image header states — and gives it back when the page is done. Memory then
/// follows the budget, not what files claim: a page that alone needs more than the whole budget is refused
/// (`too_large`, with the figure) before anything is allocated, and pages that fit wait for each other in order.
///
/// The limit is the ``MemoryBudget`` (`QUIRE_MEMORY_BUDGET`). A reservation never waits while holding another, so
/// workers cannot deadlock.
///
/// ```swift
/// let budget = MemoryReservations.shared
/// guard need <= budget.limit else { throw .tooLarge }
/// let page = budget.withReservation(need) { decode(file) }
/// ```
public final class MemoryReservations: @unchecked Sendable {
    // @unchecked Sendable: `used` is read and written only while `condition` is locked (reserve, release).

    /// The process-wide reservations, against `QUIRE_MEMORY_BUDGET` (``MemoryBudget/standard`` when unset; a
    /// command checks the variable first and refuses a value that does not parse).
    public static let shared = MemoryReservations(limit: ((try? MemoryBudget.fromEnvironment()) ?? .standard).bytes)

    /// The most bytes reserved at once.
    public let limit: Int
    private let condition = NSCondition()
    private var used = 0

    /// Reservations against `limit` bytes (at least 1 MiB).
    public init(limit: Int) {
        self.limit = max(MemoryBudget.minimumBytes, limit)
    }

    /// Bitmaps of a page's decoded size that decoding and normalizing hold at once (decode, turn, crop, encode).
    public static let pageCopies = 3

    /// What one page reserves: its file, held whole, and ``pageCopies`` bitmaps of its decoded size; saturating at
    /// `Int.max` for claims no machine could hold (so a hostile size can never wrap to a small one).
    public static func pageCost(fileBytes: Int, bitmapBytes: Int) -> Int {
        let (bitmaps, overflow) = max(0, bitmapBytes).multipliedReportingOverflow(by: pageCopies)
        guard !overflow else { return .max }
        let (total, sumOverflow) = max(0, fileBytes).addingReportingOverflow(bitmaps)
        return sumOverflow ? .max : total
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
