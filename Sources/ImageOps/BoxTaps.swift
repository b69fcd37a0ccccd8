/// The exact footprint of each output pixel on the source axis, for an area-average (box) resize.
///
/// Positions are measured in units of 1 / (source × destination) pixels, so every overlap is a whole number:
/// source pixel `j` covers `[j·dst, (j+1)·dst)` and output pixel `i` covers `[i·src, (i+1)·src)`. The weights
/// of one output pixel sum to `src`.
struct BoxTaps {
    /// First source index of each output pixel.
    let first: [Int]
    /// Start, in `weights`, of each output pixel's taps; `offsets[i + 1] - offsets[i]` taps.
    let offsets: [Int]
    /// Overlap of each tap, in the units above.
    let weights: [UInt32]

    init(source: Int, destination: Int) {
        var first = [Int](), offsets = [0], weights = [UInt32]()
        first.reserveCapacity(destination)
        offsets.reserveCapacity(destination + 1)
        weights.reserveCapacity(destination * (source / max(1, destination) + 2))
        for i in 0..<destination {
            let lo = i * source, hi = (i + 1) * source
            let j0 = lo / destination, j1 = (hi - 1) / destination
            first.append(j0)
            for j in j0...j1 {
                let overlap = min((j + 1) * destination, hi) - max(j * destination, lo)
                weights.append(UInt32(overlap))
            }
            offsets.append(weights.count)
        }
        self.first = first
        self.offsets = offsets
        self.weights = weights
    }

    /// The most taps any output pixel has.
    var widest: Int { zip(offsets.dropFirst(), offsets).map { $0 - $1 }.max() ?? 0 }

    /// Every output pixel's weights padded with zeros to `count` (at least `widest`): `count` per pixel, so a
    /// loop over them has a fixed trip count (the zero taps read past a pixel's footprint, never past the
    /// caller's padded row).
    func padded(to count: Int) -> [UInt32] {
        var result = [UInt32](repeating: 0, count: count * first.count)
        for i in 0..<first.count {
            for t in offsets[i]..<offsets[i + 1] { result[i * count + t - offsets[i]] = weights[t] }
        }
        return result
    }
}
