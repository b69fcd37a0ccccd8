import BlockingWork
import Fixity
import Foundation
import Synchronization

/// Reads files once each and computes every requested digest from the same buffer, several files at a time.
enum ContentHasher {
    /// Bytes per read.
    static let chunk = 4 << 20
    /// Bytes fed to every digest in turn: small enough that the second algorithm finds them still in cache.
    static let slice = 256 << 10

    /// Digests every job, running at most `workers` at once (largest files first, so the last one to
    /// finish is a small one). Jobs marked `inspect` keep their whole content, which `inspect` then examines on
    /// the same worker. The result order is unspecified.
    static func hashAll<Finding: Sendable>(_ jobs: [HashJob], workers: Int,
                                           inspect: (@Sendable (String, Data) -> Finding)?) async -> [(HashOutcome, Finding?)] {
        let ordered = jobs.sorted { $0.size > $1.size }
        @Sendable func run(_ job: HashJob) async -> (HashOutcome, Finding?) {
            // A job that keeps its content holds the whole file: the process-wide budget bounds how many bytes
            // are held at once, across bags (several may be in progress).
            let held = job.inspect && inspect != nil ? Int(clamping: job.size) : 0
            await wholeFileBudget.acquire(held)
            let outcome = await BlockingWork.run { process(job, inspect: inspect) }
            await wholeFileBudget.release(held)
            return outcome
        }
        return await withTaskGroup(of: (HashOutcome, Finding?).self, returning: [(HashOutcome, Finding?)].self) { group in
            var pending = ordered.makeIterator()
            for _ in 0..<max(1, workers) {
                guard let job = pending.next() else { break }
                group.addTask { await run(job) }
            }
            var outcomes = [(HashOutcome, Finding?)]()
            outcomes.reserveCapacity(ordered.count)
            while let outcome = await group.next() {
                outcomes.append(outcome)
                if let job = pending.next() { group.addTask { await run(job) } }
            }
            return outcomes
        }
    }

    /// Bytes of whole files held at once: a quarter of physical memory, at most 1 GiB. A file larger than
    /// that is read alone.
    static let wholeFileBudget = ByteBudget(limit: Int(min(UInt64(1) << 30, ProcessInfo.processInfo.physicalMemory / 4)))

    /// Digests one job and, when it is marked for inspection and the read succeeded, inspects its bytes.
    private static func process<Finding>(_ job: HashJob,
                                         inspect: (@Sendable (String, Data) -> Finding)?) -> (HashOutcome, Finding?) {
        guard job.inspect, let inspect else { return (hash(job), nil) }
        let (outcome, content) = hash(job, keepingContent: true)
        guard outcome.failure == nil, let content else { return (outcome, nil) }
        return (outcome, inspect(job.relativePath, content))
    }

    /// Digests one file.
    static func hash(_ job: HashJob) -> HashOutcome {
        hash(job, keepingContent: false).outcome
    }

    /// Digests one file in `chunk`-sized reads; with `keepingContent`, the reads fill one buffer of the whole
    /// file (sized by `fstat`, grown if the file grew), returned as `Data` without a copy.
    private static func hash(_ job: HashJob, keepingContent: Bool) -> (outcome: HashOutcome, content: Data?) {
        let fixity = job.algorithms.compactMap { if case .fixity(let a) = $0 { a } else { nil } }
        let others: [(BagAlgorithm, EVPDigest)] = job.algorithms.compactMap {
            if case .libcrypto(_, let evpName) = $0, let digest = EVPDigest(name: evpName) { ($0, digest) } else { nil }
        }
        func failed(_ bytes: UInt64) -> (HashOutcome, Data?) {
            let reason = String(cString: strerror(errno))
            return (HashOutcome(relativePath: job.relativePath, digests: [:], bytes: bytes, failure: reason), nil)
        }
        let fd = open(job.absolutePath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return failed(0) }
        defer { close(fd) }
        #if os(Linux)
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        #endif
        var capacity = chunk
        if keepingContent {
            var info = stat()
            // One byte more than the file, so that the read that finds its end needs no bigger buffer.
            if fstat(fd, &info) == 0 { capacity = Int(info.st_size) + 1 }
        }
        // Whole-file and chunk buffers alike come from the pool: a fresh one would be faulted in page by page.
        var buffer = ContentBuffers.shared.take(atLeast: capacity)
        capacity = keepingContent ? ContentBuffers.shared.capacity(of: buffer) : chunk
        var handedOver = false
        defer { if !handedOver { ContentBuffers.shared.give(buffer) } }

        var multi = MultiDigest(fixity)
        var used = 0  // bytes kept in `buffer` (always 0 when not keeping the content)
        var total: UInt64 = 0
        while true {
            if keepingContent && used == capacity {
                let grown = ContentBuffers.shared.take(atLeast: capacity * 2)
                grown.copyMemory(from: buffer, byteCount: used)
                ContentBuffers.shared.give(buffer)
                buffer = grown
                capacity = ContentBuffers.shared.capacity(of: grown)
            }
            let target = buffer + used
            let n = read(fd, target, min(chunk, capacity - used))
            if n < 0 {
                if errno == EINTR { continue }
                return failed(total)
            }
            if n == 0 { break }
            var start = 0
            while start < n {
                let end = min(n, start + slice)
                let piece = UnsafeRawBufferPointer(start: target + start, count: end - start)
                multi.update(piece)
                for (_, digest) in others { digest.update(piece) }
                start = end
            }
            total += UInt64(n)
            if keepingContent { used += n }
        }
        var digests = [BagAlgorithm: String]()
        for (algorithm, value) in multi.finalize() { digests[.fixity(algorithm)] = value }
        for (algorithm, digest) in others { digests[algorithm] = hex(digest.finalize()) }
        let outcome = HashOutcome(relativePath: job.relativePath, digests: digests, bytes: total, failure: nil)
        guard keepingContent else { return (outcome, nil) }
        handedOver = true
        return (outcome, Data(bytesNoCopy: buffer, count: used, deallocator: .custom { pointer, _ in ContentBuffers.shared.give(pointer) }))
    }
}

