import BlockingWork
import Foundation
import Synchronization
import Testing

@Suite struct WorkerPoolTests {
    /// Results come back in input order although later items finish first, and never more than `workers` run at once.
    @Test func mapKeepsInputOrderAndBoundsTheWorkers() async {
        let running = Running()
        let items = Array(0..<24)
        let results = await WorkerPool(workers: 3).map(items) { item in
            running.enter()
            // The first two items wait (up to 10 s) to meet: a pool that runs two at once always lets them, however
            // loaded the machine, and a serial one never does (so the check below does not depend on timing).
            if item < 2 {
                let deadline = Date().addingTimeInterval(10)
                while running.peak < 2 && Date() < deadline { usleep(1000) }
            }
            usleep(UInt32((24 - item) * 500))  // later items are quicker
            running.leave()
            return item * 10
        }
        #expect(results == items.map { $0 * 10 })
        #expect(running.peak <= 3)
        #expect(running.peak >= 2, "the pool never ran two items at once")
    }

    /// The blocking work runs on Dispatch threads, never on the executor the pool's tasks run on: with the
    /// tasks pinned to one thread of our own (a task executor preference, which child tasks inherit), no item's
    /// work runs on that thread. Work run inline in the tasks, as on Swift's cooperative pool, would.
    @Test func blockingWorkLeavesTheTasksExecutor() async {
        let executor = OneThreadExecutor()
        let threads = await withTaskExecutorPreference(executor) {
            await WorkerPool(workers: 3).map(Array(0..<12)) { _ in
                usleep(1000)
                return pthread_self()
            }
        }
        let taskThread = executor.thread
        #expect(threads.count == 12)
        #expect(!threads.contains { pthread_equal($0, taskThread) != 0 })
        executor.stop()
    }

    /// In order with a window: a slow first item holds back the hand-over, and no more than `window` items are
    /// submitted past the oldest one not handed over; every run is handed over in order.
    @Test func inOrderHandsOverRunsWithinTheWindow() async {
        let started = Mutex<[Int]>([])
        let items = Array(0..<20)
        var handed: [Int] = []
        var furthestAhead = 0
        await WorkerPool(workers: 4).forEachInOrder(
            items, window: 6,
            { item in
                started.withLock { $0.append(item) }
                if item == 0 {
                    // Let the others run ahead until the window closes, then finish.
                    while started.withLock({ $0.count }) < 6 { usleep(1000) }
                    usleep(20_000)
                }
                return item
            }
        ) { first, outputs in
            #expect(first == handed.count)
            handed += outputs
            let submitted = started.withLock { $0.max() ?? 0 }
            furthestAhead = max(furthestAhead, submitted - first)
            return true
        }
        #expect(handed == items)
        #expect(started.withLock { $0.prefix(6).max() } == 5)
        #expect(furthestAhead < 6)
    }

    /// While the first item is held, items past the window are not started.
    @Test func theWindowHoldsBackLaterItems() async {
        let started = Mutex<Set<Int>>([])
        let seenWhileFirstHeld = Mutex<Set<Int>>([])
        await WorkerPool(workers: 4).forEachInOrder(
            Array(0..<12), window: 3,
            { item in
                started.withLock { _ = $0.insert(item) }
                if item == 0 {
                    usleep(100_000)
                    seenWhileFirstHeld.withLock { $0 = started.withLock { $0 } }
                }
                return item
            }
        ) { _, _ in true }
        #expect(seenWhileFirstHeld.withLock { $0 }.isSubset(of: [0, 1, 2]))
    }

    /// `take` returning false submits nothing more; the items already in flight are still handed over.
    @Test func stoppingSubmitsNothingMore() async {
        let ran = Mutex(0)
        var handed: [Int] = []
        await WorkerPool(workers: 2).forEach(
            Array(0..<50),
            { item in
                ran.withLock { $0 += 1 }
                usleep(2000)
                return item
            }
        ) { _, output in
            handed.append(output)
            return false
        }
        #expect(ran.withLock { $0 } == 2)
        #expect(handed.sorted() == [0, 1])
    }

    /// Zero workers means one per core.
    @Test func zeroWorkersIsOnePerCore() {
        #expect(WorkerPool(workers: 0).workers == max(1, ProcessInfo.processInfo.activeProcessorCount))
        #expect(WorkerPool(workers: 5).workers == 5)
    }
}

/// How many items run at once, and the most seen.
final class Running: Sendable {
    private let state = Mutex((now: 0, peak: 0))

    func enter() {
        state.withLock {
            $0.now += 1; $0.peak = max($0.peak, $0.now)
        }
    }
    func leave() { state.withLock { $0.now -= 1 } }
    var peak: Int { state.withLock { $0.peak } }
}

/// A task executor that runs every job on one thread of its own, so a test can tell that thread from others.
final class OneThreadExecutor: TaskExecutor, Sendable {
    private let jobs = Mutex<[UnownedJob]>([])
    private let ready = DispatchSemaphore(value: 0)
    private let started = DispatchSemaphore(value: 0)
    private let runner = Mutex<pthread_t?>(nil)
    private let stopping = Mutex(false)

    init() {
        let thread = Thread { [self] in
            runner.withLock { $0 = pthread_self() }
            started.signal()
            while true {
                ready.wait()
                if stopping.withLock({ $0 }) { return }
                guard let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
        }
        thread.start()
        started.wait()
    }

    /// The executor's thread.
    var thread: pthread_t { runner.withLock { $0! } }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
        ready.signal()
    }

    /// Ends the thread (jobs still queued are not run: call it when the work is done).
    func stop() {
        stopping.withLock { $0 = true }
        ready.signal()
    }
}
