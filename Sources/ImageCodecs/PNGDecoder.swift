import CCodecShim
import Raster

/// libpng decoding through the C shim, which owns every setjmp. An eXIf chunk's Orientation is applied.
enum PNGDecoder {
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, options: DecodeOptions) throws(DecodeError) -> DecodedImage {
        var error = [CChar](repeating: 0, count: 512)
        var header = qs_png_info()
        guard let reader = qs_png_open_memory(bytes.baseAddress, bytes.count, &header, &error, error.count) else {
            throw .corrupt(message(from: error))
        }
        defer { qs_png_close(reader) }

        let width = Int(header.width), height = Int(header.height)
        try ImageDecoder.checkSize(width: width, height: height, options: options)
        let layout: PixelLayout
        switch (header.output_channels, header.output_bit_depth) {
        case (1, 1): layout = .bilevel
        case (1, 8): layout = .gray8
        case (1, 16): layout = .gray16
        case (2, 8): layout = .grayAlpha8
        case (2, 16): layout = .grayAlpha16
        case (3, 8): layout = .rgb8
        case (3, 16): layout = .rgb16
        case (4, 8): layout = .rgba8
        case (4, 16): layout = .rgba16
        default:
            throw .unsupported("PNG delivering \(header.output_channels) channels of \(header.output_bit_depth) bits")
        }
        var resolution: Resolution?
        if header.has_phys != 0, header.phys_unit == 1, header.phys_x > 0, header.phys_y > 0 {
            resolution = Resolution(x: Double(header.phys_x) * 0.0254, y: Double(header.phys_y) * 0.0254)
        }
        var bitmap = Bitmap(width: width, height: height, layout: layout, resolution: resolution)
        guard bitmap.bytesPerRow == header.row_bytes else {
            throw .unsupported("libpng row of \(header.row_bytes) bytes for a \(layout) row of \(bitmap.bytesPerRow)")
        }
        let stride = bitmap.bytesPerRow
        let status = bitmap.bytes.withUnsafeMutableBufferPointer {
            qs_png_read(reader, $0.baseAddress, stride, &error, error.count)
        }
        if status != 0 { throw .corrupt(message(from: error)) }
        bitmap.zeroRowPadding()  // a 1-bit row's unused last bits are whatever the file's filter left

        let colorType: ColorType
        let samples: Int
        switch header.color_type {
        case 0: colorType = header.bit_depth == 1 ? .bilevel : .gray; samples = 1
        case 2: colorType = .rgb; samples = 3
        case 3: colorType = .palette; samples = 1
        case 4: colorType = .grayAlpha; samples = 2
        default: colorType = .rgba; samples = 4
        }
        let icc = header.icc.map { Array(UnsafeBufferPointer(start: $0, count: header.icc_length)) }
        // An eXIf chunk's Orientation turns the page upright, as JPEG's EXIF does; size and resolution follow.
        let orientation =
            header.exif.flatMap { ExifIFD0.parse(Array(UnsafeBufferPointer(start: $0, count: header.exif_length)))?.orientation }
            ?? .topLeft
        bitmap = bitmap.applyingOrientation(orientation)
        let info = ImageInfo(
            format: .png, width: bitmap.width, height: bitmap.height, bitsPerSample: Int(header.bit_depth),
            samplesPerPixel: samples, colorType: colorType,
            compression: header.interlaced != 0 ? "deflate-adam7" : "deflate",
            resolution: bitmap.resolution, iccProfile: icc, orientation: orientation)
        return DecodedImage(bitmap: bitmap, info: info, converted: false)
    }
}
