import CCodecShim
import CTIFF
import Raster

/// libtiff decoding from memory, with a per-file error handler and exact strip/tile reads.
///
/// Layouts with an exact in-memory form (bilevel, 8/16-bit gray and RGB, with or without unassociated
/// alpha, 8-bit CMYK, contiguous planes, unsigned integers) are read strip by strip or tile by tile, so every
/// sample is exact. Layouts libtiff's RGBA reader has no routine for, or would flatten to 8 bits, are unpacked
/// sample by sample from the same raw reads (see ``Unpacking``): separate planes, 2/4-bit RGB and gray+alpha,
/// 16-bit palette, CMYK in planes or at 16 bits. Everything else libtiff's RGBA reader takes (1–8-bit palette,
/// YCbCr, old and new JPEG, LogLuv, 2/4-bit gray, associated alpha) goes through that reader and is marked
/// `converted`. Floating-point samples are refused as unsupported: they hold measurements, not a scan's tones.
/// A valid file is never `corrupt` because of its layout: one no path converts is `unsupported`, with the
/// layout named ("16-bit CMYK (separated) with 1 extra sample, 5 samples a pixel, contiguous, uncompressed").
///
/// Every path returns the page as displayed: the Orientation tag (274) is applied to the pixels as read
/// (``Bitmap/applyingOrientation(_:)``), and a check that keeps no pixels reports the displayed size.
enum TIFFDecoder {
    /// Largest single allocation libtiff may make for one strip or tile.
    static let maxSingleAllocation: UInt64 = 1 << 30

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, options: DecodeOptions) throws(DecodeError) -> DecodedImage {
        let (info, bitmap, converted) = try decode(bytes, options: options, keepPixels: true)
        return DecodedImage(bitmap: bitmap!, info: info, converted: converted)
    }

    /// Decodes every image in full, as ``decode(_:options:)`` does, but through a strip- or tile-sized scratch
    /// buffer where the layout allows it: the same libtiff reads and checks, without a page-sized bitmap.
    static func check(_ bytes: UnsafeBufferPointer<UInt8>, options: DecodeOptions) throws(DecodeError) -> ImageInfo {
        try decode(bytes, options: options, keepPixels: false).info
    }

    /// Checks the TIFF of `size` bytes open at `descriptor` as ``check(_:options:)`` does, reading it piece by
    /// piece with `pread` instead of holding it: first every directory's largest buffer is worked out (one strip or
    /// tile, plus its compressed bytes; a whole page for layouts only the RGBA reader takes), and when one is over
    /// `memoryLimit` nothing is decoded.
    static func check(descriptor: Int32, size: UInt64, memoryLimit: Int, options: DecodeOptions) -> StreamedCheck {
        var error = [CChar](repeating: 0, count: 512)
        guard let file = qs_tiff_open_descriptor(descriptor, size, "image", UInt64(max(1, memoryLimit)), &error, error.count)
        else {
            return .failed(.corrupt(message(from: error)))
        }
        defer { _ = qs_tiff_close(file) }
        let tif = qs_tiff_handle(file)!
        let frames = Int(TIFFNumberOfDirectories(tif))
        for index in 0..<max(frames, 1) {
            if index > 0 && TIFFSetDirectory(tif, tdir_t(index)) == 0 { break }  // the decode below reports it
            guard let fields = try? readFields(tif) else { break }
            let needed = memoryNeeded(tif, fields)
            if needed > memoryLimit { return .needsMoreMemory(bytes: needed) }
        }
        if frames > 1 { _ = TIFFSetDirectory(tif, 0) }
        do throws(DecodeError) {
            let decoded = try decode(file, options: options, keepPixels: false) {
                TIFFDirectoryCheck.problem(descriptor: descriptor, length: size, directoryOffset: $0)
            }
            return .decoded(decoded.info)
        } catch {
            return .failed(error)
        }
    }

    /// The most memory the check of one directory holds at once.
    private static func memoryNeeded(_ tif: OpaquePointer, _ f: Fields) -> Int {
        let tiled = TIFFIsTiled(tif) != 0
        let pieces = tiled ? Int(TIFFNumberOfTiles(tif)) : Int(TIFFNumberOfStrips(tif))
        var compressed = 0
        if f.compression != Int(COMPRESSION_NONE) {
            for index in 0..<pieces { compressed = max(compressed, Int(clamping: TIFFGetStrileByteCount(tif, UInt32(index)))) }
        }
        guard exactLayout(f) != nil else {
            return f.width.multipliedReportingOverflow(by: f.height * 4).partialValue + compressed
        }
        return Int(clamping: tiled ? TIFFTileSize64(tif) : TIFFStripSize64(tif)) + compressed
    }

    /// Decodes every directory; the first one's pixels are returned when `keepPixels` is set.
    private static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>, options: DecodeOptions,
        keepPixels: Bool
    ) throws(DecodeError) -> (info: ImageInfo, bitmap: Bitmap?, converted: Bool) {
        var error = [CChar](repeating: 0, count: 512)
        guard
            let file = qs_tiff_open_memory(
                bytes.baseAddress, bytes.count, "image", maxSingleAllocation,
                &error, error.count)
        else {
            throw .corrupt(message(from: error))
        }
        defer { _ = qs_tiff_close(file) }
        return try decode(file, options: options, keepPixels: keepPixels) {
            TIFFDirectoryCheck.problem(in: bytes, directoryOffset: $0)
        }
    }

    /// Decodes every directory of an open file; `directoryProblem` checks that the directory at an offset lies
    /// inside the file.
    private static func decode(
        _ file: OpaquePointer, options: DecodeOptions, keepPixels: Bool,
        directoryProblem: (UInt64) -> String?
    ) throws(DecodeError) -> (info: ImageInfo, bitmap: Bitmap?, converted: Bool) {
        let tif = qs_tiff_handle(file)!
        // libtiff reports some directory problems it recovers from as errors (a custom tag of undefined
        // type, say) and opens the file anyway; the strip and tile reads below stay the integrity check.
        qs_tiff_clear_messages(file)

        let frames = Int(TIFFNumberOfDirectories(tif))
        if let problem = qs_tiff_error(file) { throw .corrupt(String(cString: problem)) }
        if frames > 1 && !options.acceptMultiPage { throw .multiPage(frames: frames) }

        var first: (info: ImageInfo, bitmap: Bitmap?, converted: Bool)?
        for index in 0..<max(frames, 1) {
            if index > 0 {
                guard TIFFSetDirectory(tif, tdir_t(index)) != 0 else {
                    throw .corrupt(qs_tiff_error(file).map { String(cString: $0) } ?? "cannot read image \(index + 1)")
                }
                qs_tiff_clear_messages(file)  // as after opening: the directory was read
            }
            if let problem = directoryProblem(TIFFCurrentDirOffset(tif)) {
                throw .corrupt(problem)
            }
            var image = try decodeDirectory(tif, file: file, options: options, keepPixels: keepPixels && index == 0)
            if index == 0 {
                image.info.frames = max(frames, 1)
                first = image
            }
        }
        return first!
    }

    private struct Fields {
        var width = 0, height = 0
        var bitsPerSample = 1, samplesPerPixel = 1
        var photometric: Int = -1
        var compression = 1, planar = 1, sampleFormat = 1, extraSamples = 0
        /// The first ExtraSamples type (EXTRASAMPLE_*), or -1 when there is none.
        var alphaType = -1
        /// The Orientation tag; libtiff refuses values outside 1...8 when it reads the directory, which leaves
        /// the default, 1.
        var orientation = Orientation.topLeft
    }

    /// The tags of the current directory that decoding depends on.
    private static func readFields(_ tif: OpaquePointer) throws(DecodeError) -> Fields {
        var f = Fields()
        var u32: UInt32 = 0
        var u16: UInt16 = 0
        guard qs_tiff_get_u32(tif, UInt32(TIFFTAG_IMAGEWIDTH), &u32) != 0 else { throw .corrupt("no ImageWidth tag") }
        f.width = Int(u32)
        guard qs_tiff_get_u32(tif, UInt32(TIFFTAG_IMAGELENGTH), &u32) != 0 else { throw .corrupt("no ImageLength tag") }
        f.height = Int(u32)
        if qs_tiff_get_u16_defaulted(tif, UInt32(TIFFTAG_BITSPERSAMPLE), &u16) != 0 { f.bitsPerSample = Int(u16) }
        if qs_tiff_get_u16_defaulted(tif, UInt32(TIFFTAG_SAMPLESPERPIXEL), &u16) != 0 { f.samplesPerPixel = Int(u16) }
        if qs_tiff_get_u16(tif, UInt32(TIFFTAG_PHOTOMETRIC), &u16) != 0 { f.photometric = Int(u16) }
        if qs_tiff_get_u16_defaulted(tif, UInt32(TIFFTAG_COMPRESSION), &u16) != 0 { f.compression = Int(u16) }
        if qs_tiff_get_u16_defaulted(tif, UInt32(TIFFTAG_PLANARCONFIG), &u16) != 0 { f.planar = Int(u16) }
        if qs_tiff_get_u16_defaulted(tif, UInt32(TIFFTAG_SAMPLEFORMAT), &u16) != 0 { f.sampleFormat = Int(u16) }
        if qs_tiff_get_u16_defaulted(tif, UInt32(TIFFTAG_ORIENTATION), &u16) != 0 {
            f.orientation = Orientation(tagValue: Int(u16)) ?? .topLeft
        }
        var extraCount: UInt16 = 0
        var extraTypes: UnsafePointer<UInt16>?
        if qs_tiff_get_extrasamples(tif, &extraCount, &extraTypes) != 0 {
            f.extraSamples = Int(extraCount)
            if extraCount > 0, let extraTypes { f.alphaType = Int(extraTypes[0]) }
        }
        if f.photometric < 0 {
            // TIFF 6.0 requires the tag; libtiff and most readers take gray or RGB by sample count.
            f.photometric = f.samplesPerPixel >= 3 ? Int(PHOTOMETRIC_RGB) : Int(PHOTOMETRIC_MINISBLACK)
        }
        return f
    }

    private static func decodeDirectory(
        _ tif: OpaquePointer, file: OpaquePointer, options: DecodeOptions, keepPixels: Bool
    ) throws(DecodeError) -> (info: ImageInfo, bitmap: Bitmap?, converted: Bool) {
        let f = try readFields(tif)
        try ImageDecoder.checkSize(width: f.width, height: f.height, options: options)

        let resolution = readResolution(tif)
        var iccLength: UInt32 = 0
        var iccData: UnsafeRawPointer?
        var icc: [UInt8]?
        if qs_tiff_get_bytes(tif, UInt32(TIFFTAG_ICCPROFILE), &iccLength, &iccData) != 0, let iccData, iccLength > 0 {
            icc = Array(UnsafeRawBufferPointer(start: iccData, count: Int(iccLength)))
        }
        // The info describes the page as displayed, as the bitmap will: size and resolution follow the orientation.
        let displayed = f.orientation.displaySize(width: f.width, height: f.height)
        let displayedResolution = f.orientation.swapsAxes ? resolution.map { Resolution(x: $0.y, y: $0.x) } : resolution
        let info = ImageInfo(
            format: .tiff, width: displayed.width, height: displayed.height,
            bitsPerSample: f.bitsPerSample, samplesPerPixel: f.samplesPerPixel, colorType: colorType(f),
            compression: compressionName(f.compression), resolution: displayedResolution,
            iccProfile: icc, orientation: f.orientation)

        if let layout = exactLayout(f) {
            if !keepPixels {
                // Inverting MinIsWhite samples and clearing row padding cannot fail; the reads are the check.
                try readExact(
                    tif, file: file, width: f.width, height: f.height, layout: layout,
                    compression: f.compression, into: nil)
                return (info, nil, false)
            }
            var bitmap = Bitmap(width: f.width, height: f.height, layout: layout, resolution: resolution)
            let (width, height, compression) = (bitmap.width, bitmap.height, f.compression)
            let read: Result<Void, DecodeError> = bitmap.bytes.withUnsafeMutableBytes { raw in
                do throws(DecodeError) {
                    return .success(
                        try readExact(
                            tif, file: file, width: width, height: height, layout: layout,
                            compression: compression, into: raw.baseAddress!))
                } catch {
                    return .failure(error)
                }
            }
            try read.get()
            if f.photometric == Int(PHOTOMETRIC_MINISWHITE) { invert(&bitmap) }
            bitmap.zeroRowPadding()  // whatever the codec left in a bilevel row's last bits
            return (info, bitmap.applyingOrientation(f.orientation), false)
        }
        if let unpacking = unpacking(f, tif: tif) {
            let bitmap = try readUnpacked(
                tif, file: file, f: f, unpacking: unpacking, resolution: resolution,
                keepPixels: keepPixels)
            let converted = if case .cmyk16 = unpacking { true } else { false }
            return (info, bitmap?.applyingOrientation(f.orientation), converted)
        }
        if f.sampleFormat == Int(SAMPLEFORMAT_IEEEFP) {
            throw .unsupported("\(f.bitsPerSample)-bit floating-point samples (scientific data, not a scanned image)")
        }
        // TIFFRGBAImageOK passes layouts for which the reader then finds no conversion (16-bit CMYK, 2-bit RGB):
        // the shim also tries TIFFRGBAImageBegin, so such a valid file is `unsupported`, never `corrupt`.
        var reason = [CChar](repeating: 0, count: 1024)
        guard qs_tiff_rgba_ok(tif, &reason, reason.count) != 0 else {
            throw .unsupported("TIFF \(describe(f)): not supported (\(message(from: reason)))")
        }
        var bitmap = Bitmap(width: f.width, height: f.height, layout: .rgba8, resolution: resolution)
        let ok = bitmap.bytes.withUnsafeMutableBytes { raw in
            // The RGBA reader packs A<<24|B<<16|G<<8|R: on a little-endian host the bytes are R, G, B, A.
            // Asked for the file's own orientation it flips nothing and yields the rows as stored, so this path
            // and the exact one apply the orientation the same way, below. (Asked for top-left it would only
            // flip: it never transposes, so orientations 5–8 would come out mirrored instead of turned.)
            TIFFReadRGBAImageOriented(
                tif, UInt32(f.width), UInt32(f.height),
                raw.baseAddress!.assumingMemoryBound(to: UInt32.self),
                Int32(f.orientation.rawValue), 1)
        }
        if ok == 0 || qs_tiff_error(file) != nil {
            throw .corrupt(failureMessage(file, "libtiff could not read the image"))
        }
        unpremultiply(&bitmap)
        return (info, keepPixels ? bitmap.applyingOrientation(f.orientation) : nil, true)
    }

    /// How the samples of a layout that neither the exact path nor libtiff's RGBA reader takes become a Bitmap.
    private enum Unpacking: Equatable {
        /// Every sample scaled to the layout's depth, where it stands: 1/2/4-bit samples become 8-bit ones
        /// (v × 255 / (2^b − 1), exact and reversible), 8- and 16-bit samples are copied.
        case samples(PixelLayout)
        /// 16-bit palette indices looked up in the 16-bit colour map: 16-bit RGB, exact.
        case palette16
        /// 16-bit CMYK turned into 16-bit RGB with the uncalibrated formula ``ColorConversion`` uses for 8-bit
        /// CMYK (R = (1 − C)(1 − K)); the one lossy case here, so the image is marked `converted`.
        case cmyk16
    }

    /// The unpacking for the layouts libtiff's RGBA reader cannot convert (it has no routine for them, so it
    /// fails on valid files) or would convert only to 8-bit RGBA: unsigned samples of 1, 2, 4, 8 or 16 bits in
    /// separate planes; RGB, or gray with alpha, below 8 bits; palette with 16-bit indices; CMYK (InkSet CMYK)
    /// of other than 8 bits, or in separate planes. An extra sample is taken only as unassociated alpha. Nil for
    /// everything else, which the exact path or the RGBA reader handles (or refuses as unsupported).
    private static func unpacking(_ f: Fields, tif: OpaquePointer) -> Unpacking? {
        guard f.sampleFormat == Int(SAMPLEFORMAT_UINT), f.compression != Int(COMPRESSION_OJPEG),
            [1, 2, 4, 8, 16].contains(f.bitsPerSample)
        else { return nil }
        let separate = f.planar == Int(PLANARCONFIG_SEPARATE) && f.samplesPerPixel > 1
        let alpha = f.extraSamples == 1 && f.alphaType == Int(EXTRASAMPLE_UNASSALPHA)
        guard f.extraSamples == 0 || alpha else { return nil }
        let wide = f.bitsPerSample == 16
        switch Int32(f.photometric) {
        case PHOTOMETRIC_MINISBLACK, PHOTOMETRIC_MINISWHITE:
            guard f.samplesPerPixel == 1 + f.extraSamples, separate || (alpha && f.bitsPerSample < 8) else { return nil }
            return .samples(alpha ? (wide ? .grayAlpha16 : .grayAlpha8) : (wide ? .gray16 : .gray8))
        case PHOTOMETRIC_RGB:
            guard f.samplesPerPixel == 3 + f.extraSamples, separate || f.bitsPerSample < 8 else { return nil }
            return .samples(alpha ? (wide ? .rgba16 : .rgba8) : (wide ? .rgb16 : .rgb8))
        case PHOTOMETRIC_PALETTE:
            guard f.samplesPerPixel == 1, f.bitsPerSample == 16 else { return nil }
            return .palette16
        case PHOTOMETRIC_SEPARATED:
            var inkSet: UInt16 = UInt16(INKSET_CMYK)
            _ = qs_tiff_get_u16_defaulted(tif, UInt32(TIFFTAG_INKSET), &inkSet)
            guard inkSet == UInt16(INKSET_CMYK), f.samplesPerPixel == 4, f.extraSamples == 0,
                separate || f.bitsPerSample != 8
            else { return nil }
            return wide ? .cmyk16 : .samples(.cmyk8)
        default:
            return nil
        }
    }

    /// Reads a layout `unpacking` takes: every strip or tile of every plane, raw through
    /// `TIFFReadEncodedStrip`/`Tile` (libtiff decompresses, undoes the predictor and puts 16-bit samples in host
    /// order), each sample unpacked from its bits and stored in the bitmap. With `keepPixels` false the reads
    /// and checks are the same, and no page-sized bitmap is made.
    private static func readUnpacked(
        _ tif: OpaquePointer, file: OpaquePointer, f: Fields, unpacking: Unpacking,
        resolution: Resolution?, keepPixels: Bool
    ) throws(DecodeError) -> Bitmap? {
        let bits = f.bitsPerSample, spp = f.samplesPerPixel
        let separate = f.planar == Int(PLANARCONFIG_SEPARATE) && spp > 1
        let staged: PixelLayout =
            switch unpacking {
            case .samples(let layout): layout
            case .palette16: .rgb16
            case .cmyk16: .rgba16  // four 16-bit samples a pixel, turned into RGB below
            }
        var bitmap = keepPixels ? Bitmap(width: f.width, height: f.height, layout: staged, resolution: resolution) : nil
        let invertGray = f.photometric == Int(PHOTOMETRIC_MINISWHITE)
        let maximum = (1 << bits) - 1
        var colormap: (UnsafePointer<UInt16>, UnsafePointer<UInt16>, UnsafePointer<UInt16>)?
        if unpacking == .palette16 {
            var r: UnsafePointer<UInt16>?, g: UnsafePointer<UInt16>?, b: UnsafePointer<UInt16>?
            guard qs_tiff_get_colormap(tif, &r, &g, &b) != 0, let r, let g, let b else {
                throw .corrupt("palette image without a colour map")
            }
            colormap = (r, g, b)  // libtiff holds 2^16 entries for 16-bit indices
        }
        let (width, height) = (f.width, f.height)
        let rowSamples = separate ? 1 : spp
        let expectedRow = (width * rowSamples * bits + 7) / 8
        guard Int(TIFFScanlineSize64(tif)) == expectedRow else {
            throw .unsupported("TIFF \(describe(f)): scanline of \(TIFFScanlineSize64(tif)) bytes for \(expectedRow) expected")
        }

        func run(_ target: UnsafeMutableRawPointer?) -> String? {
            let rowStride = staged.bytesPerRow(width: width)
            let channels = staged.channels
            /// Stores the samples of `rows` rows of `count` pixels from `x0`, `y0`, read `rowBytes` apart in `buffer`,
            /// for `plane` (or every sample, contiguous).
            func store(_ buffer: UnsafeRawPointer, rowBytes: Int, x0: Int, y0: Int, count: Int, rows: Int, plane: Int?) {
                guard let target else { return }
                let samples = plane == nil ? spp : 1
                for r in 0..<rows {
                    let y = y0 + r
                    let row = buffer + r * rowBytes
                    let out = target + y * rowStride
                    for i in 0..<(count * samples) {
                        let raw: Int
                        switch bits {
                        case 16: raw = Int(row.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                        case 8: raw = Int(row.load(fromByteOffset: i, as: UInt8.self))
                        default:
                            let bit = i * bits
                            raw = Int(row.load(fromByteOffset: bit >> 3, as: UInt8.self)) >> (8 - bits - bit & 7) & maximum
                        }
                        let x = x0 + i / samples
                        let channel = plane ?? i % samples
                        var value = invertGray && channel == 0 ? maximum - raw : raw
                        if let (red, green, blue) = colormap {
                            let o = out + 6 * x
                            o.storeBytes(of: red[value], toByteOffset: 0, as: UInt16.self)
                            o.storeBytes(of: green[value], toByteOffset: 2, as: UInt16.self)
                            o.storeBytes(of: blue[value], toByteOffset: 4, as: UInt16.self)
                            continue
                        }
                        if bits == 16 {
                            out.storeBytes(of: UInt16(value), toByteOffset: 2 * (x * channels + channel), as: UInt16.self)
                        } else {
                            if bits < 8 { value = value * 255 / maximum }
                            out.storeBytes(of: UInt8(value), toByteOffset: x * channels + channel, as: UInt8.self)
                        }
                    }
                }
            }

            let planes = separate ? spp : 1
            if TIFFIsTiled(tif) != 0 {
                var tileWidth: UInt32 = 0, tileHeight: UInt32 = 0
                guard qs_tiff_get_u32(tif, UInt32(TIFFTAG_TILEWIDTH), &tileWidth) != 0,
                    qs_tiff_get_u32(tif, UInt32(TIFFTAG_TILELENGTH), &tileHeight) != 0,
                    tileWidth > 0, tileHeight > 0
                else { return "tiled image without tile size" }
                let tileSize = Int(TIFFTileSize64(tif)), tileRow = Int(TIFFTileRowSize64(tif))
                guard tileSize > 0, tileRow > 0, tileRow * Int(tileHeight) <= tileSize else { return "bad tile size" }
                let tile = UnsafeMutableRawPointer.allocate(byteCount: tileSize, alignment: 16)
                defer { tile.deallocate() }
                for plane in 0..<planes {
                    for ty in stride(from: 0, to: height, by: Int(tileHeight)) {
                        for tx in stride(from: 0, to: width, by: Int(tileWidth)) {
                            let index = TIFFComputeTile(tif, UInt32(tx), UInt32(ty), 0, UInt16(plane))
                            if TIFFReadEncodedTile(tif, index, tile, tmsize_t(tileSize)) < 0 {
                                return failureMessage(file, "cannot read tile \(index)")
                            }
                            store(
                                tile, rowBytes: tileRow, x0: tx, y0: ty, count: min(Int(tileWidth), width - tx),
                                rows: min(Int(tileHeight), height - ty), plane: separate ? plane : nil)
                        }
                    }
                }
            } else {
                var rowsPerStrip: UInt32 = 0
                _ = qs_tiff_get_u32_defaulted(tif, UInt32(TIFFTAG_ROWSPERSTRIP), &rowsPerStrip)
                let rps = max(1, min(Int(rowsPerStrip), height))
                let stripsPerPlane = (height + rps - 1) / rps
                guard Int(TIFFNumberOfStrips(tif)) >= stripsPerPlane * planes else {
                    return "image has \(height) rows in \(planes) planes but only \(TIFFNumberOfStrips(tif)) strips"
                }
                let buffer = UnsafeMutableRawPointer.allocate(byteCount: rps * expectedRow, alignment: 16)
                defer { buffer.deallocate() }
                for plane in 0..<planes {
                    for s in 0..<stripsPerPlane {
                        let row = s * rps, rows = min(rps, height - s * rps)
                        let strip = TIFFComputeStrip(tif, UInt32(row), UInt16(plane))
                        if TIFFReadEncodedStrip(tif, strip, buffer, tmsize_t(rows * expectedRow)) < 0 {
                            return failureMessage(file, "cannot read strip \(strip)")
                        }
                        store(
                            buffer, rowBytes: expectedRow, x0: 0, y0: row, count: width, rows: rows,
                            plane: separate ? plane : nil)
                    }
                }
            }
            return qs_tiff_error(file).map { String(cString: $0) }
        }

        let failure: String?
        if bitmap != nil {
            failure = bitmap!.bytes.withUnsafeMutableBytes { run($0.baseAddress!) }
        } else {
            failure = run(nil)
        }
        if let failure { throw .corrupt(failure) }
        guard var result = bitmap else { return nil }
        if unpacking == .cmyk16 { result = cmyk16ToRGB16(result) }
        return result
    }

    /// 16-bit C, M, Y, K (held in an `.rgba16` bitmap) as 16-bit RGB: each of R, G, B is
    /// (65535 − C|M|Y) × (65535 − K) / 65535, rounded; no colour management.
    private static func cmyk16ToRGB16(_ cmyk: Bitmap) -> Bitmap {
        var rgb = Bitmap(width: cmyk.width, height: cmyk.height, layout: .rgb16, resolution: cmyk.resolution)
        cmyk.bytes.withUnsafeBytes { src in
            rgb.bytes.withUnsafeMutableBytes { dst in
                let s = src.bindMemory(to: UInt16.self), d = dst.bindMemory(to: UInt16.self)
                for p in 0..<(cmyk.width * cmyk.height) {
                    let k = 65_535 - Int(s[4 * p + 3])
                    for c in 0..<3 { d[3 * p + c] = UInt16(((65_535 - Int(s[4 * p + c])) * k + 32_767) / 65_535) }
                }
            }
        }
        return rgb
    }

    /// The layout in words, for a reason: "16-bit CMYK, planar separate".
    private static func describe(_ f: Fields) -> String {
        let kind: String =
            switch Int32(f.photometric) {
            case PHOTOMETRIC_MINISBLACK: "gray (min-is-black)"
            case PHOTOMETRIC_MINISWHITE: "gray (min-is-white)"
            case PHOTOMETRIC_RGB: "RGB"
            case PHOTOMETRIC_PALETTE: "palette"
            case PHOTOMETRIC_SEPARATED: "CMYK (separated)"
            case PHOTOMETRIC_YCBCR: "YCbCr"
            case PHOTOMETRIC_CIELAB: "CIE L*a*b*"
            case PHOTOMETRIC_LOGL, PHOTOMETRIC_LOGLUV: "LogLuv"
            default: "photometric \(f.photometric)"
            }
        let format: String =
            switch Int32(f.sampleFormat) {
            case SAMPLEFORMAT_INT: " signed"
            case SAMPLEFORMAT_IEEEFP: " floating-point"
            default: ""
            }
        let extras = f.extraSamples > 0 ? " with \(f.extraSamples) extra sample\(f.extraSamples == 1 ? "" : "s")" : ""
        let planes = f.planar == Int(PLANARCONFIG_SEPARATE) && f.samplesPerPixel > 1 ? "planar separate" : "contiguous"
        let compression =
            f.compression == Int(COMPRESSION_NONE)
            ? "uncompressed" : "\(compressionName(f.compression)) compression"
        return "\(f.bitsPerSample)-bit\(format) \(kind)\(extras), \(f.samplesPerPixel) samples a pixel, \(planes), \(compression)"
    }

    private static func exactLayout(_ f: Fields) -> PixelLayout? {
        guard f.sampleFormat == Int(SAMPLEFORMAT_UINT), f.planar == Int(PLANARCONFIG_CONTIG),
            f.compression != Int(COMPRESSION_OJPEG)
        else { return nil }
        // A Bitmap's alpha is straight (unassociated). Associated (premultiplied) or unspecified extra
        // samples go through the RGBA reader, whose output is then un-premultiplied.
        let straightAlpha = f.alphaType == Int(EXTRASAMPLE_UNASSALPHA)
        switch (f.photometric, f.samplesPerPixel, f.bitsPerSample) {
        case (Int(PHOTOMETRIC_MINISBLACK), 1, 1), (Int(PHOTOMETRIC_MINISWHITE), 1, 1): return .bilevel
        case (Int(PHOTOMETRIC_MINISBLACK), 1, 8), (Int(PHOTOMETRIC_MINISWHITE), 1, 8): return .gray8
        case (Int(PHOTOMETRIC_MINISBLACK), 1, 16), (Int(PHOTOMETRIC_MINISWHITE), 1, 16): return .gray16
        case (Int(PHOTOMETRIC_MINISBLACK), 2, 8) where f.extraSamples == 1 && straightAlpha: return .grayAlpha8
        case (Int(PHOTOMETRIC_MINISBLACK), 2, 16) where f.extraSamples == 1 && straightAlpha: return .grayAlpha16
        case (Int(PHOTOMETRIC_RGB), 3, 8): return .rgb8
        case (Int(PHOTOMETRIC_RGB), 3, 16): return .rgb16
        case (Int(PHOTOMETRIC_RGB), 4, 8) where f.extraSamples == 1 && straightAlpha: return .rgba8
        case (Int(PHOTOMETRIC_RGB), 4, 16) where f.extraSamples == 1 && straightAlpha: return .rgba16
        case (Int(PHOTOMETRIC_SEPARATED), 4, 8) where f.extraSamples == 0: return .cmyk8
        default: return nil
        }
    }

    /// Reads every strip or tile of an exact layout into `destination` (rows of `layout.bytesPerRow(width:)`),
    /// or, when it is nil, into one strip- or tile-sized scratch buffer that is overwritten each time.
    ///
    /// 8-bit horizontal differencing (Predictor 2) is undone here rather than by libtiff, whose byte-at-a-time
    /// loop through memory for one-sample rows took about 16% of `quire verify`'s CPU time in `quire bench
    /// verify`: the same sums, per row of each strip or tile, with the running values in registers.
    private static func readExact(
        _ tif: OpaquePointer, file: OpaquePointer, width: Int, height: Int, layout: PixelLayout,
        compression: Int, into destination: UnsafeMutableRawPointer?
    ) throws(DecodeError) {
        let rowBytes = layout.bytesPerRow(width: width)
        guard Int(TIFFScanlineSize64(tif)) == rowBytes else {
            throw .unsupported("scanline of \(TIFFScanlineSize64(tif)) bytes for a \(layout) row of \(rowBytes)")
        }
        let bitsPerPixel = layout.bitsPerSample * layout.channels
        var predictor: UInt16 = 1
        if [Int(COMPRESSION_LZW), Int(COMPRESSION_ADOBE_DEFLATE), Int(COMPRESSION_DEFLATE)].contains(compression),
            layout.bitsPerSample == 8, qs_tiff_get_u16(tif, UInt32(TIFFTAG_PREDICTOR), &predictor) != 0,
            predictor == UInt16(PREDICTOR_HORIZONTAL)
        {
            guard qs_tiff_set_u16(tif, UInt32(TIFFTAG_PREDICTOR), UInt16(PREDICTOR_NONE)) != 0 else {
                throw .corrupt(failureMessage(file, "cannot take over the horizontal predictor"))
            }
        }
        // Undoing the differencing turns bytes into other bytes and cannot fail: a check that keeps no pixels
        // (destination nil) has done its work once every strip or tile has decompressed in full.
        let differenced = predictor == UInt16(PREDICTOR_HORIZONTAL) && destination != nil
        let channels = layout.channels
        let failure: String? = {
            if TIFFIsTiled(tif) != 0 {
                var tileWidth: UInt32 = 0, tileHeight: UInt32 = 0
                guard qs_tiff_get_u32(tif, UInt32(TIFFTAG_TILEWIDTH), &tileWidth) != 0,
                    qs_tiff_get_u32(tif, UInt32(TIFFTAG_TILELENGTH), &tileHeight) != 0,
                    tileWidth > 0, tileHeight > 0
                else { return "tiled image without tile size" }
                let tileSize = Int(TIFFTileSize64(tif)), tileRow = Int(TIFFTileRowSize64(tif))
                guard tileSize > 0, tileRow > 0 else { return "bad tile size" }
                let tile = UnsafeMutableRawPointer.allocate(byteCount: tileSize, alignment: 16)
                defer { tile.deallocate() }
                for ty in stride(from: 0, to: height, by: Int(tileHeight)) {
                    for tx in stride(from: 0, to: width, by: Int(tileWidth)) {
                        let index = TIFFComputeTile(tif, UInt32(tx), UInt32(ty), 0, 0)
                        if TIFFReadEncodedTile(tif, index, tile, tmsize_t(tileSize)) < 0 {
                            return failureMessage(file, "cannot read tile \(index)")
                        }
                        if differenced { accumulate(tile, rows: tileSize / tileRow, rowBytes: tileRow, stride: channels) }
                        guard let base = destination else { continue }
                        let xOffset = tx * bitsPerPixel / 8
                        let count = min(tileRow, rowBytes - xOffset)
                        for r in 0..<min(Int(tileHeight), height - ty) {
                            (base + (ty + r) * rowBytes + xOffset).copyMemory(from: tile + r * tileRow, byteCount: count)
                        }
                    }
                }
            } else {
                var rowsPerStrip: UInt32 = 0
                _ = qs_tiff_get_u32_defaulted(tif, UInt32(TIFFTAG_ROWSPERSTRIP), &rowsPerStrip)
                let rps = max(1, min(Int(rowsPerStrip), height))
                let strips = Int(TIFFNumberOfStrips(tif))
                let scratch =
                    destination == nil
                    ? UnsafeMutableRawPointer.allocate(byteCount: rps * rowBytes, alignment: 16) : nil
                defer { scratch?.deallocate() }
                for strip in 0..<strips {
                    let row = strip * rps
                    if row >= height { break }
                    let rows = min(rps, height - row)
                    let target = destination.map { $0 + row * rowBytes } ?? scratch!
                    if TIFFReadEncodedStrip(tif, UInt32(strip), target, tmsize_t(rows * rowBytes)) < 0 {
                        return failureMessage(file, "cannot read strip \(strip)")
                    }
                    if differenced { accumulate(target, rows: rows, rowBytes: rowBytes, stride: channels) }
                }
                if strips * rps < height { return "image has \(height) rows but its strips hold \(strips * rps)" }
            }
            return qs_tiff_error(file).map { String(cString: $0) }
        }()
        if let failure { throw .corrupt(failure) }
    }

    /// Undoes 8-bit horizontal differencing in place: each sample becomes the sum (mod 256) of itself and the
    /// same channel's sample one pixel to the left, row by row (TIFF 6.0 §14).
    static func accumulate(_ base: UnsafeMutableRawPointer, rows: Int, rowBytes: Int, stride: Int) {
        guard rowBytes > stride else { return }
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        for r in 0..<rows {
            let row = bytes + r * rowBytes
            switch stride {
            case 1:
                var a = row[0]
                for i in 1..<rowBytes {
                    a &+= row[i]
                    row[i] = a
                }
            case 3:
                var (x, y, z) = (row[0], row[1], row[2])
                var i = 3
                while i + 2 < rowBytes {
                    x &+= row[i]; y &+= row[i + 1]; z &+= row[i + 2]
                    row[i] = x; row[i + 1] = y; row[i + 2] = z
                    i += 3
                }
            default:
                for i in stride..<rowBytes { row[i] &+= row[i - stride] }
            }
        }
    }

    /// libtiff's error for a failed read or, when it reported none (a codec that only warned before giving up,
    /// such as Fax3Decode1D's "Premature EOL"), the fallback with the first warning as the reason.
    private static func failureMessage(_ file: OpaquePointer, _ fallback: String) -> String {
        if let error = qs_tiff_error(file) { return String(cString: error) }
        if let warning = qs_tiff_warning(file) { return "\(fallback): \(String(cString: warning))" }
        return fallback
    }

    /// libtiff's RGBA reader yields associated alpha (it premultiplies unassociated RGB, and passes associated
    /// samples through); a Bitmap holds straight alpha. Opaque and fully transparent pixels keep
    /// their samples as read.
    private static func unpremultiply(_ bitmap: inout Bitmap) {
        bitmap.bytes.withUnsafeMutableBufferPointer { p in
            var i = 0
            while i + 3 < p.count {
                let a = Int(p[i + 3])
                if a != 255 && a != 0 {
                    for c in i..<(i + 3) { p[c] = UInt8(min(255, (Int(p[c]) * 255 + a / 2) / a)) }
                }
                i += 4
            }
        }
    }

    private static func invert(_ bitmap: inout Bitmap) {
        if bitmap.layout.bitsPerSample == 16 {
            bitmap.bytes.withUnsafeMutableBytes { raw in
                for i in raw.bindMemory(to: UInt16.self).indices { raw.bindMemory(to: UInt16.self)[i] ^= 0xFFFF }
            }
        } else {
            for i in bitmap.bytes.indices { bitmap.bytes[i] ^= 0xFF }
        }
    }

    private static func readResolution(_ tif: OpaquePointer) -> Resolution? {
        var x: Float = 0, y: Float = 0, unit: UInt16 = UInt16(RESUNIT_INCH)
        guard qs_tiff_get_float(tif, UInt32(TIFFTAG_XRESOLUTION), &x) != 0,
            qs_tiff_get_float(tif, UInt32(TIFFTAG_YRESOLUTION), &y) != 0,
            x.isFinite, y.isFinite, x > 0, y > 0
        else { return nil }
        _ = qs_tiff_get_u16_defaulted(tif, UInt32(TIFFTAG_RESOLUTIONUNIT), &unit)
        switch Int32(unit) {
        case RESUNIT_INCH: return Resolution(x: Double(x), y: Double(y))
        case RESUNIT_CENTIMETER: return Resolution(xPerCentimetre: Double(x), yPerCentimetre: Double(y))
        default: return nil
        }
    }

    private static func colorType(_ f: Fields) -> ColorType {
        switch Int32(f.photometric) {
        case PHOTOMETRIC_MINISBLACK, PHOTOMETRIC_MINISWHITE:
            if f.bitsPerSample == 1 && f.samplesPerPixel == 1 { return .bilevel }
            return f.samplesPerPixel - f.extraSamples == 1 && f.extraSamples > 0 ? .grayAlpha : .gray
        case PHOTOMETRIC_RGB: return f.extraSamples > 0 ? .rgba : .rgb
        case PHOTOMETRIC_PALETTE: return .palette
        case PHOTOMETRIC_SEPARATED: return .cmyk
        case PHOTOMETRIC_YCBCR: return .ycbcr
        default: return .other
        }
    }

    static func compressionName(_ code: Int) -> String {
        switch code {
        case 1: "none"
        case 2: "ccitt-rle"
        case 3: "ccitt-g3"
        case 4: "ccitt-g4"
        case 5: "lzw"
        case 6: "old-jpeg"
        case 7: "jpeg"
        case 8, 32946: "deflate"
        case 9: "jbig"
        case 32771: "ccitt-rlew"
        case 32773: "packbits"
        case 34676: "sgilog"
        case 34677: "sgilog24"
        case 34887: "lerc"
        case 34925: "lzma"
        case 50000: "zstd"
        case 50001: "webp"
        default: "compression-\(code)"
        }
    }
}
