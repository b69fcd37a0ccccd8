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
        bins = [Float](repeating: 0, count: Int(2 * offset) + 4)
    }

    /// Sum of squared bin counts of `r = x·sin θ + y·cos θ`, each point split linearly over two bins, using
    /// every `stride`-th point.
    mutating func score(degrees: Double, stride: Int) -> Double {
        let theta = degrees * .pi / 180
        let s = Float(sin(theta)), c = Float(cos(theta))
        let n = xs.count, offset = self.offset
        return bins.withUnsafeMutableBufferPointer { binBuffer -> Double in
            let bins = binBuffer.baseAddress!
            binBuffer.update(repeating: 0)
            xs.withUnsafeBufferPointer { xb in
                ys.withUnsafeBufferPointer { yb in
                    let xp = xb.baseAddress!, yp = yb.baseAddress!
                    var i = 0
                    while i < n {
                        let r = xp[i] * s + yp[i] * c + offset
                        let k = Int(r)
                        let f = r - Float(k)
                        bins[k] += 1 - f
                        bins[k + 1] += f
                        i += stride
                    }
                }
            }
            var total: Double = 0
            for k in 0..<binBuffer.count { let v = Double(bins[k]); total += v * v }
            return total
        }
    }
}
