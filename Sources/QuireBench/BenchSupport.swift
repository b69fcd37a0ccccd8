import QuireCore
import ArgumentParser
import Foundation
import Raster
import Synchronization
import ImageCodecs
import SyntheticPages

/// A timed child process.
struct ChildRun {
    var seconds: Double
    /// Peak resident set of the child, KiB.
    var peakRSS: Int
    var status: Int32
    /// User plus system CPU time of the child and its children, seconds.
    var cpuSeconds: Double = 0
}

/// Timing children and finding tools, shared by the benchmarks.
protocol BenchSupport {}

extension BenchSupport {
    /// Writes a mixed batch of A4 300 dpi pages into `delivery`, 20 to a record folder: bitonal G4 TIFF,
    /// gray LZW TIFF, colour LZW TIFF with a red seal, colour scanner JPEG, in turn. Returns the files and bytes.
    /// Pages are stamped with serials from `firstSerial`, records named `<recordPrefix>-0001`…: two deliveries with
    /// distinct ranges and prefixes share no file and no record.
    func generateMixedPages(_ pages: Int, into delivery: String, firstSerial: Int = 0, recordPrefix: String = "0001-001")
        throws -> ([String], Int64)
    {
        printError("generating \(pages) mixed A4 pages at 300 dpi…")
        // Drawing a page is the slow part: draw a pool of pages once per kind, then make each file unique by
        // stamping its serial number into the top margin (duplicates would be quarantined), and encode in parallel.
        let pool = min(pages, 16)
        let kinds = (0..<pool).map { i -> Bitmap in
            let seed = UInt64(i + 1)
            switch i % 4 {
            case 0: return SyntheticPage.make(.bitonal, seed: seed)
            case 1: return SyntheticPage.make(.gray, seed: seed)
            case 2: return SyntheticPage.make(.colour, seed: seed, redSeal: true)
            default: return SyntheticPage.make(.colour, seed: seed)
            }
        }
        let paths: [String] = (0..<pages).map { (i: Int) -> String in
            let ext = i % 4 == 3 ? "jpg" : "tif"
            return delivery + "/" + recordPrefix + String(format: "-%04d/%04d.", i / 20 + 1, i % 20 + 1) + ext
        }
        for folder in Set(paths.map { ($0 as NSString).deletingLastPathComponent }) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let failure = Mutex<String?>(nil)
        let sizes = Mutex([Int64](repeating: 0, count: pages))
        let lanes = WorkerCount.standard
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            for i in stride(from: lane, to: pages, by: lanes) {
                // Pool page i % pool has kind i % 4, like page i: pool is a multiple of 4 or pages < pool.
                let page = stamped(kinds[i % pool], serial: firstSerial + i)
                do {
                    switch i % 4 {
                    case 0: try TIFFEncoder.write(page, to: paths[i], options: .init(compression: .g4))
                    case 1, 2: try TIFFEncoder.write(page, to: paths[i], options: .init(compression: .lzw, predictor: false))
                    default: try JPEGEncoder.write(page, to: paths[i], options: .init(quality: 90))
                    }
                } catch { failure.withLock { $0 = $0 ?? "\(error)" } }
                let size = Int64((try? FileManager.default.attributesOfItem(atPath: paths[i])[.size] as? Int) ?? 0)
                sizes.withLock { $0[i] = size }
            }
        }
        if let message = failure.withLock({ $0 }) { throw QuireError(.couldNotRun, stage: .bench, message: message) }
        return (paths, sizes.withLock { $0.reduce(0, +) })
    }

    /// The libvips peer: master, access JPEG and thumbnail per page, one process per worker, in libvips'
    /// fastest lossless setting (LZW with predictor: its Deflate took 1.5 s per colour A4 page here, six times
    /// its LZW). Arguments: file list, output folder, workers, and optionally a file listing the bitonal pages
    /// (G4 masters); without it page i (0-based) is bitonal when i % 4 == 0, as in `generateMixedPages`.
    func pyvipsScript() -> String {
        """
        import os, sys
        from multiprocessing import Pool
        import pyvips
        out = sys.argv[2]
        bitonal = set(open(sys.argv[4]).read().split()) if len(sys.argv) > 4 else None
        def one(job):
            i, f = job
            d = os.path.join(out, os.path.basename(os.path.dirname(f)))
            os.makedirs(d, exist_ok=True)
            n = os.path.splitext(os.path.basename(f))[0]
            im = pyvips.Image.new_from_file(f).copy_memory()
            if (f in bitonal) if bitonal is not None else (i % 4 == 0):
                im.tiffsave(f'{d}/{n}.tif', compression='ccittfax4', bitdepth=1)
            else:
                im.tiffsave(f'{d}/{n}.tif', compression='lzw', predictor='horizontal')
            a = im.thumbnail_image(2000).copy_memory()
            a.jpegsave(f'{d}/{n}-access.jpg', Q=85)
            a.thumbnail_image(256).jpegsave(f'{d}/{n}-thumb.jpg', Q=80)
        files = open(sys.argv[1]).read().split()
        with Pool(int(sys.argv[3])) as pool:
            pool.map(one, list(enumerate(files)), chunksize=1)
        """
    }

    /// The page types named in a comma-separated list.
    func parsedKinds(_ list: String) throws -> [ScannerPage.Kind] {
        let kinds = try list.split(separator: ",").map { name -> ScannerPage.Kind in
            let trimmed = name.trimmingCharacters(in: .whitespaces).lowercased()
            guard let kind = ScannerPage.Kind(rawValue: trimmed == "color" ? "colour" : trimmed) else {
                throw ValidationError("unknown page type '\(name)': use gray, colour, bitonal, jpeg")
            }
            return kind
        }
        guard !kinds.isEmpty else { throw ValidationError("name at least one page type: gray, colour, bitonal, jpeg") }
        return kinds
    }

    /// Draws `count` distinct pages of each kind (in parallel): the pool files are stamped from.
    func drawPools(_ kinds: Set<ScannerPage.Kind>, count: Int, pagesKind: PagesKind) -> [ScannerPage.Kind: [Bitmap]] {
        let jobs = kinds.sorted { $0.rawValue < $1.rawValue }.flatMap { kind in (0..<count).map { (kind, $0) } }
        let drawn = Mutex([ScannerPage.Kind: [Int: Bitmap]]())
        DispatchQueue.concurrentPerform(iterations: jobs.count) { j in
            let (kind, i) = jobs[j]
            let seed = UInt64(i * 4 + 1) + UInt64(ScannerPage.Kind.allCases.firstIndex(of: kind)!)
            let page = pagesKind == .realistic ? ScannerPage.make(kind, seed: seed).bitmap : simplePage(kind, seed: seed)
            drawn.withLock { $0[kind, default: [:]][i] = page }
        }
        return drawn.withLock { all in all.mapValues { pages in pages.keys.sorted().map { pages[$0]! } } }
    }

    /// Writes one file per entry of `plan` into `delivery`, 20 to a record folder, each a pool page of its kind
    /// with its serial stamped in the margin (every file unique), encoded as that kind's file. Returns the files and bytes.
    func writePages(
        _ plan: [ScannerPage.Kind], pools: [ScannerPage.Kind: [Bitmap]], pagesKind: PagesKind,
        into delivery: String
    ) throws -> ([String], Int64) {
        let paths: [String] = plan.indices.map { i in
            delivery + String(format: "/0001-001-%04d/%04d.", i / 20 + 1, i % 20 + 1) + plan[i].fileExtension
        }
        for folder in Set(paths.map { ($0 as NSString).deletingLastPathComponent }) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let failure = Mutex<String?>(nil)
        let sizes = Mutex([Int64](repeating: 0, count: plan.count))
        let lanes = WorkerCount.standard
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            for i in stride(from: lane, to: plan.count, by: lanes) {
                let pool = pools[plan[i]]!
                let page = stamped(pool[i % pool.count], serial: i)
                do {
                    let bytes =
                        pagesKind == .realistic
                        ? try ScannerPage.encode(page, as: plan[i], name: paths[i])
                        : try encodeSimple(page, as: plan[i])
                    try Data(bytes).write(to: URL(fileURLWithPath: paths[i]))
                    sizes.withLock { $0[i] = Int64(bytes.count) }
                } catch { failure.withLock { $0 = $0 ?? "\(error)" } }
            }
        }
        if let message = failure.withLock({ $0 }) { throw QuireError(.couldNotRun, stage: .bench, message: message) }
        return (paths, sizes.withLock { $0.reduce(0, +) })
    }

    func best(of runs: Int, _ body: () throws -> ChildRun) throws -> ChildRun? {
        var best: ChildRun?
        for _ in 0..<runs {
            let m = try body()
            if best == nil || m.seconds < best!.seconds { best = m }
        }
        return best
    }

    /// Runs a child, timing it and reading its peak RSS from wait4.
    /// Runs a child to its end: wall time, peak RSS and exit status; its standard output goes to `stdout`
    /// (default: nowhere).
    func measure(_ executable: String, _ arguments: [String], stdout: String = "/dev/null") throws -> ChildRun {
        // posix_spawn starts the child in this process's memory (vfork), and Linux carries the high-water mark
        // of that memory into the child's peak RSS: reset this process's mark first (clear_refs 5), so that the
        // child's figure is its own (plus this process's current size, small by then: the pages drawn for the
        // run are freed, and their memory is handed back, which Quire's heap settings otherwise keep).
        ImageMemory.returnFreeMemory()
        if let clear = FileHandle(forWritingAtPath: "/proc/self/clear_refs") {
            clear.write(Data("5".utf8))
            try? clear.close()
        }
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let start = Date()
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else {
            throw QuireError(.couldNotRun, stage: .bench, message: "cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        _ = Syscall.retrying { wait4(pid, &status, 0, &usage) }
        let seconds = Date().timeIntervalSince(start)
        let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let cpu =
            Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        return ChildRun(seconds: seconds, peakRSS: usage.ru_maxrss, status: exitCode, cpuSeconds: cpu)
    }

    func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}

/// A page of the older, simple generator for `kind` (colour pages with a red seal, JPEG pages without).
func simplePage(_ kind: ScannerPage.Kind, seed: UInt64) -> Bitmap {
    switch kind {
    case .bitonal: SyntheticPage.make(.bitonal, seed: seed)
    case .gray: SyntheticPage.make(.gray, seed: seed)
    case .colour: SyntheticPage.make(.colour, seed: seed, redSeal: true)
    case .jpeg: SyntheticPage.make(.colour, seed: seed)
    }
}

/// A simple page as `generateMixedPages` writes it: G4, LZW without predictor, or JPEG quality 90.
func encodeSimple(_ page: Bitmap, as kind: ScannerPage.Kind) throws -> [UInt8] {
    switch kind {
    case .bitonal: try TIFFEncoder.encode(page, options: .init(compression: .g4), name: "page")
    case .gray, .colour: try TIFFEncoder.encode(page, options: .init(compression: .lzw, predictor: false), name: "page")
    case .jpeg: try JPEGEncoder.encode(page, options: .init(quality: 90), name: "page")
    }
}

/// Which generator a benchmark's pages come from.
enum PagesKind: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// `ScannerPage`: A4 300 dpi with paper texture, illumination, noise, skew, seal; uncompressed TIFF and scanner JPEG.
    case realistic
    /// `SyntheticPage`: flat paper, light noise, no skew; LZW TIFF and JPEG (the benchmark's pages before issue 16).
    case simple
}

