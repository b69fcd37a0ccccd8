import Foundation
import Synchronization

/// Whole-file buffers kept for reuse. A fresh buffer of several megabytes costs the kernel a zero-filled page
/// per 4 KiB on first touch (about a tenth of `quire verify`'s CPU time when every file had a new one);
/// a reused one is already mapped. At most `limit` buffers are kept: as many as files are read at once, none
/// larger than `largestKept` (a buffer for an unusually large file is released at once), and no more than
/// `keptBytes` in all.
final class ContentBuffers: Sendable {
    let limit = 8
    let keptBytes: Int
    let largestKept: Int

    init(keptBytes: Int) {
        self.keptBytes = keptBytes
        largestKept = min(128 << 20, keptBytes)
    }

    /// An address and its capacity, kept as integers: the pool hands each buffer to one reader at a time.
    private let state = Mutex<(free: [(address: Int, capacity: Int)], capacities: [Int: Int])>(([], [:]))

    /// A buffer of at least `bytes`, reused when one is free.
    func take(atLeast bytes: Int) -> UnsafeMutableRawPointer {
        let reused: Int? = state.withLock { s in
            guard
                let index = s.free.indices.filter({ s.free[$0].capacity >= bytes }).min(by: {
                    s.free[$0].capacity < s.free[$1].capacity
                })
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

    /// Returns a buffer; the largest `limit` free ones are kept, within `keptBytes`, the others released.
    func give(_ buffer: UnsafeMutableRawPointer) {
        let dropped: [Int] = state.withLock { s in
            let address = Int(bitPattern: buffer)
            let capacity = s.capacities[address] ?? 0
            if capacity > largestKept {
                s.capacities[address] = nil
                return [address]
            }
            s.free.append((address, capacity))
            var gone: [Int] = []
            func drop(_ index: Int) {
                let address = s.free.remove(at: index).address
                s.capacities[address] = nil
                gone.append(address)
            }
            while s.free.count > limit, let smallest = s.free.indices.min(by: { s.free[$0].capacity < s.free[$1].capacity }) {
                drop(smallest)
            }
            while s.free.reduce(0, { $0 + $1.capacity }) > keptBytes,
                let largest = s.free.indices.max(by: { s.free[$0].capacity < s.free[$1].capacity })
            {
                drop(largest)
            }
            return gone
        }
        for address in dropped { UnsafeMutableRawPointer(bitPattern: address)!.deallocate() }
    }
}
