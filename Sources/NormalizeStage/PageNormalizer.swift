import QuireCore
import BlockingWork
import DurableIO
import Fixity
import Foundation
import ImageCodecs
import ImageOps
import Ledger
import Policy
import Raster

/// Normalizes one page; pure apart from the files it writes. Runs in a worker.
struct PageNormalizer: Sendable {
    let policy: PipelinePolicy
    let workspace: String
    let delivery: String
    let software: String
    let tags: NormalizeStage.ScannerTags

    /// The colour mode of a master (DA/T 31-2017 §9.3).
    enum Mode: String { case bitonal, gray, colour }

    /// Where the page's outputs go.
    var layout: WorkspaceLayout { WorkspaceLayout(root: workspace, pageDigits: policy.intake.pageDigits) }

    /// Reads the page's source, checks its bytes are those registered at import, decodes and normalizes it.
    func normalize(_ page: PageRecord) -> NormalizedPage {
        func failed(_ rule: PageCheckRule, _ detail: String) -> NormalizedPage {
            NormalizedPage(
                path: page.path, outputs: [],
                checks: [PageCheck(path: page.path, stage: .normalize, rule: rule, severity: .error, detail: detail)],
                steps: [])
        }
        let source = delivery + "/" + page.path
        // The page was measured against the memory budget at import; its source is re-read under the same rule.
        var info = stat()
        guard stat(source, &info) == 0 else {
            return failed(.sourceUnreadable, "cannot read \(source): \(String(cString: strerror(errno)))")
        }
        let claim = ImageHeader(
            format: ImageFormat(rawValue: page.format) ?? .tiff, width: page.width, height: page.height,
            channels: page.samplesPerPixel, bitsPerSample: page.bitsPerSample)
        let need = MemoryReservations.pageCost(fileBytes: Int(clamping: info.st_size), bitmapBytes: claim.decodedBytes)
        guard need <= MemoryReservations.shared.limit else {
            return failed(
                .tooLarge,
                "normalizing needs about \(need >> 20) MB, more than the memory budget of \(MemoryReservations.shared.limit >> 20) MB (QUIRE_MEMORY_BUDGET)"
            )
        }
        return MemoryReservations.shared.withReservation(need) { normalize(page, source: source, failed: failed) }
    }

    private func normalize(_ page: PageRecord, source: String, failed: (PageCheckRule, String) -> NormalizedPage)
        -> NormalizedPage
    {
        // The source's fixity digests come from the same read (a worker records them with the page).
        let algorithms = [.sha256] + policy.fixity.algorithms.filter { $0 != .sha256 }
        guard let (data, digests) = try? FileDigester.readWhole(path: source, algorithms: algorithms) else {
            return failed(.sourceUnreadable, "cannot read \(source)")
        }
        guard digests[.sha256] == page.sha256 else {
            return failed(
                .sourceChanged,
                "the file's SHA-256 differs from the one registered at import; run 'quire run' (or 'quire import') again to take the new file"
            )
        }
        let decoded: DecodedImage
        do {
            decoded = try ImageDecoder.decode(
                data,
                options: DecodeOptions(
                    maxPixels: policy.intake.maxMegapixels * 1_000_000,
                    acceptMultiPage: true))
        } catch {
            var result = failed(.decodeFailed, error.message)
            result.sourceDigests = digests
            return result
        }
        var result = normalize(page, decoded: decoded)
        result.sourceDigests = digests
        return result
    }

