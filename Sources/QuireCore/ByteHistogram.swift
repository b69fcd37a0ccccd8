/// Counts of each byte value, kept in four interleaved tables.
///
/// Neighbouring bytes of an image (paper) or of predictor residues share values, and with one table each count
/// would wait for the store of the one before; four tables let four counts be in flight. `counts` folds them.
///
/// ```swift
/// var histogram = ByteHistogram()
/// histogram.add(row, count: width)
/// let paper = histogram.counts.firstIndex { $0 > 0 }
/// ```
public struct ByteHistogram: Sendable {
    private var tables = [UInt32](repeating: 0, count: 4 * 256)

    /// An empty histogram.
    public init() {}

    /// Counts `count` bytes from `bytes` (at most 2^32 − 1 of one value in all).
    public mutating func add(_ bytes: UnsafePointer<UInt8>, count: Int) {
        tables.withUnsafeMutableBufferPointer { t in
            let t = t.baseAddress!
            var i = 0
            while i + 4 <= count {
                t[Int(bytes[i])] &+= 1
                t[256 &+ Int(bytes[i &+ 1])] &+= 1
                t[512 &+ Int(bytes[i &+ 2])] &+= 1
                t[768 &+ Int(bytes[i &+ 3])] &+= 1
                i &+= 4
            }
            while i < count {
                t[Int(bytes[i])] &+= 1
                i &+= 1
            }
        }
    }

    /// The count of each value 0…255.
    public var counts: [Int] {
        var result = [Int](repeating: 0, count: 256)
        for table in 0..<4 {
            for value in 0..<256 { result[value] += Int(tables[table << 8 | value]) }
        }
        return result
    }
}
