import ArgumentParser
import Foundation
import TextTable

/// `quire bench run`: the whole pipeline against libvips + bagit-python on the same pages, same run.
struct RunBench: ParsableCommand, BenchSupport {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "quire run on N mixed A4 pages against the peer pipeline (pyvips masters/access/thumbnails, then bagit.py --sha256).",
        discussion: """
            Generates N mixed A4 300 dpi pages in records of 20 with their catalog, times 'quire run' (import, \
            normalize, checksum, bind, package with sha256+sha512 manifests, verified bags) as a child process \
            with its peak RSS, then the peer pipeline on the same pages with the same workers: libvips \
            in-process (pyvips, one process per worker) making master + access + thumbnail, then \
            'bagit.py --sha256 --processes N' bagging each record's outputs. Prints pages/s, pages/hour and the \
            ratio, and each stage's share of quire's run (stages overlap: pages stream through import, normalize \
            and checksum while finished records are bound and packaged). pip install pyvips bagit for the peer.

            Examples:
              quire bench run --pages 100 --workers 2
              quire bench run --pages 5000 --no-peer      # memory at scale: peak RSS should not grow with pages
            """
    )

    @Option(help: "Pages to generate.") var pages = 40
    @Option(help: "Workers for every tool (default: one per core).") var workers = 0
    @Option(help: "Folder to work in (default: a temporary folder, removed afterwards).") var dir: String?
    @Flag(inversion: .prefixedNo, help: "Run the peer pipeline too.") var peer = true

    func run() throws {
        let workerCount = workers > 0 ? workers : ProcessInfo.processInfo.activeProcessorCount
        let base = dir ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("quire-bench-run-\(getpid())")
        defer { if dir == nil { try? FileManager.default.removeItem(atPath: base) } }
        let delivery = base + "/delivery"
        let (files, bytes) = try generateMixedPages(pages, into: delivery)
        var catalog = "序号,档号,题名,页数\n"
        let records = (pages + 19) / 20
        for r in 0..<records {
            catalog += "\(r + 1),\(String(format: "0001-001-%04d", r + 1)),测试案卷,\(min(20, pages - r * 20))\n"
        }
        try catalog.write(toFile: base + "/catalog.csv", atomically: true, encoding: .utf8)
        try files.joined(separator: "\n").appending("\n").write(toFile: base + "/files.txt", atomically: true, encoding: .utf8)
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]

        let quire = try measure(me, ["run", delivery, "--catalog", base + "/catalog.csv", "--workspace", base + "/ws",
                                     "--workers", "\(workerCount)", "--quiet", "--json"], stdout: base + "/run.json")
        var peer: ChildRun?
        var peerNote = self.peer ? "not installed (pip install pyvips bagit)" : "not run (--no-peer)"
        if self.peer, let python = which("python3"), let bagit = which("bagit.py"),
           (try? measure(python, ["-c", "import pyvips"]))?.status == 0 {
            let out = base + "/peer"
            let script = """
                set -e
                '\(python)' -c "$1" '\(base)/files.txt' '\(out)' \(workerCount)
                for d in '\(out)'/*; do '\(bagit)' --sha256 --processes \(workerCount) --quiet "$d"; done
                """
            peer = try measure("/bin/sh", ["-c", script, "_", pyvipsScript()])
            peerNote = ""
        }
        print(String(format: "Pages: %d mixed A4 300 dpi in %d records, %.1f MB; workers %d\n", pages, records, Double(bytes) / 1e6, workerCount))
        var table = TextTable(["PIPELINE", "SECONDS", "PAGES/S", "PAGES/HOUR", "PEAK RSS MB", "EXIT", "QUIRE ×"])
        let rate = Double(pages) / quire.seconds
        table.add(["quire run", String(format: "%.2f", quire.seconds), String(format: "%.2f", rate), String(format: "%.0f", rate * 3600),
                   String(format: "%.0f", Double(quire.peakRSS) / 1024), "\(quire.status)", "1.00"])
        if let peer {
            let peerRate = Double(pages) / peer.seconds
            table.add(["pyvips + bagit.py --sha256", String(format: "%.2f", peer.seconds), String(format: "%.2f", peerRate),
                       String(format: "%.0f", peerRate * 3600), String(format: "%.0f", Double(peer.peakRSS) / 1024), "\(peer.status)",
                       String(format: "%.2f", rate / peerRate)])
        } else {
            table.add(["pyvips + bagit.py", "-", "-", "-", "-", "-", peerNote])
        }
        print(table.render(indent: ""))
        if let data = FileManager.default.contents(atPath: base + "/run.json"),
           let summary = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let stages = summary["stages"] as? [[String: Any]] {
            print("\nquire run by stage (they overlap; seconds from each stage's first to its last piece of work):")
            var byStage = TextTable(["STAGE", "DONE", "FAILED", "SECONDS", "PER SECOND", "SOURCE MB/S"])
            for stage in stages {
                let name = stage["stage"] as? String ?? "?"
                let done = stage["done"] as? Int ?? 0
                let seconds = stage["seconds"] as? Double ?? 0
                let pageStage = ["import", "normalize", "checksum"].contains(name)
                byStage.add([name, "\(done)", "\(stage["failed"] as? Int ?? 0)", String(format: "%.2f", seconds),
                             seconds > 0 ? String(format: "%.2f %@", Double(done) / seconds, pageStage ? "pages" : "records") : "-",
                             pageStage && seconds > 0 ? String(format: "%.1f", Double(bytes) / 1e6 / seconds) : "-"])
            }
            print(byStage.render(indent: ""))
            if let peak = summary["peak_rss_mb"] as? [String: Double], let pages = peak["pages"], let run = peak["run"] {
                print(String(format: "Peak RSS: %.0f MB while pages streamed (import, normalize, checksum, with bind and package of finished records); %.0f MB by the end (catch-up, batch bind, remaining packaging).", pages, run))
            }
            if let streamed = summary["records_packaged_by_stream"] as? Int {
                print("\(streamed) of \(records) records were bound and packaged as soon as their pages were through, not after the last page.")
            }
        }
        print("\nquire run also decode-checks every source, records SHA-256 and SHA-512 of every file, writes the metadata documents and verifies each bag; the peer does none of that.")
    }
}
