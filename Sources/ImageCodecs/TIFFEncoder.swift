import CCodecShim
import CTIFF
import DeflateCoding
public import QuireCore
public import Raster

/// Writes a `Bitmap` as a baseline TIFF 6.0 file through libtiff.
///
/// The caller owns durability: write to a temporary name, then fsync and rename (see `DurableFile`).
/// No wall-clock time is written unless `dateTime` is given, so the same input gives the same bytes.
public enum TIFFEncoder {
    /// TIFF compression schemes Quire writes: the masters' vocabulary, `QuireCore.MasterCompression`.
    public typealias Compression = MasterCompression

    /// What to write besides the pixels.
    public struct Options: Sendable, Equatable {
        /// How the pixels are compressed (default LZW); G4 only for bilevel bitmaps.
        public var compression: Compression
        /// Horizontal differencing before LZW/Deflate (8 and 16-bit layouts only).
        public var predictor: Bool
        /// The ImageDescription tag (Quire writes the 档号 and page); nil writes none.
        public var imageDescription: String?
        /// The Software tag, naming the program that wrote the file; nil writes none.
        public var software: String?
        /// The scanner's maker, as the Make tag; nil writes none.
        public var make: String?
        /// The scanner's model, as the Model tag; nil writes none.
        public var model: String?
        /// `YYYY:MM:DD HH:MM:SS`, from process metadata; never the current time.
        public var dateTime: String?
        /// The Artist tag (who created the image); nil writes none.
        public var artist: String?
        /// An ICC colour profile to embed (the ICCProfile tag); nil or empty embeds none.
        public var iccProfile: [UInt8]?
        /// Rows per strip; nil lets Quire pick about 64 KiB of uncompressed data per strip.
        public var rowsPerStrip: Int?
        /// How hard Deflate compresses: Huffman coding only (Quire's own encoder), or libdeflate's level 1–12
        /// through libtiff (libtiff's default is 6).
        public var deflate: DeflateEffort = .level(6)

        /// Makes options.
        public init(
            compression: Compression = .lzw, predictor: Bool = true, imageDescription: String? = nil,
            software: String? = nil, make: String? = nil, model: String? = nil, dateTime: String? = nil,
            artist: String? = nil, iccProfile: [UInt8]? = nil, rowsPerStrip: Int? = nil, deflate: DeflateEffort = .level(6)
        ) {
            self.compression = compression
            self.predictor = predictor
            self.imageDescription = imageDescription
            self.software = software
            self.make = make
            self.model = model
            self.dateTime = dateTime
            self.artist = artist
            self.iccProfile = iccProfile
            self.rowsPerStrip = rowsPerStrip
            self.deflate = deflate
        }
    }

    /// Writes `bitmap` to `path`, replacing any file there.
    public static func write(_ bitmap: Bitmap, to path: String, options: Options) throws(EncodeError) {
        try checkSize(bitmap, path: path)
        var error = [CChar](repeating: 0, count: 512)
        guard let file = qs_tiff_open_write(path, mode(bitmap), &error, error.count) else {
            throw EncodeError(path: path, message: message(from: error))
        }
        do {
            try fill(file, with: bitmap, options: options, path: path)
        } catch {
            _ = qs_tiff_close(file)
            throw error
        }
        if qs_tiff_close(file) != 0 {
            throw EncodeError(path: path, message: "libtiff reported an error while closing the file")
        }
    }

    /// Encodes `bitmap` into memory, so the caller can digest the bytes before writing them once.
    /// `name` labels errors.
    public static func encode(_ bitmap: Bitmap, options: Options, name: String) throws(EncodeError) -> [UInt8] {
        try checkSize(bitmap, path: name)
        var error = [CChar](repeating: 0, count: 512)
        guard let file = qs_tiff_open_memory_write(mode(bitmap), &error, error.count) else {
            throw EncodeError(path: name, message: message(from: error))
        }
        do {
            try fill(file, with: bitmap, options: options, path: name)
        } catch {
            var ignored: UnsafeMutablePointer<UInt8>?
            var length = 0
            _ = qs_tiff_close_taking_buffer(file, &ignored, &length)
            qs_free(ignored)
            throw error
        }
        var buffer: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard qs_tiff_close_taking_buffer(file, &buffer, &length) == 0, let buffer else {
            throw EncodeError(path: name, message: "libtiff reported an error while finishing the file")
        }
        defer { qs_free(buffer) }
        return Array(UnsafeBufferPointer(start: buffer, count: length))
    }

    private static func checkSize(_ bitmap: Bitmap, path: String) throws(EncodeError) {
        // libtiff would write a 0×0 directory without complaint, which no reader opens.
        guard bitmap.width > 0, bitmap.height > 0 else {
            throw EncodeError(path: path, message: "cannot write an empty \(bitmap.width)×\(bitmap.height) image")
        }
    }

    private static func mode(_ bitmap: Bitmap) -> String {
        bitmap.bytes.count > 3_900_000_000 ? "w8" : "w"
    }