/// A count of bytes that tasks take before holding that much memory and give back after; a task asking for
/// more than the limit waits until it can run alone. Waiters are served in order.
actor ByteBudget {
    let limit: Int
    private var used = 0
    private var waiters: [(bytes: Int, continuation: CheckedContinuation<Void, Never>)] = []

    init(limit: Int) { self.limit = max(1, limit) }

    /// Waits until `bytes` (capped at the limit) fit, then takes them.
    func acquire(_ bytes: Int) async {
        let wanted = min(max(0, bytes), limit)
        guard wanted > 0 else { return }
        if waiters.isEmpty && used + wanted <= limit {
            used += wanted
            return
        }
        await withCheckedContinuation { waiters.append((wanted, $0)) }
    }

    /// Gives back what `acquire(bytes)` took, and lets waiters in.
    func release(_ bytes: Int) {
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

/// Whole-file buffers kept for reuse. A fresh buffer of several megabytes costs the kernel a zero-filled page
/// per 4 KiB on first touch (about a tenth of `quire verify`'s CPU time when every file had a new one);
/// a reused one is already mapped. At most `limit` buffers are kept: as many as files are read at once, none
/// larger than `largestKept` (a buffer for an unusually large file is released at once).
final class ContentBuffers: Sendable {
    static let shared = ContentBuffers()
    let limit = 8
    let largestKept = 128 << 20

    /// An address and its capacity, kept as integers: the pool hands each buffer to one reader at a time.
    private let state = Mutex<(free: [(address: Int, capacity: Int)], capacities: [Int: Int])>(([], [:]))

    /// A buffer of at least `bytes`, reused when one is free.
    func take(atLeast bytes: Int) -> UnsafeMutableRawPointer {
        let reused: Int? = state.withLock { s in
            guard let index = s.free.indices.filter({ s.free[$0].capacity >= bytes }).min(by: { s.free[$0].capacity < s.free[$1].capacity })
            else { return nil }
            return s.free.remove(at: index).address
        }
        if let reused { return UnsafeMutableRawPointer(bitPattern: reused)! }
        // Rounded up to 1 MiB so that files of similar sizes share buffers.
        let capacity = (max(bytes, 1) + (1 << 20) - 1) & ~((1 << 20) - 1)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 4096)
        state.withLock { $0.capacities[Int(bitPattern: buffer)] = capacity }
        return buffer
    }

    /// The capacity of a buffer `take` returned.
    func capacity(of buffer: UnsafeMutableRawPointer) -> Int {
        state.withLock { $0.capacities[Int(bitPattern: buffer)] ?? 0 }
    }

    /// Returns a buffer; the largest `limit` free ones are kept, the others released.
    func give(_ buffer: UnsafeMutableRawPointer) {
        let dropped: Int? = state.withLock { s in
            let address = Int(bitPattern: buffer)
            let capacity = s.capacities[address] ?? 0
            if capacity > largestKept {
                s.capacities[address] = nil
                return address
            }
            s.free.append((address, capacity))
            guard s.free.count > limit, let smallest = s.free.indices.min(by: { s.free[$0].capacity < s.free[$1].capacity }) else { return nil }
            let gone = s.free.remove(at: smallest).address
            s.capacities[gone] = nil
            return gone
        }
        if let dropped { UnsafeMutableRawPointer(bitPattern: dropped)!.deallocate() }
    }
}
