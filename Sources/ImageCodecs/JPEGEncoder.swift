import CCodecShim
public import Raster

/// Writes 8-bit gray or RGB bitmaps as JFIF JPEG files through libjpeg(-turbo).
public enum JPEGEncoder {
    /// Encoding choices.
    public struct Options: Sendable, Equatable {
        /// libjpeg quality, 1...100.
        public var quality: Int
        /// Progressive instead of baseline.
        public var progressive: Bool

        /// Makes options.
        public init(quality: Int = 85, progressive: Bool = false) {
            self.quality = quality
            self.progressive = progressive
        }
    }

    /// Encodes `bitmap` (gray8 or rgb8) into memory; `name` labels errors.
    public static func encode(_ bitmap: Bitmap, options: Options = Options(), name: String) throws(EncodeError) -> [UInt8] {
        var settings = try settings(for: bitmap, options: options, path: name)
        var error = [CChar](repeating: 0, count: 512)
        var buffer: UnsafeMutablePointer<UInt8>?
        var length = 0
        let status = bitmap.bytes.withUnsafeBufferPointer {
            qs_jpeg_write_memory($0.baseAddress, bitmap.bytesPerRow, &settings, &buffer, &length, &error, error.count)
        }
        guard status == 0, let buffer else { throw EncodeError(path: name, message: message(from: error)) }
        defer { qs_free(buffer) }
        return Array(UnsafeBufferPointer(start: buffer, count: length))
    }

    /// Writes `bitmap` (gray8 or rgb8) to `path`; the JFIF density is the bitmap's resolution.
    public static func write(_ bitmap: Bitmap, to path: String, options: Options = Options()) throws(EncodeError) {
        var settings = try settings(for: bitmap, options: options, path: path)
        var error = [CChar](repeating: 0, count: 512)
        let status = bitmap.bytes.withUnsafeBufferPointer {
            qs_jpeg_write_file(path, $0.baseAddress, bitmap.bytesPerRow, &settings, &error, error.count)
        }
        if status != 0 { throw EncodeError(path: path, message: message(from: error)) }
    }

    private static func settings(for bitmap: Bitmap, options: Options, path: String) throws(EncodeError) -> qs_jpeg_write_options
    {
        guard bitmap.layout == .gray8 || bitmap.layout == .rgb8 else {
            throw EncodeError(path: path, message: "JPEG takes gray8 or rgb8 pixels, not \(bitmap.layout.rawValue)")
        }
        guard bitmap.width > 0, bitmap.height > 0, bitmap.width <= 65_500, bitmap.height <= 65_500 else {
            throw EncodeError(path: path, message: "JPEG takes 1 to 65,500 pixels a side, not \(bitmap.width)×\(bitmap.height)")
        }
        var settings = qs_jpeg_write_options()
        settings.width = UInt32(bitmap.width)
        settings.height = UInt32(bitmap.height)
        settings.components = Int32(bitmap.layout.channels)
        settings.quality = Int32(max(1, min(100, options.quality)))
        settings.progressive = options.progressive ? 1 : 0
        if let resolution = bitmap.resolution {
            settings.density_unit = 1
            settings.x_density = UInt16(clamping: Int(resolution.x.rounded()))
            settings.y_density = UInt16(clamping: Int(resolution.y.rounded()))
        }
        return settings
    }

}
