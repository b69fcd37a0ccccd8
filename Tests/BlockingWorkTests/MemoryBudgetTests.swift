import BlockingWork
import Foundation
import Synchronization
import Testing

@Suite struct MemoryBudgetTests {
    @Test(arguments: [("1073741824", 1 << 30), ("512M", 512 << 20), ("512MiB", 512 << 20), ("2G", 2 << 30), ("64k", 64 << 10),
                      (" 8M ", 8 << 20)])
    func sizesParse(_ text: String, _ bytes: Int) {
        #expect(MemoryBudget.parse(text) == bytes)
    }

    @Test(arguments: ["", "M", "-5M", "1.5G", "99999999999999999999", "9999999999999T", "二G", "0"])
    func nonsenseIsNoSize(_ text: String) {
        #expect(MemoryBudget.parse(text) == nil)
        #expect(MemoryBudget.configuredLimit(text) == MemoryBudget.defaultLimit)
    }

    @Test func defaultFitsATwoGigabyteMachine() {
        #expect(MemoryBudget.defaultLimit <= 1 << 30)
        #expect(MemoryBudget.defaultLimit <= Int(ProcessInfo.processInfo.physicalMemory / 2))
    }

    /// Workers that together ask for more than the budget take turns: the bytes held never exceed the limit.
    @Test func reservationsNeverExceedTheLimit() async {
        let budget = MemoryBudget(limit: 10 << 20)
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
        #expect(peak.value.withLock { $0 } >= 6 << 20)
        #expect(budget.reserved == 0)
    }
}

/// The most bytes seen reserved at once.
final class Peak: Sendable {
    let value = Mutex(0)
}
