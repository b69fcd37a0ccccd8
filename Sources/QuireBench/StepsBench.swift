import QuireCore
import ArgumentParser
import DurableIO
import Fixity
import Foundation
import ImageCodecs
import ImageOps
import Ledger
import NormalizeStage
import Policy
import Raster
import SyntheticPages
import TextTable

/// `quire bench steps`: CPU-seconds per page for each step of the normalize path, beside its floor.
struct StepsBench: ParsableCommand, BenchSupport {
    static let configuration = CommandConfiguration(
        commandName: "steps",
        abstract: "CPU-seconds per page for each step of Quire's page path, beside the bare library call on the same bytes.",
        discussion: """
            On one generated page of each type (gray, colour, bitonal, JPEG), runs each step of the path a page \
            takes through 'quire run' — read, source SHA-256 and SHA-512, decode, the gray working copy, border, \
            skew, deskew rotation, blank and red analyses, master encode, access and thumbnail resample and \
            encode, output digests, durable writes — calling Quire's own functions with the default pipeline's \
            settings (dat31: Deflate level 1 with predictor, access 2000 px q85, thumbnail 256 px q80), and times \
            each on this thread's CPU clock (best of --repeats). Beside each: the floor, the bare library call \
            on the same bytes (libdeflate at the same level on the same predicted strips, OpenSSL's EVP_Digest, \
            TurboJPEG's encode and decode with the same quality, sampling and Huffman optimization, read(2) \
            into a reused buffer, memcpy + write(2) without fsync), or for Quire's own pixel work one pass over \
            the bytes it reads (or a memcpy of what it writes). The last row runs the whole normalization \
            (NormalizeStage.normalizeStaged) on the decoded page, to show what the listed steps leave out.

            Examples:
              quire bench steps
              quire bench steps --types colour --repeats 5
            """
    )

