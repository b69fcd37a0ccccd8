public import Raster

/// Finds and removes the dark bands a flatbed or ADF scanner leaves around a page.
///
/// Rule: a row or column is border when its mean gray is below `darkThreshold` (default 60) and it is
/// contiguous with the image edge through other border rows or columns. Row means are taken over the
/// columns not already found to be border, and column means over the rows not found to be border (two
/// rounds), so a wide side band does not hide a thin top band. The crop never cuts into the page: a band of
/// uneven width is removed only as far as its columns are dark on average, so some dark wedge may remain.
/// A side whose dark run exceeds `maximumFraction` of the dimension (default 25%) is taken to be page
/// content (a dark photo, black paper) and left alone.
///
/// ```swift
/// if let rect = BorderCrop.detect(scan) { scan = BorderCrop.crop(scan, to: rect) }
/// ```
public enum BorderCrop {
    /// The page rectangle inside dark scanner borders of `image` (any layout), or nil when no edge has a
    /// dark border.
    public static func detect(_ image: Bitmap, darkThreshold: Int = 60, maximumFraction: Double = 0.25) -> CropRect? {
        let gray = ColorConversion.toGray8(image)
        let w = gray.width, h = gray.height
        guard w > 2, h > 2 else { return nil }
        var left = 0, right = w, top = 0, bottom = h
        var columnSums = [Int](repeating: 0, count: w)
        var rowSums = [Int](repeating: 0, count: h)
        let maxColumns = Int(Double(w) * maximumFraction), maxRows = Int(Double(h) * maximumFraction)

        for _ in 0..<2 {
            sums(gray, rows: top..<bottom, columns: left..<right, rowSums: &rowSums, columnSums: &columnSums)
            // Column means over rows top..<bottom; row means over columns left..<right.
            let rowCount = bottom - top, columnCount = right - left
            let columnDark = { (x: Int) in columnSums[x] < darkThreshold * rowCount }
            let rowDark = { (y: Int) in rowSums[y] < darkThreshold * columnCount }
            var l = 0
            while l < w && columnDark(l) { l += 1 }
            var r = w
            while r > l && columnDark(r - 1) { r -= 1 }
            var t = 0
            while t < h && rowDark(t) { t += 1 }
            var b = h
            while b > t && rowDark(b - 1) { b -= 1 }
            if l >= r || t >= b { return nil }  // all dark: no page to find
            left = l <= maxColumns ? l : 0
            right = w - r <= maxColumns ? r : w
            top = t <= maxRows ? t : 0
            bottom = h - b <= maxRows ? b : h
        }
        if left == 0 && top == 0 && right == w && bottom == h { return nil }
        return CropRect(x: left, y: top, width: right - left, height: bottom - top)
    }

    /// The part of `bitmap` (any layout) inside `rect`, which must lie within the bitmap. Resolution is kept.
    public static func crop(_ bitmap: Bitmap, to rect: CropRect) -> Bitmap {
        precondition(
            rect.x >= 0 && rect.y >= 0 && rect.width >= 0 && rect.height >= 0
                && rect.maxX <= bitmap.width && rect.maxY <= bitmap.height, "crop rectangle outside the bitmap")
        let layout = bitmap.layout, stride = bitmap.bytesPerRow
        let outStride = layout.bytesPerRow(width: rect.width)
        return bitmap.withBase { src in
            Bitmap.build(width: rect.width, height: rect.height, layout: layout, resolution: bitmap.resolution) { dst in
                guard let src else { return }
                if layout == .bilevel {
                    let shift = rect.x & 7
                    let used = rect.width & 7
                    let lastMask: UInt8 = used == 0 ? 0xFF : UInt8(truncatingIfNeeded: 0xFF << (8 - used))
                    for y in 0..<rect.height {
                        let s = src + (rect.y + y) * stride + rect.x >> 3
                        let sourceEnd = src + (rect.y + y + 1) * stride
                        let d = dst + y * outStride
                        for i in 0..<outStride {
                            if shift == 0 {
                                d[i] = s[i]
                            } else {
                                let high = s[i] << UInt8(shift)
                                let low = s + i + 1 < sourceEnd ? s[i + 1] >> UInt8(8 - shift) : 0
                                d[i] = high | low
                            }
                        }
                        if outStride > 0 { d[outStride - 1] &= lastMask }
                    }
                } else {
                    let bytesPerPixel = layout.channels * layout.bitsPerSample / 8
                    for y in 0..<rect.height {
                        (dst + y * outStride).update(
                            from: src + (rect.y + y) * stride + rect.x * bytesPerPixel,
                            count: outStride)
                    }
                }
            }
        }
    }

    /// Sums of `gray` over `columns` for each row in `rows`, and over `rows` for each column in `columns`.
    static func sums(
        _ gray: Bitmap, rows: Range<Int>, columns: Range<Int>,
        rowSums: inout [Int], columnSums: inout [Int]
    ) {
        let w = gray.width, h = gray.height
        var columnAccumulator = [UInt32](repeating: 0, count: w)
        for i in 0..<h { rowSums[i] = 0 }
        gray.withBase { src in
            guard let src else { return }
            columnAccumulator.withUnsafeMutableBufferPointer { cb in
                let acc = cb.baseAddress!
                var rowTotals = [Int](repeating: 0, count: h)
                for y in 0..<h {
                    let row = src + y * w
                    var total: UInt32 = 0
                    for x in columns { total &+= UInt32(row[x]) }
                    rowTotals[y] = Int(total)
                    if rows.contains(y) {
                        for x in 0..<w { acc[x] &+= UInt32(row[x]) }
                    }
                }
                rowSums = rowTotals
            }
        }
        for x in 0..<w { columnSums[x] = Int(columnAccumulator[x]) }
    }
}