    /// Sets the tags and writes the strips of an open TIFF writer.
    private static func fill(_ file: OpaquePointer, with bitmap: Bitmap, options: Options, path: String) throws(EncodeError) {
        let tif = qs_tiff_handle(file)!
        func fail(_ what: String) -> EncodeError {
            EncodeError(path: path, message: qs_tiff_error(file).map { String(cString: $0) } ?? what)
        }

        let layout = bitmap.layout
        if options.compression == .g4 && layout != .bilevel {
            throw EncodeError(path: path, message: "CCITT G4 needs a bilevel image, not \(layout.rawValue)")
        }
        let photometric: UInt16
        switch layout {
        case .bilevel:
            // Bilevel masters are written min-is-white (0 = white), as fax codecs and archives expect.
            photometric = UInt16(PHOTOMETRIC_MINISWHITE)
        case .gray8, .gray16, .grayAlpha8, .grayAlpha16: photometric = UInt16(PHOTOMETRIC_MINISBLACK)
        case .rgb8, .rgb16, .rgba8, .rgba16: photometric = UInt16(PHOTOMETRIC_RGB)
        case .cmyk8: photometric = UInt16(PHOTOMETRIC_SEPARATED)
        }
        var ok = true
        ok = ok && qs_tiff_set_u32(tif, UInt32(TIFFTAG_IMAGEWIDTH), UInt32(bitmap.width)) != 0
        ok = ok && qs_tiff_set_u32(tif, UInt32(TIFFTAG_IMAGELENGTH), UInt32(bitmap.height)) != 0
        ok = ok && qs_tiff_set_u16(tif, UInt32(TIFFTAG_BITSPERSAMPLE), UInt16(layout.bitsPerSample)) != 0
        ok = ok && qs_tiff_set_u16(tif, UInt32(TIFFTAG_SAMPLESPERPIXEL), UInt16(layout.channels)) != 0
        ok = ok && qs_tiff_set_u16(tif, UInt32(TIFFTAG_PHOTOMETRIC), photometric) != 0
        ok = ok && qs_tiff_set_u16(tif, UInt32(TIFFTAG_PLANARCONFIG), UInt16(PLANARCONFIG_CONTIG)) != 0
        ok = ok && qs_tiff_set_u16(tif, UInt32(TIFFTAG_ORIENTATION), UInt16(ORIENTATION_TOPLEFT)) != 0
        ok = ok && qs_tiff_set_u16(tif, UInt32(TIFFTAG_COMPRESSION), options.compression.tag) != 0
        if layout.hasAlpha {
            var unassociated = UInt16(EXTRASAMPLE_UNASSALPHA)
            ok = ok && qs_tiff_set_extrasamples(tif, 1, &unassociated) != 0
        }
        let usesPredictor =
            options.predictor && layout.bitsPerSample >= 8
            && (options.compression == .lzw || options.compression == .deflate)
        if usesPredictor {
            ok = ok && qs_tiff_set_u16(tif, UInt32(TIFFTAG_PREDICTOR), UInt16(PREDICTOR_HORIZONTAL)) != 0
        }
        if options.compression == .deflate, case .level(let level) = options.deflate {
            ok = ok && qs_tiff_set_u32(tif, UInt32(TIFFTAG_ZIPQUALITY), UInt32(max(1, min(12, level)))) != 0
        }
        if let resolution = bitmap.resolution {
            ok = ok && qs_tiff_set_double(tif, UInt32(TIFFTAG_XRESOLUTION), resolution.x) != 0
            ok = ok && qs_tiff_set_double(tif, UInt32(TIFFTAG_YRESOLUTION), resolution.y) != 0
            ok = ok && qs_tiff_set_u16(tif, UInt32(TIFFTAG_RESOLUTIONUNIT), UInt16(RESUNIT_INCH)) != 0
        }
        let strings: [(Int32, String?)] = [
            (TIFFTAG_IMAGEDESCRIPTION, options.imageDescription), (TIFFTAG_SOFTWARE, options.software),
            (TIFFTAG_MAKE, options.make), (TIFFTAG_MODEL, options.model), (TIFFTAG_DATETIME, options.dateTime),
            (TIFFTAG_ARTIST, options.artist),
        ]
        for case let (tag, value?) in strings {
            ok = ok && qs_tiff_set_string(tif, UInt32(tag), value) != 0
        }
        if let icc = options.iccProfile, !icc.isEmpty {
            ok =
                ok
                && icc.withUnsafeBytes { qs_tiff_set_bytes(tif, UInt32(TIFFTAG_ICCPROFILE), UInt32(icc.count), $0.baseAddress) }
                    != 0
        }
        let rowBytes = bitmap.bytesPerRow
        let rowsPerStrip: Int
        if options.compression == .g4 {
            rowsPerStrip = bitmap.height  // one strip: G4 codes each row against the previous one
        } else {
            rowsPerStrip = max(1, min(bitmap.height, options.rowsPerStrip ?? (65_536 / max(1, rowBytes))))
        }
        ok = ok && qs_tiff_set_u32(tif, UInt32(TIFFTAG_ROWSPERSTRIP), UInt32(rowsPerStrip)) != 0
        guard ok else { throw fail("libtiff refused a tag") }

        // libtiff encodes in place (predictor, bit reversal): hand it a scratch copy of each strip.
        let invertBits = layout == .bilevel
        let stripBytes = rowsPerStrip * rowBytes
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: max(stripBytes, 1), alignment: 16)
        defer { scratch.deallocate() }
        // Huffman-only Deflate is Quire's own coder: the predictor is applied here, as libtiff would, and each
        // strip's zlib stream is written raw.
        let huffman = options.compression == .deflate && options.deflate == .huffmanOnly
        let output =
            huffman ? UnsafeMutableRawBufferPointer.allocate(byteCount: HuffmanDeflate.bound(stripBytes), alignment: 16) : nil
        defer { output?.deallocate() }
        let step = layout.channels, wide = layout.bitsPerSample == 16
        var strip: UInt32 = 0
        var row = 0
        let written: Bool = bitmap.bytes.withUnsafeBytes { source in
            while row < bitmap.height {
                let rows = min(rowsPerStrip, bitmap.height - row)
                let count = rows * rowBytes
                let from = source.baseAddress! + row * rowBytes
                if huffman && usesPredictor {
                    for r in 0..<rows {
                        let offset = r * rowBytes
                        if wide {
                            horizontalDifference16(from + offset, scratch.baseAddress! + offset, rowBytes / 2, step)
                        } else {
                            horizontalDifference8(from + offset, scratch.baseAddress! + offset, rowBytes, step)
                        }
                    }
                } else {
                    scratch.baseAddress!.copyMemory(from: from, byteCount: count)
                    if invertBits {
                        let bytes = scratch.bindMemory(to: UInt8.self)
                        for i in 0..<count { bytes[i] ^= 0xFF }
                    }
                }
                if let output {
                    let length = HuffmanDeflate.zlibCompress(
                        UnsafeRawBufferPointer(start: scratch.baseAddress, count: count), into: output)
                    if TIFFWriteRawStrip(tif, strip, output.baseAddress, tmsize_t(length)) < 0 { return false }
                } else if TIFFWriteEncodedStrip(tif, strip, scratch.baseAddress, tmsize_t(count)) < 0 {
                    return false
                }
                strip += 1
                row += rows
            }
            return true
        }
        guard written else { throw fail("strip write failed") }
    }
}

