public import QuireCore
public import Foundation
import Raster

/// Decodes TIFF, PNG and JPEG files held in memory into a `Bitmap`.
///
/// The decode is the integrity check: every strip, tile, scanline and chunk is read, so a file that
/// decodes here opens in any conforming reader.
///
/// Pages come out as displayed: a TIFF Orientation tag or JPEG EXIF Orientation other than 1 is applied to the
/// pixels, and ``ImageInfo`` gives the displayed size with the orientation the file stated.
///
/// ```swift
/// let data = try Data(contentsOf: url, options: .alwaysMapped)
/// let page = try ImageDecoder.decode(data)
/// print(page.info.colorType, page.info.resolution?.effectiveDPI ?? 0)
/// ```
public enum ImageDecoder {
    /// Decodes `data`, whose format is found from its signature.
    public static func decode(_ data: Data, options: DecodeOptions = DecodeOptions()) throws(DecodeError) -> DecodedImage {
        guard let format = ImageFormat.sniff(data.prefix(8)) else { throw .unrecognizedFormat }
        return try decode(data, as: format, options: options)
    }

    /// Decodes `data` as the given format.
    public static func decode(
        _ data: Data, as format: ImageFormat,
        options: DecodeOptions = DecodeOptions()
    ) throws(DecodeError) -> DecodedImage {
        let result: Result<DecodedImage, DecodeError> = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count > 0 else {
                return .failure(.corrupt("file is empty"))
            }
            let bytes = UnsafeBufferPointer(start: base, count: raw.count)
            do throws(DecodeError) {
                switch format {
                case .jpeg: return .success(try JPEGDecoder.decode(bytes, options: options))
                case .png: return .success(try PNGDecoder.decode(bytes, options: options))
                case .tiff: return .success(try TIFFDecoder.decode(bytes, options: options))
                }
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Decodes `data` in full, as ``decode(_:options:)`` does, and keeps only what the file says about itself.
    ///
    /// Every strip, tile, scanline and chunk is still read and decompressed (a file that passes here decodes
    /// with `decode`), but TIFFs in an exact layout are read through one strip- or tile-sized scratch buffer
    /// instead of a page-sized bitmap: the integrity check without the allocation. For checks that need no pixels.
    /// The info is the one a full decode returns: the size of the page as displayed (a TIFF Orientation or EXIF
    /// Orientation of 5–8 swaps width and height), though no pixels are turned.
    public static func check(_ data: Data, options: DecodeOptions = DecodeOptions()) throws(DecodeError) -> ImageInfo {
        guard let format = ImageFormat.sniff(data.prefix(8)) else { throw .unrecognizedFormat }
        guard format == .tiff else { return try decode(data, as: format, options: options).info }
        let result: Result<ImageInfo, DecodeError> = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count > 0 else {
                return .failure(.corrupt("file is empty"))
            }
            do throws(DecodeError) {
                return .success(try TIFFDecoder.check(UnsafeBufferPointer(start: base, count: raw.count), options: options))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Checks the image of `size` bytes open at `descriptor` (read with `pread`: its offset is left alone, and it
    /// is not closed) as ``check(_:options:)`` does, holding at most `memoryLimit` bytes at once: for a file too
    /// large to read whole. TIFFs are read one strip or tile at a time; a TIFF whose largest strip or tile (or,
    /// for layouts only libtiff's RGBA reader takes, whose page) is over the limit, and a PNG or JPEG larger than
    /// the limit, is not decoded: the result says how much it would need.
    public static func check(
        descriptor: Int32, size: UInt64, memoryLimit: Int,
        options: DecodeOptions = DecodeOptions()
    ) -> StreamedCheck {
        var signature = [UInt8](repeating: 0, count: 8)
        let read = signature.withUnsafeMutableBytes { (try? Syscall.pread(descriptor, into: $0, at: 0)) ?? -1 }
        guard read > 0, let format = ImageFormat.sniff(Data(signature.prefix(read))) else {
            return read == 0 ? .failed(.corrupt("file is empty")) : .failed(.unrecognizedFormat)
        }
        if format == .tiff {
            return TIFFDecoder.check(descriptor: descriptor, size: size, memoryLimit: memoryLimit, options: options)
        }
        guard size <= UInt64(memoryLimit) else { return .needsMoreMemory(bytes: Int(clamping: size)) }
        var data = Data(count: Int(size))
        let complete = data.withUnsafeMutableBytes { raw in (try? Syscall.pread(descriptor, into: raw, at: 0)) == raw.count }
        guard complete else { return .failed(.corrupt("the file could not be read in full")) }
        do throws(DecodeError) { return .decoded(try check(data, options: options)) } catch { return .failed(error) }
    }

    static func checkSize(width: Int, height: Int, options: DecodeOptions) throws(DecodeError) {
        guard width > 0, height > 0 else { throw .corrupt("image has zero width or height") }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        if overflow || pixels > options.maxPixels {
            throw .tooLarge(width: width, height: height, limit: options.maxPixels)
        }
    }
}

/// Turns a C message buffer into a Swift string.
func message(from buffer: [CChar]) -> String {
    let text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    return text.isEmpty ? "unknown error" : text
}
