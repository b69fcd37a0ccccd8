import QuireCore

/// The one bounded pool every stage that does file or pixel work runs its items through: at most ``workers`` items
/// in flight, each item's blocking work (a read, a decode, a normalization, a hash) on a Dispatch thread through
/// ``BlockingWork``, never on Swift's cooperative pool; results handed back on the calling task, in input order or
/// as they complete.
///
/// ```swift
/// let pool = WorkerPool(workers: 0)                 // one per core
/// let digests = await pool.map(paths) { path in digest(path) }
/// ```
///
/// Work already started always finishes: the pool never abandons a Dispatch thread's work. A `take` closure that
/// returns `false` stops the submission of more items; the results of those in flight are still handed over, so
/// the caller decides whether to keep them. Cancelling the calling task cancels the tasks in flight (their own
/// checks decide what that means) but does not stop the submission.
public struct WorkerPool: Sendable {
    /// How many items run at once (at least one).
    public let workers: Int

    /// A pool of `workers` (0 or less: ``WorkerCount/standard``, one per core).
    public init(workers: Int) { self.workers = WorkerCount.resolve(workers) }

    /// Runs the blocking `work` on every item and returns the results in `items` order.
    public func map<Item: Sendable, Output: Sendable>(
        _ items: [Item], isolation: isolated (any Actor)? = #isolation, _ work: @escaping @Sendable (Item) -> Output
    ) async -> [Output] {
        await mapTasks(items) { item in await BlockingWork.run { work(item) } }
    }

    /// Runs `task` on every item, at most ``workers`` at once, and returns the results in `items` order. For work
    /// that awaits before or after its blocking part (a memory budget, a nested pool); `task` must run its blocking
    /// part through ``BlockingWork``.
    public func mapTasks<Item: Sendable, Output: Sendable>(
        _ items: [Item], isolation: isolated (any Actor)? = #isolation, _ task: @escaping @Sendable (Item) async -> Output
    ) async -> [Output] {
        var results = [Output?](repeating: nil, count: items.count)
        await run(items, inOrder: false, window: .max, task) { index, outputs in
            results[index] = outputs[0]
            return true
        }
        return results.map { $0! }
    }

    /// Runs the blocking `work` on every item and hands each result with its index to `take` as it completes, on
    /// the calling task. `take` returning `false` submits no more items (those in flight are still handed over).
    public func forEach<Item: Sendable, Output: Sendable>(
        _ items: [Item], isolation: isolated (any Actor)? = #isolation, _ work: @escaping @Sendable (Item) -> Output,
        take: (_ index: Int, _ output: Output) -> Bool
    ) async {
        await run(items, inOrder: false, window: .max, { item in await BlockingWork.run { work(item) } }) { index, outputs in
            take(index, outputs[0])
        }
    }

    /// Runs the blocking `work` on every item and hands the results to `take` in `items` order: each time results
    /// become ready, the run of them that follows the last one handed over, with the index of its first. At most
    /// `window` items are submitted past the oldest not yet handed over, so a slow item never lets more than that
    /// many results pile up behind it. `take` returning `false` submits no more items (those in flight are still
    /// handed over, in order).
    public func forEachInOrder<Item: Sendable, Output: Sendable>(
        _ items: [Item], window: Int, isolation: isolated (any Actor)? = #isolation,
        _ work: @escaping @Sendable (Item) -> Output, take: (_ first: Int, _ outputs: [Output]) -> Bool
    ) async {
        await run(items, inOrder: true, window: max(1, window), { item in await BlockingWork.run { work(item) } }, take: take)
    }

    /// The one loop under every entry point: keeps ``workers`` tasks in flight (and, `inOrder`, never more than
    /// `window` past the oldest result not handed over) and hands results to `take`.
    private func run<Item: Sendable, Output: Sendable>(
        _ items: [Item], inOrder: Bool, window: Int, isolation: isolated (any Actor)? = #isolation,
        _ task: @escaping @Sendable (Item) async -> Output, take: (Int, [Output]) -> Bool
    ) async {
        await withTaskGroup(of: (Int, Output).self) { group in
            var next = 0
            var inFlight = 0
            var handed = 0
            var submitting = true
            var pending: [Int: Output] = [:]
            func topUp() {
                while submitting && inFlight < workers && next < items.count && next - handed < window {
                    let index = next
                    let item = items[index]
                    group.addTask { (index, await task(item)) }
                    next += 1
                    inFlight += 1
                }
            }
            topUp()
            while let (index, output) = await group.next() {
                inFlight -= 1
                if inOrder {
                    pending[index] = output
                    let first = handed
                    var ready: [Output] = []
                    while let result = pending.removeValue(forKey: handed) {
                        ready.append(result)
                        handed += 1
                    }
                    if !ready.isEmpty && !take(first, ready) { submitting = false }
                } else {
                    handed += 1
                    if !take(index, [output]) { submitting = false }
                }
                topUp()
            }
        }
    }
}