extension TIFFEncoder {
    /// The bitmap's rows as TIFF Predictor 2 leaves them (8- and 16-bit samples; other layouts unchanged): the
    /// bytes a Deflate or LZW coder sees. The benchmark compresses them with bare libdeflate as the floor.
    public static func horizontallyDifferenced(_ bitmap: Bitmap) -> [UInt8] {
        let bits = bitmap.layout.bitsPerSample
        guard bits == 8 || bits == 16 else { return bitmap.bytes }
        let rowBytes = bitmap.bytesPerRow, step = bitmap.layout.channels
        var out = [UInt8](repeating: 0, count: bitmap.bytes.count)
        bitmap.bytes.withUnsafeBytes { source in
            out.withUnsafeMutableBytes { target in
                for y in 0..<bitmap.height {
                    let from = source.baseAddress! + y * rowBytes, to = target.baseAddress! + y * rowBytes
                    if bits == 16 {
                        horizontalDifference16(from, to, rowBytes / 2, step)
                    } else {
                        horizontalDifference8(from, to, rowBytes, step)
                    }
                }
            }
        }
        return out
    }

    /// TIFF Predictor 2 on one row of 8-bit samples: each sample less the one `step` samples before it.
    @inline(__always)
    static func horizontalDifference8(_ from: UnsafeRawPointer, _ to: UnsafeMutableRawPointer, _ count: Int, _ step: Int) {
        let s = from.assumingMemoryBound(to: UInt8.self), d = to.assumingMemoryBound(to: UInt8.self)
        for i in 0..<min(step, count) { d[i] = s[i] }
        var i = step
        while i < count {
            d[i] = s[i] &- s[i &- step]
            i &+= 1
        }
    }

    /// Predictor 2 on one row of 16-bit samples in the host's byte order (libtiff writes the file in it).
    @inline(__always)
    static func horizontalDifference16(_ from: UnsafeRawPointer, _ to: UnsafeMutableRawPointer, _ count: Int, _ step: Int) {
        for i in 0..<count {
            let value = from.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
            let previous = i >= step ? from.loadUnaligned(fromByteOffset: 2 * (i - step), as: UInt16.self) : 0
            to.storeBytes(of: value &- previous, toByteOffset: 2 * i, as: UInt16.self)
        }
    }
}

extension MasterCompression {
    /// libtiff's `TIFFTAG_COMPRESSION` value.
    var tag: UInt16 {
        switch self {
        case .none: UInt16(COMPRESSION_NONE)
        case .lzw: UInt16(COMPRESSION_LZW)
        case .deflate: UInt16(COMPRESSION_ADOBE_DEFLATE)
        case .packbits: UInt16(COMPRESSION_PACKBITS)
        case .g4: UInt16(COMPRESSION_CCITTFAX4)
        }
    }
}
