import Fixity
import Foundation

/// Reads files once each and computes every requested digest from the same buffer, several files at a time.
enum ContentHasher {
    /// Bytes per read.
    static let chunk = 4 << 20
    /// Bytes fed to every digest in turn: small enough that the second algorithm finds them still in cache.
    static let slice = 256 << 10

    /// Digests every job, running at most `workers` at once (largest files first, so the last one to
    /// finish is a small one). The result order is unspecified.
    static func hashAll(_ jobs: [HashJob], workers: Int) async -> [HashOutcome] {
        let ordered = jobs.sorted { $0.size > $1.size }
        return await withTaskGroup(of: HashOutcome.self, returning: [HashOutcome].self) { group in
            var pending = ordered.makeIterator()
            for _ in 0..<max(1, workers) {
                guard let job = pending.next() else { break }
                group.addTask { hash(job) }
            }
            var outcomes = [HashOutcome]()
            outcomes.reserveCapacity(ordered.count)
            while let outcome = await group.next() {
                outcomes.append(outcome)
                if let job = pending.next() { group.addTask { hash(job) } }
            }
            return outcomes
        }
    }

    /// Digests one file.
    static func hash(_ job: HashJob) -> HashOutcome {
        let fixity = job.algorithms.compactMap { if case .fixity(let a) = $0 { a } else { nil } }
        let wantsSHA1 = job.algorithms.contains(.sha1)
        let fd = open(job.absolutePath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            return HashOutcome(relativePath: job.relativePath, digests: [:], bytes: 0, failure: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        #if os(Linux)
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        #endif
        var multi = MultiDigest(fixity)
        var sha1 = wantsSHA1 ? SHA1() : nil
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 4096)
        defer { buffer.deallocate() }
        var total: UInt64 = 0
        while true {
            let n = read(fd, buffer.baseAddress, chunk)
            if n < 0 {
                if errno == EINTR { continue }
                return HashOutcome(relativePath: job.relativePath, digests: [:], bytes: total, failure: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            var start = 0
            while start < n {
                let end = min(n, start + slice)
                let piece = UnsafeRawBufferPointer(rebasing: buffer[start..<end])
                multi.update(piece)
                sha1?.update(piece)
                start = end
            }
            total += UInt64(n)
        }
        var digests = [BagAlgorithm: String]()
        for (algorithm, value) in multi.finalize() { digests[.fixity(algorithm)] = value }
        if let sha1 { digests[.sha1] = sha1.finalize() }
        return HashOutcome(relativePath: job.relativePath, digests: digests, bytes: total, failure: nil)
    }
}