extension ScannerPage.Kind {
    /// The name of a benchmark row.
    var title: String {
        switch self {
        case .gray: "gray 8-bit"
        case .colour: "colour 24-bit"
        case .bitonal: "bitonal"
        case .jpeg: "scanner JPEG"
        }
    }

    /// How such a page is delivered by the given generator.
    func fileDescription(_ pages: PagesKind) -> String {
        switch (self, pages) {
        case (.gray, .realistic), (.colour, .realistic): "uncompressed TIFF"
        case (.gray, .simple): "LZW TIFF"
        case (.colour, .simple): "LZW TIFF, red seal"
        case (.bitonal, _): "G4 TIFF"
        case (.jpeg, .realistic): "colour JPEG q\(ScannerPage.jpegQuality) 4:2:0"
        case (.jpeg, .simple): "colour JPEG q90"
        }
    }
}

/// The page with `serial` drawn as a row of 32 dark or light 12×12 squares in its top margin.
func stamped(_ page: Bitmap, serial: Int) -> Bitmap {
    var page = page
    let bitsPerPixel = page.layout.bitsPerSample * page.layout.channels
    for bit in 0..<32 {
        let dark = (serial >> bit) & 1 == 1
        for y in 40..<52 {
            for x in (60 + bit * 12)..<(72 + bit * 12) {
                if bitsPerPixel == 1 {
                    // Bilevel: 0 is black, 1 white.
                    let index = y * page.bytesPerRow + x / 8
                    let mask = UInt8(0x80) >> UInt8(x % 8)
                    if dark { page.bytes[index] &= ~mask } else { page.bytes[index] |= mask }
                } else {
                    let step = bitsPerPixel / 8
                    for b in 0..<step { page.bytes[y * page.bytesPerRow + x * step + b] = dark ? 20 : 235 }
                }
            }
        }
    }
    return page
}

extension BenchSupport {
    /// User + system CPU seconds a process has used so far (`/proc/PID/stat`, in clock ticks).
    func cpuSeconds(of pid: pid_t) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        // After "pid (comm)": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// A file of the repository this quire-bench was built from.
    func repositoryFile(_ relative: String) throws -> String {
        var folder = URL(fileURLWithPath: try quireExecutable()).deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = folder.appendingPathComponent(relative).path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        let here = FileManager.default.currentDirectoryPath + "/" + relative
        guard FileManager.default.fileExists(atPath: here) else {
            throw QuireError(.couldNotRun, stage: .bench, message: "\(relative) not found: run from the repository")
        }
        return here
    }

    /// Starts a child with its standard output (and error) to `stdout`; its pid.
    func spawn(_ executable: String, _ arguments: [String], stdout: String) throws -> pid_t {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else {
            throw QuireError(.couldNotRun, stage: .bench, message: "cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        return pid
    }
}
