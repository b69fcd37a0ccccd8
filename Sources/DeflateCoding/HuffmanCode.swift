/// A length-limited canonical Huffman code (RFC 1951 §3.2.2) for an alphabet of up to a few hundred symbols.
///
/// Lengths come from a two-queue Huffman construction over the symbols sorted by (frequency, symbol), so the
/// same frequencies always give the same code; lengths over the limit are brought back with the Kraft
/// rebalancing zlib-style encoders use, then handed out shortest-first to the most frequent symbols.
struct HuffmanCode {
    /// Code length per symbol; 0 for a symbol that does not occur.
    var lengths: [UInt8]
    /// Per symbol: the canonical code, bit-reversed for Deflate's least-significant-bit-first packing, in the
    /// low 16 bits, and its length in bits 16…23.
    var entries: [UInt32]

    /// The code for `frequencies`, no length over `maxLength`. Needs at least two symbols with a non-zero
    /// frequency (the callers make sure of it) and fewer than `1 << maxLength` symbols.
    init(frequencies: [Int], maxLength: Int) {
        let lengths = Self.lengths(frequencies, maxLength: maxLength)
        self.lengths = lengths
        self.entries = Self.canonicalEntries(lengths, maxLength: maxLength)
    }

    /// Huffman code lengths, limited to `maxLength`.
    static func lengths(_ frequencies: [Int], maxLength: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: frequencies.count)
        let leaves = frequencies.indices.filter { frequencies[$0] > 0 }
            .sorted { (frequencies[$0], $0) < (frequencies[$1], $1) }
        let n = leaves.count
        if n == 0 { return result }
        if n == 1 {
            result[leaves[0]] = 1
            return result
        }
        // Two queues: the leaves in order, then the internal nodes in the order they are made (their weights
        // never decrease), so each merge takes the two lightest in O(1).
        var weight = [Int](repeating: 0, count: 2 * n - 1)
        var parent = [Int](repeating: 0, count: 2 * n - 1)
        for i in 0..<n { weight[i] = frequencies[leaves[i]] }
        var leaf = 0, inner = n, next = n
        func lightest() -> Int {
            if leaf < n && (inner >= next || weight[leaf] <= weight[inner]) {
                leaf += 1
                return leaf - 1
            }
            inner += 1
            return inner - 1
        }
        while next < 2 * n - 1 {
            let a = lightest(), b = lightest()
            weight[next] = weight[a] + weight[b]
            parent[a] = next
            parent[b] = next
            next += 1
        }
        // Parents are made after their children: walking down from the root gives every depth in one pass.
        var depth = [Int](repeating: 0, count: 2 * n - 1)
        for i in stride(from: 2 * n - 3, through: 0, by: -1) { depth[i] = depth[parent[i]] + 1 }

        var count = [Int](repeating: 0, count: maxLength + 1)
        for i in 0..<n { count[min(depth[i], maxLength)] += 1 }
        // Clamping over-subscribes the code; each step takes one code off the longest length and splits a
        // shorter one into two, lowering the Kraft sum by exactly one unit of 2^-maxLength.
        var total = 0
        for length in 1...maxLength { total += count[length] << (maxLength - length) }
        while total > 1 << maxLength {
            count[maxLength] -= 1
            for length in stride(from: maxLength - 1, through: 1, by: -1) where count[length] > 0 {
                count[length] -= 1
                count[length + 1] += 2
                break
            }
            total -= 1
        }
        // Shortest codes to the most frequent symbols (the leaves are in increasing frequency).
        var symbol = n - 1
        for length in 1...maxLength {
            for _ in 0..<count[length] {
                result[leaves[symbol]] = UInt8(length)
                symbol -= 1
            }
        }
        return result
    }

    /// Canonical codes (RFC 1951 §3.2.2), bit-reversed, with their lengths.
    static func canonicalEntries(_ lengths: [UInt8], maxLength: Int) -> [UInt32] {
        var count = [Int](repeating: 0, count: maxLength + 1)
        for length in lengths where length > 0 { count[Int(length)] += 1 }
        var nextCode = [Int](repeating: 0, count: maxLength + 2)
        var code = 0
        for bits in 1...maxLength {
            code = (code + count[bits - 1]) << 1
            nextCode[bits] = code
        }
        return lengths.map { length -> UInt32 in
            guard length > 0 else { return 0 }
            let value = nextCode[Int(length)]
            nextCode[Int(length)] += 1
            var reversed = 0
            for bit in 0..<Int(length) where value & (1 << bit) != 0 { reversed |= 1 << (Int(length) - 1 - bit) }
            return UInt32(reversed) | UInt32(length) << 16
        }
    }
}