    @Option(help: "Pages to measure on: realistic (scanner model) or simple (the older synthetic pages).")
    var pagesKind: PagesKind = .realistic
    @Option(help: "Page types, comma-separated: gray, colour, bitonal, jpeg.") var types = "gray,colour,bitonal,jpeg"
    @Option(help: "Timed repetitions per step; the best is reported.") var repeats = 3
    @Option(help: "Seed of the generated page.") var seed: UInt64 = 1

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
        _ = try parsedKinds(types)
    }

    func run() throws {
        let libraries = BareLibraries()
        let base = (NSTemporaryDirectory() as NSString).appendingPathComponent("quire-bench-steps-\(getpid())")
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let policy = PipelinePolicy()
        print(
            "Default pipeline (dat31): masters Deflate \(policy.master.deflate) with predictor (G4 for bitonal), access \(policy.access.longestSide) px q\(policy.access.quality), thumbnail \(policy.thumbnail.longestSide) px q\(policy.thumbnail.quality), fixity \(policy.fixity.algorithms.map(\.rawValue).joined(separator: "+")); CPU-seconds per page on this thread, best of \(repeats); \(pagesKind.rawValue) pages."
        )
        if !libraries.missing.isEmpty { print("Not loaded (floors shown as -): \(libraries.missing.joined(separator: ", "))") }
        for kind in try parsedKinds(types) {
            let (bitmap, file) = try sourcePage(kind)
            let path = base + "/source-\(kind.rawValue).\(kind.fileExtension)"
            try Data(file).write(to: URL(fileURLWithPath: path))
            print(
                "\n\(kind.title): \(bitmap.width)×\(bitmap.height) \(bitmap.layout.rawValue), source \(kind.fileDescription(pagesKind)), \(String(format: "%.1f", Double(file.count) / 1e6)) MB"
            )
            let rows = try measure(kind, path: path, base: base, policy: policy, libraries: libraries)
            var table = TextTable(["STEP", "QUIRE CPU-S", "FLOOR CPU-S", "× FLOOR", "FLOOR IS"])
            for row in rows {
                table.add([
                    row.step, String(format: "%.5f", row.quire), row.floor.map { String(format: "%.5f", $0) } ?? "-",
                    row.floor.map { $0 > 0 ? String(format: "%.2f", row.quire / $0) : "-" } ?? "-", row.floorIs,
                ])
            }
            print(table.render(indent: ""))
        }
        print(
            """

            "one pass" floors are the machine's cost of reading the step's input once (a word-wise sum) or, for steps \
            that make a new image, of copying it (memcpy): no analysis, rotation or resampling can cost less. \
            Writes are CPU time only (fsync waits are not CPU), and their floor has no fsync.
            """)
    }

    /// One line of the table.
    struct Row {
        var step: String
        var quire: Double
        var floor: Double?
        var floorIs: String
    }

    /// The page as pixels and as its source file's bytes.
    func sourcePage(_ kind: ScannerPage.Kind) throws -> (Bitmap, [UInt8]) {
        do {
            switch pagesKind {
            case .realistic:
                let page = ScannerPage.make(kind, seed: seed).bitmap
                return (page, try ScannerPage.encode(page, as: kind))
            case .simple:
                let page = simplePage(kind, seed: seed)
                return (page, try encodeSimple(page, as: kind))
            }
        } catch { throw QuireError(.couldNotRun, stage: .bench, message: "\(error)") }
    }

    /// Times every step of the page path on the file at `path`.
    func measure(_ kind: ScannerPage.Kind, path: String, base: String, policy: PipelinePolicy, libraries: BareLibraries) throws
        -> [Row]
    {
        var rows: [Row] = []
        func add(_ step: String, _ quire: Double, _ floor: Double?, _ floorIs: String) {
            rows.append(Row(step: step, quire: quire, floor: floor, floorIs: floorIs))
        }
        let size = Int((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)

        // Read and source digests.
        let (readCPU, data) = timed { (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data() }
        let reused = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, size), alignment: 64)
        defer { reused.deallocate() }
        let (readFloor, _) = timed { () -> Int in
            let fd = open(path, O_RDONLY)
            defer { close(fd) }
            return pread(fd, reused.baseAddress, size, 0)
        }
        add("read source (Data(contentsOf:))", readCPU, readFloor, "read(2) into a reused buffer")
        let source = [UInt8](data)
        rows += digestRows("source", [source], libraries: libraries)

        // Decode.
        let options = DecodeOptions(maxPixels: policy.intake.maxMegapixels * 1_000_000, acceptMultiPage: true)
        let (decodeCPU, decodedOrNil) = timed { try? ImageDecoder.decode(data, options: options) }
        guard let decoded = decodedOrNil else {
            throw QuireError(.couldNotRun, stage: .bench, message: "the generated \(kind.rawValue) page did not decode")
        }
        var bitmap = decoded.bitmap
        // Floors write into one warm buffer: what the machine can do, without the page faults of a fresh one.
        let scratch = UnsafeMutableRawBufferPointer.allocate(
            byteCount: max(size, bitmap.width * bitmap.height * 3) + 4096, alignment: 64)
        defer { scratch.deallocate() }
        scratch.initializeMemory(as: UInt8.self, repeating: 0)
        switch kind {
        case .gray, .colour:
            add(
                "decode (uncompressed TIFF)", decodeCPU, timed { copyPass(bitmap.bytes, into: scratch) }.0, "memcpy of the pixels"
            )
        case .jpeg:
            let floor = timedOptional {
                libraries.unjpeg(
                    source, into: scratch, width: bitmap.width, height: bitmap.height, channels: bitmap.layout.channels)
                    ? true : nil
            }
            add("decode (JPEG)", decodeCPU, floor, "TurboJPEG tjDecompress2")
        case .bitonal:
            add("decode (G4 TIFF)", decodeCPU, nil, "libtiff's own G4 decoder, which Quire calls")
        }

        // Analyses on the gray working copy (the default pipeline: border crop, deskew, blank detection).
        let processing = policy.processing
        var gray = bitmap
        if bitmap.layout != .gray8 {
            let (cpu, g) = timed { ColorConversion.toGray8(bitmap) }
            gray = g
            add(
                "gray working copy (toGray8)", cpu, timed { copyPass(g.bytes, into: scratch) }.0,
                "one pass (memcpy of the gray copy)")
        }
        let (borderCPU, rect) = timed { BorderCrop.detect(gray) }
        add(
            "border detection" + (rect == nil ? "" : " (crops)"), borderCPU, timed { readPass(gray.bytes) }.0,
            "one pass over the gray copy")
        if let rect {
            let (cpu, cropped) = timed { (BorderCrop.crop(bitmap, to: rect), BorderCrop.crop(gray, to: rect)) }
            bitmap = cropped.0
            gray = cropped.1
            add(
                "border crop (page + gray)", cpu,
                timed { copyPass(bitmap.bytes, into: scratch) + copyPass(gray.bytes, into: scratch) }.0, "memcpy of both")
        }
        let (skewCPU, skew) = timed { SkewDetector.measure(gray, maxAngle: processing.deskewMaxAngle) }
        add(
            String(format: "skew measurement (%.2f°)", skew.angle), skewCPU, timed { readPass(gray.bytes) }.0,
            "one pass over the gray copy")
        if abs(skew.angle) > processing.deskewThreshold && skew.confidence > 0.3
            && abs(skew.angle) < processing.deskewMaxAngle - 0.25
        {
            // As the normalizer does it: the page and its gray copy in one call.
            let (turnCPU, turned) = timed { Rotator.rotate(bitmap, withGrayCopy: gray, degrees: -skew.angle) }
            let floor = timed { copyPass(bitmap.bytes, into: scratch) }.0 + timed { copyPass(gray.bytes, into: scratch) }.0
            add("deskew rotation, page and gray copy", turnCPU, floor, "memcpy of the page and of the gray copy")
            bitmap = turned.page
            gray = turned.gray
        }
        let (blankCPU, _) = timed { BlankPageDetector.analyse(gray, inkFraction: processing.blankInkFraction) }
        add("blank-page analysis", blankCPU, timed { readPass(gray.bytes) }.0, "one pass over the gray copy")
        if bitmap.layout == .rgb8 {
            let (redCPU, _) = timed {
                RedMarkDetector.analyse(bitmap, rule: RedPixelRule(significantFraction: policy.colour.redFraction))
            }
            add(
                "red-mark analysis (reduce_plain_colour only)", redCPU, timed { readPass(bitmap.bytes) }.0,
                "one pass over the page")
        }

        // Master.
        let master = bitmap
        let compression =
            kind == .bitonal
            ? policy.master.bitonal
            : master.layout == .gray8 ? policy.master.gray : policy.master.colour
        let tiffOptions = TIFFEncoder.Options(
            compression: compression, predictor: policy.master.predictor,
            imageDescription: "0001-001-0001 page 1", software: "Quire bench",
            iccProfile: decoded.info.iccProfile, deflate: policy.master.deflate)
        let (masterCPU, masterBytesOrNil) = timed { try? TIFFEncoder.encode(master, options: tiffOptions, name: "master") }
        guard let masterBytes = masterBytesOrNil else {
            throw QuireError(.couldNotRun, stage: .bench, message: "the master did not encode")
        }
        if compression == .deflate {
            let predicted = tiffOptions.predictor ? TIFFEncoder.horizontallyDifferenced(master) : master.bytes
            let strip = max(1, 65_536 / max(1, master.bytesPerRow)) * master.bytesPerRow
            // The floor: libdeflate at the pipeline's level, or at its fastest (1) when Quire codes Huffman only,
            // which no library offers at libdeflate's speed.
            let level = if case .level(let n) = policy.master.deflate { n } else { 1 }
            let (floorCPU, floorBytes) = timed { libraries.deflate(predicted, chunk: strip, level: level) }
            add(
                String(
                    format: "master encode (Deflate %@%@, %.1f MB)", policy.master.deflate.description,
                    tiffOptions.predictor ? " + predictor" : "",
                    Double(masterBytes.count) / 1e6), masterCPU, floorBytes == nil ? nil : floorCPU,
                "libdeflate level \(level), same predicted strips"
                    + (floorBytes.map { String(format: " (%.1f MB)", Double($0) / 1e6) } ?? ""))
        } else {
            add(
                "master encode (\(compression.rawValue), \(String(format: "%.2f", Double(masterBytes.count) / 1e6)) MB)",
                masterCPU, nil,
                "libtiff's own \(compression.rawValue) coder, which Quire calls")
        }

        // Access copy and thumbnail.
        let (eightCPU, eightBit): (Double, Bitmap) =
            master.layout == .bilevel ? timed { ColorConversion.toGray8(master) } : (0, master)
        let (accessCPU, access) = timed { Resampler.resize(eightBit, longestSide: policy.access.longestSide) }
        add(
            master.layout == .bilevel ? "access resample (unpack + resize)" : "access resample", eightCPU + accessCPU,
            timed { readPass(eightBit.bytes) }.0, "one pass over the page")
        let (accessJPEGCPU, accessJPEG) = timed {
            (try? JPEGEncoder.encode(access, options: .init(quality: policy.access.quality), name: "access")) ?? []
        }
        add(
            "access JPEG encode (\(access.width)×\(access.height))", accessJPEGCPU,
            timedOptional {
                libraries.jpeg(
                    access.bytes, width: access.width, height: access.height, channels: access.layout.channels,
                    quality: policy.access.quality)
            },
            "TurboJPEG tjCompress2, same quality and sampling")
        let (thumbCPU, thumb) = timed { Resampler.resize(access, longestSide: policy.thumbnail.longestSide) }
        add("thumbnail resample", thumbCPU, timed { readPass(access.bytes) }.0, "one pass over the access copy")
        let (thumbJPEGCPU, thumbJPEG) = timed {
            (try? JPEGEncoder.encode(thumb, options: .init(quality: policy.thumbnail.quality), name: "thumb")) ?? []
        }
        add(
            "thumbnail JPEG encode", thumbJPEGCPU,
            timedOptional {
                libraries.jpeg(
                    thumb.bytes, width: thumb.width, height: thumb.height, channels: thumb.layout.channels,
                    quality: policy.thumbnail.quality)
            },
            "TurboJPEG tjCompress2")

        // Output digests and durable writes.
        let outputs = [masterBytes, accessJPEG, thumbJPEG]
        rows += digestRows("outputs", outputs, libraries: libraries)
        let out = base + "/out-\(kind.rawValue)"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let (writeCPU, _) = timed { () -> Bool in
            for (i, bytes) in outputs.enumerated() { try? DurableFile.write(bytes: bytes, to: out + "/durable-\(i)") }
            return true
        }
        let (writeFloor, _) = timed { () -> Bool in
            for (i, bytes) in outputs.enumerated() {
                let fd = open(out + "/plain-\(i)", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                bytes.withUnsafeBytes { scratch.copyMemory(from: $0) }
                _ = write(fd, scratch.baseAddress, bytes.count)
                close(fd)
            }
            return true
        }
        add(
            String(format: "write outputs (DurableFile, %.1f MB)", Double(outputs.reduce(0) { $0 + $1.count }) / 1e6), writeCPU,
            writeFloor,
            "memcpy + write(2), no fsync")

        let total = rows.reduce(0) { $0 + $1.quire }
        let floors = rows.compactMap(\.floor).reduce(0, +)
        add("sum of the steps above", total, floors, "sum of the floors shown")

        // The whole normalization from the decoded page, through Quire's own stage (what 'quire run' calls).
        let stage = try normalizeStage(base: base + "/ws-\(kind.rawValue)", policy: policy)
        let record = PageRecord(
            path: "0001-001-0001/0001.\(kind.fileExtension)", size: Int64(size), mtimeNanoseconds: 0,
            sha256: "", format: kind == .jpeg ? "jpeg" : "tiff", width: decoded.info.width, height: decoded.info.height,
            bitsPerSample: decoded.info.bitsPerSample, samplesPerPixel: decoded.info.samplesPerPixel,
            colorType: decoded.info.colorType.rawValue, compression: decoded.info.compression,
            dpiX: decoded.info.resolution?.x, dpiY: decoded.info.resolution?.y, frames: 1,
            code: "0001-001-0001", page: 1, state: .decoded)
        let (wholeCPU, normalized) = timed { stage.normalizeStaged(record, decoded: decoded) }
        let expected = rows.filter {
            !$0.step.hasPrefix("read source") && !$0.step.hasPrefix("source ") && !$0.step.hasPrefix("decode")
                && !$0.step.hasPrefix("red-mark") && !$0.step.hasPrefix("sum of")
        }.reduce(0) { $0 + $1.quire }
        add(
            "whole normalization (normalizeStaged)\(normalized.outputs.count == 3 ? "" : " FAILED")", wholeCPU, expected,
            "its steps above, summed (not a floor)")
        return rows
    }

    /// SHA-256 and SHA-512 rows for `buffers`, Quire's `MultiDigest` beside OpenSSL's `EVP_Digest`.
    func digestRows(_ what: String, _ buffers: [[UInt8]], libraries: BareLibraries) -> [Row] {
        let bytes = buffers.reduce(0) { $0 + $1.count }
        return [(DigestAlgorithm.sha256, false, "swift-crypto"), (.sha512, true, "OpenSSL EVP")].map {
            algorithm, is512, library in
            let (cpu, _) = timed { () -> Int in
                var n = 0
                for buffer in buffers {
                    var digest = MultiDigest([algorithm])
                    buffer.withUnsafeBytes { digest.update($0) }
                    n += digest.finalize().count
                }
                return n
            }
            let floor = timedOptional { () -> Bool? in
                for buffer in buffers { guard buffer.withUnsafeBytes({ libraries.hash($0, sha512: is512) }) else { return nil } }
                return true
            }
            return Row(
                step: String(
                    format: "%@ %@ (%@, %.1f MB)", what,
                    algorithm.rawValue.uppercased().replacingOccurrences(of: "SHA", with: "SHA-"),
                    library, Double(bytes) / 1e6),
                quire: cpu, floor: floor, floorIs: "OpenSSL EVP_Digest")
        }
    }

    func normalizeStage(base: String, policy: PipelinePolicy) throws -> NormalizeStage {
        for folder in ["masters", "access", "thumbs"] {
            try FileManager.default.createDirectory(atPath: base + "/\(folder)/0001-001-0001", withIntermediateDirectories: true)
        }
        do {
            let ledger = try SQLiteLedger(path: base + "/ledger.sqlite")
            return NormalizeStage(ledger: ledger, policy: policy, workspace: base, workers: 1, version: "bench")
        } catch { throw QuireError(.couldNotRun, stage: .bench, message: "\(error)") }
    }

    /// Best CPU time of `repeats` runs of `body` on this thread, and its last result.
    func timed<R>(_ body: () -> R) -> (Double, R) {
        var best = Double.infinity
        var result: R?
        for _ in 0..<repeats {
            result = nil
            let start = threadCPUSeconds()
            let r = body()
            best = min(best, threadCPUSeconds() - start)
            result = r
        }
        return (best, result!)
    }

    /// As `timed`, nil when the body gives nil (a library that is not there).
    func timedOptional<R>(_ body: () -> R?) -> Double? {
        let (seconds, result) = timed(body)
        return result == nil ? nil : seconds
    }
}

