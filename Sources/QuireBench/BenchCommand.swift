import QuireCore
import ArgumentParser
import Foundation
import ImageCodecs
import Raster
import SyntheticPages
import TextTable

/// `quire bench`: throughput figures against reference tools measured in the same run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        // Run as `quire bench …` (the front door in `quire`), so help and errors name it so.
        commandName: "quire bench",
        abstract: "Measure Quire against reference tools on generated pages, in the same run.",
        subcommands: [
            ImportBench.self, NormalizeBench.self, DigestBench.self, VerifyBench.self, StatusBench.self, RunBench.self,
            StepsBench.self, ClaimsBench.self, ServeBench.self, SharedBench.self,
        ]
    )
}

/// `quire bench import`: pages decoded per second on 300 dpi A4 gray TIFFs.
struct ImportBench: ParsableCommand, BenchSupport {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "Import (signature, SHA-256, full decode, ledger) of generated A4 gray TIFFs, against libtiff's tiffinfo -D and Pillow.",
        discussion: """
            Generates N scanner-like A4 pages (paper tone, noise, text strokes) as 8-bit gray TIFFs, runs \
            'quire import' on them as a child process, then the reference decoders on the same files with the \
            same number of parallel workers, and prints each tool's pages/s and Quire's ratio to it. The \
            machine may be shared and noisy: compare ratios, not absolute figures.

            Example:
              quire bench import --pages 60 --workers 2
            """
    )

    @Option(help: "Pages to generate.") var pages = 40
    @Option(help: "Resolution of the generated pages.") var dpi = 300
    @Option(help: "Parallel workers for every tool (default: one per core).") var workers = 0
    @Option(help: "TIFF compression of the generated pages: none, lzw, deflate, packbits.") var compression = "lzw"
    @Option(help: "Timed repetitions per tool; the best is reported.") var repeats = 3
    @Option(help: "Folder to generate into (default: a temporary folder, removed afterwards).") var dir: String?

    func validate() throws {
        guard pages > 0 else { throw ValidationError("--pages must be at least 1") }
        guard (50...1200).contains(dpi) else { throw ValidationError("--dpi must be in 50…1200") }
        guard TIFFEncoder.Compression(rawValue: compression) != nil, compression != "g4" else {
            throw ValidationError("--compression must be none, lzw, deflate or packbits")
        }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
    }

    func run() throws {
        let workerCount = WorkerCount.resolve(workers)
        let base = dir ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("quire-bench-\(getpid())")
        let delivery = (base as NSString).appendingPathComponent("delivery")
        defer { if dir == nil { try? FileManager.default.removeItem(atPath: base) } }
        try FileManager.default.createDirectory(atPath: delivery, withIntermediateDirectories: true)

        printError("generating \(pages) A4 gray pages at \(dpi) dpi (\(compression))…")
        var files: [String] = []
        var bytes: Int64 = 0
        let options = TIFFEncoder.Options(
            compression: TIFFEncoder.Compression(rawValue: compression)!, predictor: false,
            make: "Fujitsu", model: "fi-7160")
        for i in 0..<pages {
            let code = String(format: "0001-001-%04d", i / 20 + 1)
            let folder = (delivery as NSString).appendingPathComponent(code)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let path = (folder as NSString).appendingPathComponent(String(format: "%04d.tif", i % 20 + 1))
            let page = SyntheticPage.make(.gray, dpi: dpi, seed: UInt64(i + 1))
            do { try TIFFEncoder.write(page, to: path, options: options) } catch {
                throw QuireError(.couldNotRun, stage: .bench, message: error.description)
            }
            files.append(path)
            bytes += Int64((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        }
        let listFile = (base as NSString).appendingPathComponent("files.txt")
        try files.joined(separator: "\n").appending("\n").write(toFile: listFile, atomically: true, encoding: .utf8)

        let me = try quireExecutable()
        var results: [(String, ChildRun?)] = []
        let quire = try best(of: repeats) {
            let workspace = (base as NSString).appendingPathComponent("ws-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(atPath: workspace) }
            return try measure(
                me, ["import", delivery, "--workspace", workspace, "--workers", "\(workerCount)", "--quiet", "--json"])
        }
        results.append(("quire import (decode + SHA-256 + ledger)", quire))
        if which("tiffinfo") != nil {
            results.append(
                (
                    "libtiff tiffinfo -D (decode only)",
                    try best(of: repeats) {
                        try measure("/bin/sh", ["-c", "xargs -P \(workerCount) -n 4 tiffinfo -D < '\(listFile)' > /dev/null"])
                    }
                ))
        } else {
            results.append(("libtiff tiffinfo -D", nil))
        }
        let pillow =
            "import sys\nfrom multiprocessing import Pool\nfrom PIL import Image\n"
            + "def load(p):\n    im = Image.open(p); im.load(); return im.size\n" + "files = open(sys.argv[1]).read().split()\n"
            + "with Pool(int(sys.argv[2])) as pool: pool.map(load, files, chunksize=1)\n"
        if let python = which("python3"), (try? measure(python, ["-c", "import PIL"]))?.status == 0 {
            results.append(
                (
                    "Pillow Image.load (decode only)",
                    try best(of: repeats) {
                        try measure(python, ["-c", pillow, listFile, "\(workerCount)"])
                    }
                ))
        } else {
            results.append(("Pillow (pip install Pillow)", nil))
        }

        print(
            String(
                format: "Pages: %d A4 gray %d dpi TIFF (%@), %.1f MB; workers: %d; best of %d runs\n",
                pages, dpi, compression, Double(bytes) / 1e6, workerCount, repeats))
        var table = TextTable(["TOOL", "SECONDS", "PAGES/S", "MB/S", "PEAK RSS MB", "QUIRE ×"])
        let quireRate = quire.map { Double(pages) / $0.seconds }
        for (name, m) in results {
            guard let m else { table.add([name, "-", "-", "-", "-", "not installed"]); continue }
            let rate = Double(pages) / m.seconds
            table.add([
                name, String(format: "%.2f", m.seconds), String(format: "%.1f", rate),
                String(format: "%.1f", Double(bytes) / 1e6 / m.seconds), String(format: "%.0f", Double(m.peakRSS) / 1024),
                quireRate.map { String(format: "%.2f", $0 / rate) } ?? "-",
            ])
        }
        print(table.render(indent: ""))
        if quire?.status != 0 && quire?.status != 1 {
            throw QuireError(.couldNotRun, stage: .bench, message: "quire import failed in the benchmark")
        }
    }
}
