extension Bitmap {
    /// The image as displayed, for pixels stored with `orientation`: mirrored, turned by quarter turns or
    /// transposed so that its first row is the top of the page and its first column the left side.
    ///
    /// Lossless and layout-generic: every layout, bilevel included, keeps its samples bit for bit (bilevel row
    /// padding stays 0). Orientations 5–8 swap width and height, and the resolution's x and y with them.
    /// `.topLeft` returns the bitmap unchanged.
    ///
    /// ```swift
    /// let upright = stored.applyingOrientation(.rightTop) // a page scanned lying on its left side
    /// ```
    public func applyingOrientation(_ orientation: Orientation) -> Bitmap {
        if orientation == .topLeft { return self }
        let (outWidth, outHeight) = orientation.displaySize(width: width, height: height)
        var resolution = self.resolution
        if orientation.swapsAxes, let stated = resolution { resolution = Resolution(x: stated.y, y: stated.x) }
        var out = Bitmap(width: outWidth, height: outHeight, layout: layout, resolution: resolution)
        guard outWidth > 0, outHeight > 0 else { return out }
        let (storedWidth, storedHeight, srcStride, dstStride) = (width, height, bytesPerRow, out.bytesPerRow)
        let bitsPerPixel = layout.channels * layout.bitsPerSample
        bytes.withUnsafeBufferPointer { source in
            out.bytes.withUnsafeMutableBufferPointer { target in
                let src = source.baseAddress!, dst = target.baseAddress!
                let geometry = OrientationWalk(orientation: orientation, width: storedWidth, height: storedHeight)
                if bitsPerPixel == 1 {
                    geometry.copyBits(
                        from: src, srcStride: srcStride, to: dst, dstStride: dstStride,
                        outWidth: outWidth, outHeight: outHeight)
                } else {
                    geometry.copyPixels(
                        from: src, srcStride: srcStride, to: dst, dstStride: dstStride,
                        outWidth: outWidth, outHeight: outHeight, pixelBytes: bitsPerPixel / 8)
                }
            }
        }
        return out
    }
}

/// Walks the stored image in display order: display pixel (x, y) is stored pixel
/// `orientation.storedPosition(x:y:width:height:)`, and one display step right or down is one stored step
/// along a row or a column.
private struct OrientationWalk {
    let orientation: Orientation
    let width: Int, height: Int
    /// The stored step (x, y) for one display pixel to the right.
    let right: (x: Int, y: Int)
    /// The stored step (x, y) for one display row down.
    let down: (x: Int, y: Int)

    /// Display rows handled together when the walk crosses stored rows: reads stay within a few cache lines.
    static let block = 16

    init(orientation: Orientation, width: Int, height: Int) {
        self.orientation = orientation
        self.width = width
        self.height = height
        let origin = orientation.storedPosition(x: 0, y: 0, width: width, height: height)
        let r = orientation.storedPosition(x: 1, y: 0, width: width, height: height)
        let d = orientation.storedPosition(x: 0, y: 1, width: width, height: height)
        right = (r.x - origin.x, r.y - origin.y)
        down = (d.x - origin.x, d.y - origin.y)
    }

    func copyPixels(
        from src: UnsafePointer<UInt8>, srcStride: Int, to dst: UnsafeMutablePointer<UInt8>,
        dstStride: Int, outWidth: Int, outHeight: Int, pixelBytes n: Int
    ) {
        if !orientation.swapsAxes {
            // Each display row is one stored row, read forwards or backwards.
            for y in 0..<outHeight {
                let start = orientation.storedPosition(x: 0, y: y, width: width, height: height)
                let from = src + start.y * srcStride + start.x * n
                let to = dst + y * dstStride
                if right.x > 0 {
                    to.update(from: from, count: outWidth * n)
                    continue
                }
                switch n {
                case 1: for x in 0..<outWidth { to[x] = from[-x] }
                case 3:
                    for x in 0..<outWidth {
                        let s = from - 3 * x, d = to + 3 * x
                        d[0] = s[0]; d[1] = s[1]; d[2] = s[2]
                    }
                default: for x in 0..<outWidth { (to + n * x).update(from: from - n * x, count: n) }
                }
            }
            return
        }
        // A display row is a stored column: walk display columns within a band of display rows, so the reads
        // for one display column are neighbours in one stored row.
        let step = down.x * n  // bytes, along a stored row, per display row down
        for y0 in stride(from: 0, to: outHeight, by: Self.block) {
            let rows = min(Self.block, outHeight - y0)
            for x in 0..<outWidth {
                let start = orientation.storedPosition(x: x, y: y0, width: width, height: height)
                let from = src + start.y * srcStride + start.x * n
                let to = dst + y0 * dstStride + x * n
                switch n {
                case 1: for r in 0..<rows { to[r * dstStride] = from[r * step] }
                case 3:
                    for r in 0..<rows {
                        let s = from + r * step, d = to + r * dstStride
                        d[0] = s[0]; d[1] = s[1]; d[2] = s[2]
                    }
                default: for r in 0..<rows { (to + r * dstStride).update(from: from + r * step, count: n) }
                }
            }
        }
    }

    /// The same walk for packed 1-bit rows (most significant bit first); `dst` starts zeroed.
    func copyBits(
        from src: UnsafePointer<UInt8>, srcStride: Int, to dst: UnsafeMutablePointer<UInt8>,
        dstStride: Int, outWidth: Int, outHeight: Int
    ) {
        @inline(__always) func bit(_ x: Int, _ y: Int) -> Bool {
            src[y * srcStride + x >> 3] & (0x80 >> UInt8(x & 7)) != 0
        }
        @inline(__always) func set(_ x: Int, _ y: Int) {
            dst[y * dstStride + x >> 3] |= 0x80 >> UInt8(x & 7)
        }
        if orientation == .bottomLeft {
            for y in 0..<outHeight {
                (dst + y * dstStride).update(from: src + (height - 1 - y) * srcStride, count: dstStride)
            }
            // Row padding comes along with the rows; a stored row's padding is 0 in every decoded bitmap, but
            // clear it rather than trust it.
            let used = outWidth % 8
            if used != 0 {
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - used))
                for y in 0..<outHeight { dst[y * dstStride + dstStride - 1] &= mask }
            }
            return
        }
        let band = orientation.swapsAxes ? Self.block : 1
        for y0 in stride(from: 0, to: outHeight, by: band) {
            let rows = min(band, outHeight - y0)
            for x in 0..<outWidth {
                var s = orientation.storedPosition(x: x, y: y0, width: width, height: height)
                for r in 0..<rows {
                    if bit(s.x, s.y) { set(x, y0 + r) }
                    s.x += down.x
                    s.y += down.y
                }
            }
        }
    }
}