    /// Normalizes a page from its decoded image (the import's, in a streaming run: one read, one decode).
    /// With `staged`, each output is written durably under `DurableFile.stagedPath(for:)`, for the caller to
    /// publish once the page is known to be kept.
    func normalize(_ page: PageRecord, decoded: DecodedImage, staged: Bool = false) -> NormalizedPage {
        var checks: [PageCheck] = []
        var steps: [ProcessStep] = []
        func check(_ rule: PageCheckRule, _ severity: Severity, _ detail: String) {
            checks.append(PageCheck(path: page.path, stage: .normalize, rule: rule, severity: severity, detail: detail))
        }
        func failed(_ rule: PageCheckRule, _ detail: String) -> NormalizedPage {
            check(rule, .error, detail)
            return NormalizedPage(path: page.path, outputs: [], checks: checks, steps: steps)
        }

        // Orientation: the decode has already turned the pixels upright; record what it did.
        if decoded.info.orientation != .topLeft {
            steps.append(
                ProcessStep(
                    .orientation,
                    [
                        "source_orientation": "\(decoded.info.orientation.rawValue)",
                        "transform": decoded.info.orientation.displayTransform,
                    ]))
        }

        // Faults the decode worked around without losing a pixel (a JPEG's extraneous bytes before a marker, an
        // ICC profile dropped because its chunks did not fit together): the page is kept and flagged for review.
        // One check per rule and page (the ledger keys checks so): several warnings are one check, joined.
        if !decoded.info.warnings.isEmpty { check(.decodeWarning, .warning, decoded.info.warnings.joined(separator: "; ")) }

        // Resolution (§9.4).
        let stated = decoded.info.resolution
        let dpi = stated?.effectiveDPI ?? policy.resolution.assumeDPI
        guard let dpi else {
            return failed(
                .lowResolution,
                "the file states no resolution; the policy needs at least \(policy.resolution.minimumDPI) dpi (set resolution.assume_dpi if the scanner is known)"
            )
        }
        guard dpi >= policy.resolution.minimumDPI else {
            return failed(
                .lowResolution,
                "\(dpi) dpi is below the policy's minimum of \(policy.resolution.minimumDPI) dpi; rescan the page into the delivery and run 'quire run' again"
            )
        }
        var bitmap = decoded.bitmap
        if stated == nil { bitmap.resolution = Resolution(x: Double(dpi), y: Double(dpi)) }

        // Colour mode (§9.3): never lower than the source, except plain colour reduced to gray by policy.
        var mode: Mode
        switch decoded.info.colorType {
        case .bilevel: mode = .bitonal
        case .gray, .grayAlpha: mode = .gray
        default: mode = .colour
        }
        if bitmap.layout.hasAlpha || bitmap.layout == .cmyk8 || bitmap.layout == .rgba8 {
            let inverted = decoded.info.format == .jpeg && bitmap.layout == .cmyk8
            bitmap =
                mode == .gray
                ? ColorConversion.toGray8(bitmap, cmykInverted: inverted)
                : ColorConversion.toRGB8(bitmap, cmykInverted: inverted)
        }
        if mode == .colour && policy.colour.reducePlainColour && policy.colour.allowGray {
            let rgb = bitmap.layout == .rgb8 ? bitmap : ColorConversion.toRGB8(bitmap)
            let red = RedMarkDetector.analyse(rgb, rule: RedPixelRule(significantFraction: policy.colour.redFraction))
            if red.hasSignificantRed && policy.colour.keepColourForRed {
                steps.append(
                    ProcessStep(
                        .colourMode,
                        [
                            "mode": "colour", "reason": "significant red (seal or letterhead)",
                            "red_fraction": String(format: "%.5f", red.redFraction),
                        ]))
            } else {
                mode = .gray
                bitmap = ColorConversion.toGray8(bitmap)
                steps.append(
                    ProcessStep(
                        .colourMode,
                        [
                            "mode": "gray", "reason": "plain colour reduced by policy",
                            "red_fraction": String(format: "%.5f", red.redFraction),
                        ]))
            }
        }

        // Image processing (§10): border crop, deskew, blank detection; each recorded with its parameters.
        let processing = policy.processing
        if processing.borderCrop || processing.deskew || processing.blankDetection {
            var gray = bitmap.layout == .gray8 ? bitmap : ColorConversion.toGray8(bitmap)
            if processing.borderCrop, let rect = BorderCrop.detect(gray) {
                bitmap = BorderCrop.crop(
                    bitmap.layout.bitsPerSample == 16 ? ColorConversion.toEightBit(bitmap) : bitmap, to: rect)
                gray = BorderCrop.crop(gray, to: rect)
                steps.append(
                    ProcessStep(
                        .borderCrop,
                        [
                            "x": "\(rect.x)", "y": "\(rect.y)", "width": "\(rect.width)",
                            "height": "\(rect.height)",
                        ]))
            }
            if processing.deskew {
                let skew = SkewDetector.measure(gray, maxAngle: processing.deskewMaxAngle)
                let angle = skew.angle
                if abs(angle) > processing.deskewThreshold && skew.confidence > 0.3
                    && abs(angle) < processing.deskewMaxAngle - 0.25
                {
                    (bitmap, gray) = Rotator.rotate(
                        bitmap.layout.bitsPerSample == 16 ? ColorConversion.toEightBit(bitmap) : bitmap,
                        withGrayCopy: gray, degrees: -angle)
                    steps.append(
                        ProcessStep(
                            .deskew,
                            [
                                "measured_degrees": String(format: "%.2f", angle),
                                "rotated_degrees": String(format: "%.2f", -angle), "interpolation": "bilinear",
                                "confidence": String(format: "%.2f", skew.confidence),
                            ]))
                } else {
                    steps.append(
                        ProcessStep(
                            .deskew,
                            [
                                "measured_degrees": String(format: "%.2f", angle), "rotated_degrees": "0",
                                "confidence": String(format: "%.2f", skew.confidence),
                                "threshold_degrees": String(format: "%.2f", processing.deskewThreshold),
                            ]))
                    if abs(angle) > processing.skewTolerance {
                        check(
                            .skew, .warning,
                            String(
                                format: "skew of %.1f° remains (tolerance %.1f°); measurement confidence %.2f — check the page",
                                angle, processing.skewTolerance, skew.confidence))
                    }
                }
            }
            if processing.blankDetection {
                let blank = BlankPageDetector.analyse(gray, inkFraction: processing.blankInkFraction)
                steps.append(
                    ProcessStep(
                        .blankDetection,
                        [
                            "ink_fraction": String(format: "%.5f", blank.inkFraction),
                            "threshold": String(format: "%.5f", processing.blankInkFraction), "blank": "\(blank.isBlank)",
                        ]))
                if blank.isBlank {
                    check(
                        .blankPage, .warning,
                        String(
                            format: "page looks blank (ink coverage %.4f%%); kept, flagged for review", blank.inkFraction * 100))
                }
            }
        }

        // Master layout per mode.
        let master: Bitmap
        let compression: MasterCompression
        switch mode {
        case .bitonal:
            master = bitmap.layout == .bilevel ? bitmap : ColorConversion.toBilevel(ColorConversion.toGray8(bitmap))
            compression = policy.master.bitonal
        case .gray:
            master = bitmap.layout == .gray8 || bitmap.layout == .gray16 ? bitmap : ColorConversion.toGray8(bitmap)
            compression = policy.master.gray
        case .colour:
            master = bitmap.layout == .rgb8 || bitmap.layout == .rgb16 ? bitmap : ColorConversion.toRGB8(bitmap)
            compression = policy.master.colour
        }
        let layout = self.layout
        let masterPath = layout.relativePath(of: .master, code: page.code, page: page.page)
        let accessPath = layout.relativePath(of: .access, code: page.code, page: page.page)
        let thumbPath = layout.relativePath(of: .thumbnail, code: page.code, page: page.page)
        let options = TIFFEncoder.Options(
            compression: compression, predictor: policy.master.predictor,
            imageDescription: "\(page.code) page \(page.page)", software: software,
            make: tags.make, model: tags.model, dateTime: tags.dateTime,
            iccProfile: decoded.info.iccProfile, deflate: policy.master.deflate)
        var masterStep = [
            "mode": mode.rawValue, "compression": compression.rawValue,
            "predictor": "\(policy.master.predictor && compression != .g4)", "dpi": "\(dpi)",
        ]
        if compression == .deflate { masterStep["deflate"] = policy.master.deflate.description }
        steps.append(ProcessStep(.master, masterStep))

        // Access copy and thumbnail (the thumbnail from the access copy).
        let eightBit: Bitmap =
            switch master.layout {
            case .gray8, .rgb8: master
            case .rgb16: ColorConversion.toRGB8(master)
            default: ColorConversion.toGray8(master)
            }
        let access = Resampler.resize(eightBit, longestSide: policy.access.longestSide)
        let thumbnail = Resampler.resize(access, longestSide: policy.thumbnail.longestSide)
        steps.append(
            ProcessStep(
                .access,
                [
                    "longest_side": "\(max(access.width, access.height))", "quality": "\(policy.access.quality)",
                    "resampler": "area-average",
                ]))
        steps.append(
            ProcessStep(
                .thumbnail,
                [
                    "longest_side": "\(max(thumbnail.width, thumbnail.height))",
                    "quality": "\(policy.thumbnail.quality)", "source": "access copy",
                ]))

        // Encode in memory, digest those bytes, write them once: no second read of any output.
        let algorithms = policy.fixity.algorithms
        var outputs: [FixityRecord] = []
        do {
            let encoded: [(FileRole, String, [UInt8])] = [
                (.master, masterPath, try TIFFEncoder.encode(master, options: options, name: masterPath)),
                (
                    .access, accessPath,
                    try JPEGEncoder.encode(access, options: .init(quality: policy.access.quality), name: accessPath)
                ),
                (
                    .thumbnail, thumbPath,
                    try JPEGEncoder.encode(thumbnail, options: .init(quality: policy.thumbnail.quality), name: thumbPath)
                ),
            ]
            for (role, path, bytes) in encoded {
                var digest = MultiDigest(algorithms)
                bytes.withUnsafeBytes { digest.update($0) }
                let target = layout.absolute(path)
                try DurableFile.write(bytes: bytes, to: staged ? DurableFile.stagedPath(for: target) : target)
                outputs.append(
                    FixityRecord(
                        batch: "", root: .workspace, path: path, role: role, size: Int64(bytes.count),
                        digests: digest.finalize()))
            }
        } catch let error as DurableFileError {
            if let full = error.diskFull {
                return NormalizedPage(path: page.path, outputs: [], checks: checks, steps: steps, diskFull: full)
            }
            return failed(.writeFailed, error.description)
        } catch {
            return failed(.writeFailed, "\(error)")
        }
        return NormalizedPage(path: page.path, outputs: outputs, checks: checks, steps: steps)
    }
}
