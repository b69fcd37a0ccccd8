import Foundation

/// Row-projection histogram of a point cloud at a trial angle, for `SkewDetector`.
struct Profile {
    let xs: [Float]
    let ys: [Float]
    let offset: Float
    var bins: [Float]

    init(points: (x: [Float], y: [Float])) {
        xs = points.x
        ys = points.y
        var radius: Float = 0
        for i in 0..<xs.count { radius = max(radius, abs(xs[i]) + abs(ys[i])) }
        offset = radius + 2
        bins = [Float](repeating: 0, count: Self.lanes * (Int(2 * offset) + 4))
    }

    /// Interleaved histograms: points in reading order fall into the same bins one after another, and a single
    /// histogram would make each add wait for the last one's store.
    static let lanes = 4

    /// Sum of squared bin counts of `r = x·sin θ + y·cos θ`, each point split linearly over two bins, using
    /// every `stride`-th point.
    mutating func score(degrees: Double, stride: Int) -> Double {
        let theta = degrees * .pi / 180
        let s = Float(sin(theta)), c = Float(cos(theta))
        let n = xs.count, offset = self.offset
        let length = bins.count / Self.lanes
        return bins.withUnsafeMutableBufferPointer { binBuffer -> Double in
            let bins = binBuffer.baseAddress!
            binBuffer.update(repeating: 0)
            xs.withUnsafeBufferPointer { xb in
                ys.withUnsafeBufferPointer { yb in
                    let xp = xb.baseAddress!, yp = yb.baseAddress!
                    @inline(__always) func add(_ i: Int, _ lane: UnsafeMutablePointer<Float>) {
                        let r = xp[i] * s + yp[i] * c + offset
                        let k = Int(r)
                        let f = r - Float(k)
                        lane[k] += 1 - f
                        lane[k + 1] += f
                    }
                    let b0 = bins, b1 = bins + length, b2 = bins + 2 * length, b3 = bins + 3 * length
                    var i = 0
                    while i + 3 * stride < n {
                        add(i, b0)
                        add(i + stride, b1)
                        add(i + 2 * stride, b2)
                        add(i + 3 * stride, b3)
                        i += 4 * stride
                    }
                    while i < n {
                        add(i, b0)
                        i += stride
                    }
                }
            }
            var total: Double = 0
            for k in 0..<length {
                let v = Double(bins[k] + bins[k + length] + (bins[k + 2 * length] + bins[k + 3 * length]))
                total += v * v
            }
            return total
        }
    }
}
