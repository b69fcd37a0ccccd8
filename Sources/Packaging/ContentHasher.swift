import BlockingWork
import QuireCore
import Fixity
import Foundation
import Synchronization

/// Reads files once each, through the bag's ``ConfinedFolder``, and computes every requested digest from the same
/// buffer, several files at a time.
enum ContentHasher {
    /// Bytes fed to every digest in turn: small enough that the second algorithm finds them still in cache.
    static let slice = 256 << 10

    /// Digests every job, running at most `workers` at once (largest files first, so the last one to finish is
    /// a small one). A job marked `inspect` that fits `memory` keeps its whole content, which the inspection then
    /// examines on the same worker; one larger than the budget is hashed as a stream and handed to the
    /// inspection's `inspectFile` from its open descriptor, never held whole. The result order is unspecified.
    static func hashAll<Finding: Sendable>(
        _ jobs: [HashJob], in folder: ConfinedFolder, workers: Int, memory: ByteBudget,
        inspection: PayloadInspection<Finding>?
    ) async -> [(HashOutcome, Finding?)] {
        let ordered = jobs.sorted { $0.size > $1.size }
        @Sendable func run(_ job: HashJob) async -> (HashOutcome, Finding?) {
            // A job that keeps its content holds the whole file: the budget bounds how many bytes are held at
            // once, across bags (several may be in progress).
            let whole = job.inspect && inspection != nil && job.size < UInt64(memory.limit)
            let held = whole ? Int(job.size) : 0
            await memory.acquire(held)
            let outcome = await BlockingWork.run {
                process(job, in: folder, whole: whole, memory: memory, inspection: inspection)
            }
            await memory.release(held)
            return outcome
        }
        return await WorkerPool(workers: max(1, workers)).mapTasks(ordered, run)
    }

    /// Digests one file, as a stream.
    static func hash(_ job: HashJob, in folder: ConfinedFolder, memory: ByteBudget = .standard) -> HashOutcome {
        process(job, in: folder, whole: false, memory: memory, inspection: PayloadInspection<Never>?.none).0
    }

    /// Opens one job's file beneath the bag, digests it and, when it is marked for inspection, inspects it: from
    /// the bytes read when `whole`, else from the open descriptor after the streaming read.
    private static func process<Finding>(
        _ job: HashJob, in folder: ConfinedFolder, whole: Bool, memory: ByteBudget,
        inspection: PayloadInspection<Finding>?
    ) -> (HashOutcome, Finding?) {
        let file: ConfinedFolder.OpenFile
        do { file = try folder.openFile(job.diskPath) } catch {
            return (
                HashOutcome(
                    relativePath: job.relativePath, digests: [:], bytes: 0, failure: error.description,
                    leftBag: error.leavesFolder), nil
            )
        }
        let (outcome, content) = hash(job, descriptor: file.descriptor, size: file.size, keepingContent: whole, memory: memory)
        guard outcome.failure == nil, job.inspect, let inspection else { return (outcome, nil) }
        if let content { return (outcome, inspection.inspect(job.relativePath, content)) }
        guard let inspectFile = inspection.inspectFile else { return (outcome, nil) }
        return (outcome, inspectFile(job.relativePath, file.descriptor, file.size))
    }

    /// Digests one file from `descriptor` in chunks of the budget's read size; with `keepingContent`, the reads
    /// fill one buffer of the whole file (sized by `size`, grown if the file grew), returned as `Data` without a copy.
    private static func hash(
        _ job: HashJob, descriptor fd: Int32, size: UInt64, keepingContent: Bool,
        memory: ByteBudget
    ) -> (outcome: HashOutcome, content: Data?) {
        let fixity = job.algorithms.compactMap { if case .fixity(let a) = $0 { a } else { nil } }
        let others: [(BagAlgorithm, EVPDigest)] = job.algorithms.compactMap {
            if case .libcrypto(_, let evpName) = $0, let digest = EVPDigest(name: evpName) { ($0, digest) } else { nil }
        }
        #if os(Linux)
            _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        #endif
        let pool = memory.buffers
        let chunk = memory.readSize
        // One byte more than the file, so that the read that finds its end needs no bigger buffer. Whole-file and
        // chunk buffers alike come from the pool: a fresh one would be faulted in page by page.
        let first = pool.take(atLeast: keepingContent ? Int(size) + 1 : chunk)
        var buffer = UnsafeMutableRawBufferPointer(start: first, count: keepingContent ? pool.capacity(of: first) : chunk)
        var handedOver = false
        defer { if !handedOver { pool.give(buffer.baseAddress!) } }

        var multi = MultiDigest(fixity)
        let total: Int
        do throws(FileDigester.StreamFailure) {
            total = try FileDigester.stream(
                fd, into: &buffer, chunk: chunk, keeping: keepingContent, slice: slice,
                grow: { old, used in
                    let grown = pool.take(atLeast: old.count * 2)
                    grown.copyMemory(from: old.baseAddress!, byteCount: used)
                    pool.give(old.baseAddress!)
                    return UnsafeMutableRawBufferPointer(start: grown, count: pool.capacity(of: grown))
                }
            ) { piece in
                multi.update(piece)
                for (_, digest) in others { digest.update(piece) }
            }
        } catch {
            return (
                HashOutcome(
                    relativePath: job.relativePath, digests: [:], bytes: UInt64(error.bytesRead), failure: error.cause.message),
                nil
            )
        }
        var digests = [BagAlgorithm: String]()
        for (algorithm, value) in multi.finalize() { digests[.fixity(algorithm)] = value }
        for (algorithm, digest) in others { digests[algorithm] = hex(digest.finalize()) }
        let outcome = HashOutcome(relativePath: job.relativePath, digests: digests, bytes: UInt64(total), failure: nil)
        guard keepingContent else { return (outcome, nil) }
        handedOver = true
        return (
            outcome,
            Data(bytesNoCopy: buffer.baseAddress!, count: total, deallocator: .custom { pointer, _ in pool.give(pointer) })
        )
    }
}