/// This thread's CPU time (user + system), seconds.
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Where floor results go, so that the optimizer cannot drop the work that made them.
nonisolated(unsafe) var benchSink: UInt64 = 0

/// Reads every byte once (a word-wise sum): the least any analysis of `bytes` can cost.
@inline(never)
func readPass(_ bytes: [UInt8]) -> UInt64 {
    let sum = bytes.withUnsafeBytes { raw in
        var sum = SIMD8<UInt64>()
        let vectors = raw.count / 64
        for i in 0..<vectors { sum &+= raw.loadUnaligned(fromByteOffset: i * 64, as: SIMD8<UInt64>.self) }
        var total = sum.wrappedSum()
        for i in (vectors * 64)..<raw.count { total &+= UInt64(raw[i]) }
        return total
    }
    benchSink &+= sum
    return sum
}

/// Copies `bytes` into `target` (a warm buffer at least as large): the least any step that makes a new image of
/// this size can cost. Returns the byte count.
@inline(never)
func copyPass(_ bytes: [UInt8], into target: UnsafeMutableRawBufferPointer) -> Int {
    bytes.withUnsafeBytes { target.copyMemory(from: $0) }
    benchSink &+= UInt64(target.load(fromByteOffset: bytes.count / 2, as: UInt8.self))
    return bytes.count
}
