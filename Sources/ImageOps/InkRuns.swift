/// Horizontal runs of ink pixels and their 8-connected components, for `BlankPageDetector`.
///
/// Coordinates are relative to the inspected area's top-left corner; `x1` is inclusive.
struct InkRuns {
    var y: [Int32] = []
    var x0: [Int32] = []
    var x1: [Int32] = []
    /// Component of each run, 0..<components().count, valid after `components()`.
    var label: [Int] = []
    private var parent: [Int32] = []

    /// The bounding box of one component.
    struct Box { var minX: Int32; var minY: Int32; var maxX: Int32; var maxY: Int32 }

    var count: Int { y.count }

    /// Collects the runs of pixels `<= limit` in the area and unions runs touching across rows.
    mutating func collect(
        _ src: UnsafePointer<UInt8>, stride: Int, x0 ax: Int, y0 ay: Int,
        width: Int, height: Int, limit: UInt8
    ) {
        var previousStart = 0, previousEnd = 0
        for row in 0..<height {
            let p = src + (ay + row) * stride + ax
            let start = y.count
            var x = 0
            let paper = SIMD16<UInt8>(repeating: limit)
            while x < width {
                // Paper sixteen pixels at a time: most of a page has no ink.
                if x + 16 <= width,
                    !any(UnsafeRawPointer(p + x).loadUnaligned(as: SIMD16<UInt8>.self) .<= paper)
                {
                    x += 16
                    continue
                }
                if p[x] > limit { x += 1; continue }
                let begin = x
                while x < width && p[x] <= limit { x += 1 }
                y.append(Int32(row)); x0.append(Int32(begin)); x1.append(Int32(x - 1))
                parent.append(Int32(y.count - 1))
            }
            let end = y.count
            // Union with overlapping (8-connected) runs of the previous row: two-pointer sweep.
            var i = previousStart, j = start
            while i < previousEnd && j < end {
                if x1[i] + 1 < x0[j] { i += 1; continue }
                if x1[j] + 1 < x0[i] { j += 1; continue }
                union(i, j)
                if x1[i] < x1[j] { i += 1 } else { j += 1 }
            }
            previousStart = start
            previousEnd = end
        }
    }

    private mutating func find(_ i: Int) -> Int {
        var root = i
        while Int(parent[root]) != root { root = Int(parent[root]) }
        var k = i
        while Int(parent[k]) != root { let next = Int(parent[k]); parent[k] = Int32(root); k = next }
        return root
    }

    private mutating func union(_ a: Int, _ b: Int) {
        let ra = find(a), rb = find(b)
        if ra != rb { parent[max(ra, rb)] = Int32(min(ra, rb)) }
    }

    /// Labels every run and returns each component's bounding box.
    mutating func components() -> [Box] {
        var boxes = [Box]()
        var index = [Int](repeating: -1, count: y.count)
        label = [Int](repeating: 0, count: y.count)
        for r in 0..<y.count {
            let root = find(r)
            if index[root] < 0 {
                index[root] = boxes.count
                boxes.append(Box(minX: x0[r], minY: y[r], maxX: x1[r], maxY: y[r]))
            }
            let k = index[root]
            label[r] = k
            boxes[k].minX = min(boxes[k].minX, x0[r]); boxes[k].maxX = max(boxes[k].maxX, x1[r])
            boxes[k].minY = min(boxes[k].minY, y[r]); boxes[k].maxY = max(boxes[k].maxY, y[r])
        }
        return boxes
    }
}
