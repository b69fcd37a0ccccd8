import CCodecShim
import Raster

/// libjpeg(-turbo) decoding through the C shim, which owns every setjmp.
///
/// An EXIF Orientation other than 1 is applied after the decode (``Bitmap/applyingOrientation(_:)``), so the
/// bitmap, its size and its resolution are the page as displayed.
///
/// The verdict follows libjpeg's own warnings, told apart by message code in the shim, never by their text:
/// - a few extraneous bytes before a marker (JWRN_EXTRANEOUS_DATA, "Corrupt JPEG data: 3 extraneous bytes
///   before marker 0xd9") cost no pixel: the file is accepted, with libjpeg's sentence in
///   ``ImageInfo/warnings`` for the page's record;
/// - an ICC profile whose APP2 chunks are missing, repeated or misnumbered (JWRN_BOGUS_ICC) is dropped, with a
///   warning; a whole profile is joined from all its chunks in the shim, while libjpeg still holds them;
/// - every other warning (premature end of file, a marker hit inside the data, bad Huffman codes) means
///   libjpeg patched up damaged data, and a progressive file whose scans stop before every coefficient
///   arrived decodes blurred without a word from libjpeg: both are ``DecodeError/corrupt(_:)``.
enum JPEGDecoder {
    // J_COLOR_SPACE values from jpeglib.h.
    private static let jcsGrayscale: Int32 = 1
    private static let jcsRGB: Int32 = 2
    private static let jcsYCbCr: Int32 = 3
    private static let jcsCMYK: Int32 = 4
    private static let jcsYCCK: Int32 = 5

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, options: DecodeOptions) throws(DecodeError) -> DecodedImage {
        var error = [CChar](repeating: 0, count: 512)
        var header = qs_jpeg_info()
        let maxPixels = UInt64(clamping: options.maxPixels)
        guard let reader = qs_jpeg_open_memory(bytes.baseAddress, bytes.count, maxPixels, &header, &error, error.count) else {
            if header.too_large != 0 {
                throw .tooLarge(width: Int(header.width), height: Int(header.height), limit: options.maxPixels)
            }
            throw classify(message(from: error))
        }
        defer { qs_jpeg_close(reader) }
        // The shim's copies, the caller's to free: taken into arrays at once, whatever happens next.
        let exifBytes = header.exif.map { Array(UnsafeBufferPointer(start: $0, count: header.exif_length)) }
        let icc = header.icc.map { Array(UnsafeBufferPointer(start: $0, count: header.icc_length)) }
        qs_free(header.exif)
        qs_free(header.icc)

        let width = Int(header.width), height = Int(header.height)
        try ImageDecoder.checkSize(width: width, height: height, options: options)
        let layout: PixelLayout
        switch header.output_components {
        case 1: layout = .gray8
        case 3: layout = .rgb8
        case 4: layout = .cmyk8
        default: throw .unsupported("JPEG with \(header.output_components) output components")
        }

        let exif = exifBytes.flatMap { ExifIFD0.parse($0) }
        var bitmap = Bitmap(width: width, height: height, layout: layout, resolution: resolution(of: header, exif: exif))
        let stride = bitmap.bytesPerRow
        let status = bitmap.bytes.withUnsafeMutableBufferPointer {
            qs_jpeg_read(reader, $0.baseAddress, stride, &error, error.count)
        }
        if status != 0 { throw classify(message(from: error)) }
        let orientation = exif?.orientation ?? .topLeft
        bitmap = bitmap.applyingOrientation(orientation)

        let colorType: ColorType =
            switch header.jpeg_color_space {
            case jcsGrayscale: .gray
            case jcsRGB: .rgb
            case jcsCMYK, jcsYCCK: .cmyk
            default: .ycbcr
            }
        var compression = header.progressive != 0 ? "progressive" : "baseline"
        if header.arithmetic != 0 { compression += "-arithmetic" }
        let warnings = (0..<qs_jpeg_note_count(reader)).compactMap { qs_jpeg_note(reader, $0).map { String(cString: $0) } }
        let info = ImageInfo(
            format: .jpeg, width: bitmap.width, height: bitmap.height,
            bitsPerSample: Int(header.data_precision),
            samplesPerPixel: Int(header.source_components), colorType: colorType,
            compression: compression, resolution: bitmap.resolution, iccProfile: icc,
            orientation: orientation, warnings: warnings)
        return DecodedImage(bitmap: bitmap, info: info, converted: false)
    }

    private static func classify(_ text: String) -> DecodeError {
        if text.contains("Unsupported JPEG data precision") || text.contains("Unsupported color conversion") {
            return .unsupported(text)
        }
        return .corrupt(text)
    }

    /// JFIF density when it is real (units 1 or 2), else EXIF XResolution/YResolution, else nil; of the image
    /// as stored.
    private static func resolution(of header: qs_jpeg_info, exif: ExifIFD0?) -> Resolution? {
        if header.saw_jfif != 0, header.x_density > 0, header.y_density > 0 {
            if header.density_unit == 1 { return Resolution(x: Double(header.x_density), y: Double(header.y_density)) }
            if header.density_unit == 2 {
                return Resolution(xPerCentimetre: Double(header.x_density), yPerCentimetre: Double(header.y_density))
            }
        }
        return exif?.resolution
    }
}
