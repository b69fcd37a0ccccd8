import BlockingWork

/// The memory verification may hold for file contents: a count of bytes that tasks take before holding that much
/// and give back after (a task asking for more than the limit waits until it can run alone; waiters are served
/// in order), and the pool of read buffers that memory is drawn from.
///
/// One budget is shared by every bag verified at once: ``Auditor`` makes one from `--memory-budget` or
/// `QUIRE_MEMORY_BUDGET`; ``BagVerifier`` uses ``standard`` when given none. A file larger than the limit is
/// never held whole: it is hashed in reads of ``readSize`` bytes.
public actor ByteBudget {
    /// The budget in bytes.
    public nonisolated let limit: Int
    /// Bytes per read when hashing (at most 4 MiB, and an eighth of the budget, at least 64 KiB).
    nonisolated let readSize: Int
    /// Read buffers for reuse, holding at most half the budget while unused.
    nonisolated let buffers: ContentBuffers
    private var used = 0
    private var waiters: [(bytes: Int, continuation: CheckedContinuation<Void, Never>)] = []

    /// A budget of `limit` bytes.
    public init(limit: Int) {
        self.limit = max(1, limit)
        readSize = max(64 << 10, min(4 << 20, limit / 8))
        buffers = ContentBuffers(keptBytes: max(1, limit / 2))
    }

    /// The budget `QUIRE_MEMORY_BUDGET` sets (512 MiB when unset or unreadable), shared by verifications that are
    /// given none.
    public static let standard = ByteBudget(limit: ((try? MemoryBudget.fromEnvironment()) ?? .standard).bytes)

    /// Waits until `bytes` (capped at the limit) fit, then takes them.
    public func acquire(_ bytes: Int) async {
        let wanted = min(max(0, bytes), limit)
        guard wanted > 0 else { return }
        if waiters.isEmpty && used + wanted <= limit {
            used += wanted
            return
        }
        await withCheckedContinuation { waiters.append((wanted, $0)) }
    }

    /// Gives back what `acquire(bytes)` took, and lets waiters in.
    public func release(_ bytes: Int) {
        let given = min(max(0, bytes), limit)
        guard given > 0 else { return }
        used -= given
        while let first = waiters.first, used + first.bytes <= limit {
            used += first.bytes
            waiters.removeFirst()
            first.continuation.resume()
        }
    }
}
