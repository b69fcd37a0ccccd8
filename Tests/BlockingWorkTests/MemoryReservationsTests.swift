import BlockingWork
import Foundation
import Synchronization
import Testing

@Suite struct MemoryReservationsTests {
    @Test(arguments: [
        ("1024", 1 << 30), ("512M", 512 << 20), ("512MiB", 512 << 20), ("2G", 2 << 30), ("1048576B", 1 << 20),
        (" 8M ", 8 << 20),
    ])
    func sizesParse(_ text: String, _ bytes: Int) throws {
        #expect(try MemoryBudget(parsing: text).bytes == bytes)
    }

    @Test(arguments: ["", "M", "-5M", "1.5G", "99999999999999999999", "9999999999999T", "二G", "0", "12KB"])
    func nonsenseIsNoSize(_ text: String) {
        #expect(throws: MemoryBudgetError.self) { try MemoryBudget(parsing: text) }
    }

    @Test func defaultFitsATwoGigabyteMachine() {
        #expect(MemoryBudget.standard.bytes <= 1 << 30)
        #expect(MemoryBudget.standard.bytes <= Int(ProcessInfo.processInfo.physicalMemory / 2))
    }

    /// Workers that together ask for more than the budget take turns: the bytes held never exceed the limit.
    @Test func reservationsNeverExceedTheLimit() async {
        let budget = MemoryReservations(limit: 10 << 20)
        let peak = Peak()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                group.addTask {
                    await BlockingWork.run {
                        budget.withReservation((3 + index % 3) << 20) {
                            peak.value.withLock { $0 = max($0, budget.reserved) }
                            usleep(20_000)
                        }
                    }
                }
            }
        }
        #expect(peak.value.withLock { $0 } <= 10 << 20)
        #expect(budget.reserved == 0)
    }

    /// Reservations that fit together are held together; one that does not fit waits until bytes are given back.
    /// Ordered by semaphores, not by timing.
    @Test func aReservationThatFitsProceedsAndOneThatDoesNotWaits() {
        let budget = MemoryReservations(limit: 10 << 20)
        let firstHeld = DispatchSemaphore(value: 0), releaseFirst = DispatchSemaphore(value: 0)
        let secondDone = DispatchSemaphore(value: 0), thirdDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            budget.withReservation(4 << 20) {
                firstHeld.signal()
                releaseFirst.wait()
            }
        }
        firstHeld.wait()
        DispatchQueue.global().async {
            budget.withReservation(5 << 20) { #expect(budget.reserved == 9 << 20) }  // 4 + 5 fit in 10
            secondDone.signal()
        }
        secondDone.wait()
        DispatchQueue.global().async {
            budget.withReservation(7 << 20) { #expect(budget.reserved == 7 << 20) }  // 4 + 7 do not fit
            thirdDone.signal()
        }
        #expect(thirdDone.wait(timeout: .now() + 0.3) == .timedOut, "7 MiB were granted while 4 MiB of 10 were held")
        releaseFirst.signal()
        thirdDone.wait()
        #expect(budget.reserved == 0)
    }
}

/// The most bytes seen reserved at once.
final class Peak: Sendable {
    let value = Mutex(0)
}
