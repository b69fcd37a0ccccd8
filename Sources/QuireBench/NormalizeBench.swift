import QuireCore
import ArgumentParser
import Foundation
import ImageCodecs
import Raster
import SyntheticPages
import TextTable

/// `quire bench normalize`: master + access + thumbnail against libvips and GraphicsMagick, same pages, same run.
struct NormalizeBench: ParsableCommand, BenchSupport {
    static let configuration = CommandConfiguration(
        commandName: "normalize",
        abstract: "Master + access JPEG + thumbnail on mixed A4 300 dpi pages, against pyvips, the vips CLI and GraphicsMagick.",
        discussion: """
            Generates a mixed batch of scanner-like A4 pages (bitonal G4 TIFF, gray LZW TIFF, colour LZW TIFF, \
            colour scanner JPEG, in turn), imports it, then times 'quire normalize' (default DA/T 31 pipeline: \
            deskew measurement, border and blank detection, digests included) and each installed peer making \
            the same three outputs per page with the same number of workers: libvips in-process (pyvips, one \
            process per worker), the vips command line, and GraphicsMagick. Prints pages/s, MB/s, peak RSS and \
            Quire's throughput ratio to each. Peers that are not installed are listed as such \
            (apt-get install libvips-tools graphicsmagick; pip install pyvips).

            Example:
              quire bench normalize --pages 24 --workers 2
            """
    )

    @Option(help: "Pages to generate (a multiple of 4 keeps the mix even).") var pages = 24
    @Option(help: "Parallel workers for every tool (default: one per core).") var workers = 0
    @Option(help: "Timed repetitions per tool; the best is reported.") var repeats = 2
    @Option(help: "Folder to work in (default: a temporary folder, removed afterwards).") var dir: String?
    @Option(help: "Master compression for gray and colour pages: deflate or lzw.") var compression = "deflate"
    @Option(help: "Quire's Deflate level (its default is 1).") var level = 1

    func validate() throws {
        guard pages > 0, repeats > 0 else { throw ValidationError("--pages and --repeats must be at least 1") }
        guard ["deflate", "lzw"].contains(compression) else { throw ValidationError("--compression must be deflate or lzw") }
    }

    func run() throws {
        let workerCount = WorkerCount.resolve(workers)
        let base = dir ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("quire-bench-normalize-\(getpid())")
        defer { if dir == nil { try? FileManager.default.removeItem(atPath: base) } }
        let delivery = base + "/delivery"
        try FileManager.default.createDirectory(atPath: delivery, withIntermediateDirectories: true)
        let (files, bytes) = try generateMixedPages(pages, into: delivery)
        let list = base + "/files.txt"
        try files.joined(separator: "\n").appending("\n").write(toFile: list, atomically: true, encoding: .utf8)
        let pipeline = base + "/bench.yaml"
        try "master:\n  compression:\n    gray: \(compression)\n    colour: \(compression)\n  deflate_level: \(level)\n".write(
            toFile: pipeline, atomically: true, encoding: .utf8)

        let me = try quireExecutable()
        var rows: [(String, ChildRun?)] = []
        let quire = try best(of: repeats) {
            let ws = base + "/ws-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: ws) }
            _ = try measure(me, ["import", delivery, "--workspace", ws, "--pipeline", pipeline, "--quiet"])
            return try measure(
                me, ["normalize", "--workspace", ws, "--pipeline", pipeline, "--workers", "\(workerCount)", "--quiet"])
        }
        rows.append(("quire normalize", quire))

        let out = base + "/peer-out"
        let pyvips = pyvipsScript()
        if let python = which("python3"), (try? measure(python, ["-c", "import pyvips"]))?.status == 0 {
            rows.append(
                (
                    "libvips in-process (pyvips)",
                    try best(of: repeats) {
                        try? FileManager.default.removeItem(atPath: out)
                        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                        return try measure(python, ["-c", pyvips, list, out, "\(workerCount)"])
                    }
                ))
        } else {
            rows.append(("libvips in-process (pip install pyvips)", nil))
        }
        let predictor = "--compression lzw --predictor horizontal"
        let vipsScript = """
            f="$1"; o="\(out)/$(echo "$f" | md5sum | cut -c1-12)"
            case "$f" in *0001.tif|*0005.tif|*0009.tif|*0013.tif|*0017.tif) b=1;; *) b=0;; esac
            if [ $b = 1 ]; then vips tiffsave "$f" "$o.tif" --compression ccittfax4 --bitdepth 1
            else vips tiffsave "$f" "$o.tif" \(predictor); fi
            vipsthumbnail "$f" -s 2000 -o "$o-a.jpg[Q=85]" && vipsthumbnail "$o-a.jpg" -s 256 -o "$o-t.jpg[Q=80]"
            """
        if which("vips") != nil {
            rows.append(
                (
                    "vips command line",
                    try best(of: repeats) {
                        try? FileManager.default.removeItem(atPath: out)
                        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                        return try measure(
                            "/bin/sh",
                            [
                                "-c",
                                "xargs -P \(workerCount) -n 1 sh -c '\(vipsScript.replacingOccurrences(of: "'", with: "'\\''"))' _ < '\(list)'",
                            ])
                    }
                ))
        } else {
            rows.append(("vips command line (apt-get install libvips-tools)", nil))
        }
        let gmCompress = "LZW"
        let gmScript = """
            f="$1"; o="\(out)/$(echo "$f" | md5sum | cut -c1-12)"
            case "$f" in *0001.tif|*0005.tif|*0009.tif|*0013.tif|*0017.tif) c=Group4;; *) c=\(gmCompress);; esac
            gm convert "$f" -compress $c "$o.tif" && gm convert "$f" -resize 2000x2000 -quality 85 "$o-a.jpg" && gm convert "$o-a.jpg" -resize 256x256 -quality 80 "$o-t.jpg"
            """
        if which("gm") != nil {
            rows.append(
                (
                    "GraphicsMagick",
                    try best(of: repeats) {
                        try? FileManager.default.removeItem(atPath: out)
                        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                        return try measure(
                            "/bin/sh",
                            [
                                "-c",
                                "xargs -P \(workerCount) -n 1 sh -c '\(gmScript.replacingOccurrences(of: "'", with: "'\\''"))' _ < '\(list)'",
                            ])
                    }
                ))
        } else {
            rows.append(("GraphicsMagick (apt-get install graphicsmagick)", nil))
        }

        print(
            String(
                format:
                    "Pages: %d mixed A4 300 dpi (bitonal G4, gray LZW, colour LZW, colour JPEG), %.1f MB; Quire masters %@, peers LZW; workers %d; best of %d\n",
                pages, Double(bytes) / 1e6, compression, workerCount, repeats))
        var table = TextTable(["TOOL", "SECONDS", "PAGES/S", "MB/S", "PEAK RSS MB", "QUIRE ×"])
        let quireRate = quire.map { Double(pages) / $0.seconds }
        for (name, m) in rows {
            guard let m else { table.add([name, "-", "-", "-", "-", "not installed"]); continue }
            let rate = Double(pages) / m.seconds
            table.add([
                name + (m.status == 0 ? "" : " (exit \(m.status))"), String(format: "%.2f", m.seconds),
                String(format: "%.2f", rate),
                String(format: "%.1f", Double(bytes) / 1e6 / m.seconds), String(format: "%.0f", Double(m.peakRSS) / 1024),
                quireRate.map { String(format: "%.2f", $0 / rate) } ?? "-",
            ])
        }
        print(table.render(indent: ""))
        print("\nPeak RSS is the largest single process: for pyvips and the command-line peers, one worker process.")
    }
}
