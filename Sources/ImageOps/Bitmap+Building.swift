import Raster

extension Bitmap {
    /// Makes a bitmap whose bytes are written by `fill`, without first zeroing them.
    ///
    /// `fill` must write every byte of the buffer it is given (`layout.bytesPerRow(width:) * height` bytes).
    static func build(
        width: Int, height: Int, layout: PixelLayout, resolution: Resolution?,
        fill: (UnsafeMutablePointer<UInt8>) -> Void
    ) -> Bitmap {
        let count = layout.bytesPerRow(width: width) * height
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0, let base = buffer.baseAddress { fill(base) }
            initialized = count
        }
        return Bitmap(width: width, height: height, layout: layout, bytes: bytes, resolution: resolution)
    }

    /// Calls `body` with a pointer to the first byte; nil for an empty bitmap.
    func withBase<R>(_ body: (UnsafePointer<UInt8>?) -> R) -> R {
        bytes.withUnsafeBufferPointer { body($0.baseAddress) }
    }

    /// Dots per inch horizontally and vertically: the recorded resolution, or, when the source gave none,
    /// the density an A4 page (297 mm on its long side) of this size would have.
    var densityOrA4Guess: (x: Double, y: Double) {
        if let r = resolution, r.x > 0, r.y > 0 { return (r.x, r.y) }
        let guess = Double(Swift.max(width, height)) / (297.0 / 25.4)
        return (guess, guess)
    }
}
