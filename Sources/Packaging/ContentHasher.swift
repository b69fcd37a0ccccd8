import Fixity
import Foundation

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
        return await withTaskGroup(of: (HashOutcome, Finding?).self, returning: [(HashOutcome, Finding?)].self) { group in
            var pending = ordered.makeIterator()
            for _ in 0..<max(1, workers) {
                guard let job = pending.next() else { break }
                group.addTask { process(job, inspect: inspect) }
            }
            var outcomes = [(HashOutcome, Finding?)]()
            outcomes.reserveCapacity(ordered.count)
            while let outcome = await group.next() {
                outcomes.append(outcome)
                if let job = pending.next() { group.addTask { process(job, inspect: inspect) } }
            }
            return outcomes
        }
    }

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
        let wantsSHA1 = job.algorithms.contains(.sha1)
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
            if fstat(fd, &info) == 0 { capacity = max(1, Int(info.st_size)) }
        }
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 4096)
        var handedOver = false
        defer { if !handedOver { buffer.deallocate() } }

        var multi = MultiDigest(fixity)
        var sha1 = wantsSHA1 ? SHA1() : nil
        var used = 0  // bytes kept in `buffer` (always 0 when not keeping the content)
        var total: UInt64 = 0
        while true {
            if keepingContent && used == capacity {
                let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 4096)
                grown.copyMemory(from: buffer, byteCount: used)
                buffer.deallocate()
                buffer = grown
                capacity *= 2
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
                sha1?.update(piece)
                start = end
            }
            total += UInt64(n)
            if keepingContent { used += n }
        }
        var digests = [BagAlgorithm: String]()
        for (algorithm, value) in multi.finalize() { digests[.fixity(algorithm)] = value }
        if let sha1 { digests[.sha1] = sha1.finalize() }
        let outcome = HashOutcome(relativePath: job.relativePath, digests: digests, bytes: total, failure: nil)
        guard keepingContent else { return (outcome, nil) }
        handedOver = true
        return (outcome, Data(bytesNoCopy: buffer, count: used, deallocator: .custom { pointer, _ in pointer.deallocate() }))
    }
}
