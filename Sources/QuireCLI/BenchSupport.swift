import Foundation
import ImageCodecs
import SyntheticPages

/// A timed child process.
struct ChildRun {
    var seconds: Double
    /// Peak resident set of the child, KiB.
    var peakRSS: Int
    var status: Int32
}

/// Timing children and finding tools, shared by the benchmarks.
protocol BenchSupport {}

extension BenchSupport {
    /// Writes a mixed batch of A4 300 dpi pages into `delivery`, 20 to a record folder: bitonal G4 TIFF,
    /// gray LZW TIFF, colour LZW TIFF with a red seal, colour scanner JPEG, in turn. Returns the files and bytes.
    func generateMixedPages(_ pages: Int, into delivery: String) throws -> ([String], Int64) {
        printError("generating \(pages) mixed A4 pages at 300 dpi…")
        var files: [String] = []
        var bytes: Int64 = 0
        for i in 0..<pages {
            let folder = delivery + String(format: "/0001-001-%04d", i / 20 + 1)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let kind = i % 4
            let path = folder + String(format: "/%04d.%@", i % 20 + 1, kind == 3 ? "jpg" : "tif")
            let seed = UInt64(i + 1)
            do {
                switch kind {
                case 0: try TIFFEncoder.write(SyntheticPage.make(.bitonal, seed: seed), to: path, options: .init(compression: .g4))
                case 1: try TIFFEncoder.write(SyntheticPage.make(.gray, seed: seed), to: path, options: .init(compression: .lzw, predictor: false))
                case 2: try TIFFEncoder.write(SyntheticPage.make(.colour, seed: seed, redSeal: true), to: path, options: .init(compression: .lzw, predictor: false))
                default: try JPEGEncoder.write(SyntheticPage.make(.colour, seed: seed), to: path, options: .init(quality: 90))
                }
            } catch { throw CommandFailure.couldNotRun(error.description) }
            files.append(path)
            bytes += Int64((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        }
        return (files, bytes)
    }

    /// The libvips peer: master, access JPEG and thumbnail per page, one process per worker, in libvips'
    /// fastest lossless setting (LZW with predictor: its Deflate took 1.5 s per colour A4 page here, six times
    /// its LZW). Arguments: file list, output folder, workers. Page i (0-based) is bitonal when i % 4 == 0.
    func pyvipsScript() -> String {
        """
        import os, sys
        from multiprocessing import Pool
        import pyvips
        out = sys.argv[2]
        def one(job):
            i, f = job
            d = os.path.join(out, os.path.basename(os.path.dirname(f)))
            os.makedirs(d, exist_ok=True)
            n = os.path.splitext(os.path.basename(f))[0]
            im = pyvips.Image.new_from_file(f).copy_memory()
            if i % 4 == 0:
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

    func best(of runs: Int, _ body: () throws -> ChildRun) throws -> ChildRun? {
        var best: ChildRun?
        for _ in 0..<runs {
            let m = try body()
            if best == nil || m.seconds < best!.seconds { best = m }
        }
        return best
    }

    /// Runs a child, timing it and reading its peak RSS from wait4.
    func measure(_ executable: String, _ arguments: [String]) throws -> ChildRun {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let start = Date()
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else { throw CommandFailure.couldNotRun("cannot start \(executable): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let seconds = Date().timeIntervalSince(start)
        let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return ChildRun(seconds: seconds, peakRSS: usage.ru_maxrss, status: exitCode)
    }

    func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
