import QuireCore
import Foundation
import ImageCodecs

/// Decodes fuzz input through the Swift decoders (and so through the C shim over libtiff, libpng, libjpeg).
enum ImageFuzzing {
    /// A page limit far below the default 400 Mpx, so a file claiming a huge size is refused as `tooLarge`
    /// instead of every input allocating gigabytes under libFuzzer's 2 GB RSS limit; multi-page on, so the
    /// extra directories are read too.
    static let options = DecodeOptions(maxPixels: 4_000_000, acceptMultiPage: true)
    /// The same with multi-page files refused, the import default.
    static let singlePage = DecodeOptions(maxPixels: 4_000_000, acceptMultiPage: false)

    /// Decodes `data` as `format` (whatever its signature says), then checks it as `quire import` does.
    static func run(_ data: Data, as format: ImageFormat) {
        if let image = try? ImageDecoder.decode(data, as: format, options: options) {
            // A decode that succeeds must describe the bitmap it returns, and hold every byte of it.
            let bitmap = image.bitmap
            precondition(
                bitmap.width == image.info.width && bitmap.height == image.info.height,
                "bitmap \(bitmap.width)x\(bitmap.height) but info \(image.info.width)x\(image.info.height)")
            precondition(bitmap.bytes.count >= bitmap.bytesPerRow * bitmap.height, "bitmap shorter than its rows")
            sink(image)
        }
        sink(try? ImageDecoder.check(data, options: singlePage))
        sink(header(of: data))
    }

    /// What `ImageHeader` (the import's memory estimate, read before a file is loaded) makes of the same bytes,
    /// read from a file in /dev/shm (memory) as the import reads a delivered one.
    static func header(of data: Data) -> ImageHeader? {
        let path = "/dev/shm/quire-fuzz-header-\(getpid())"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        defer {
            close(fd)
            unlink(path)
        }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == data.count else { return nil }
        let header = ImageHeader.read(fd: fd, size: Int64(data.count))
        if let header { precondition(header.decodedBytes >= 0, "negative decoded size for \(header.summary)") }
        return header
    }
}
