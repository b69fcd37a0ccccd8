import QuireCore
import ArgumentParser
import Foundation
import SyntheticPages
import TextTable

/// `quire bench run`: the whole pipeline against libvips + bagit-python on the same pages, same run.
struct RunBench: ParsableCommand, BenchSupport {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract:
            "quire run against the peer pipeline (pyvips masters/access/thumbnails, then bagit.py --sha256), per page type and mixed.",
        discussion: """
            Realistic pages (the default, --pages-kind realistic) model a document scanner: A4 at 300 dpi with \
            paper texture, uneven illumination, sensor noise, 0.5-2° of skew, text, faded ink and (colour) a red \
            seal, delivered as a scanner writes them: gray 8-bit and colour 24-bit uncompressed TIFF (~8.7 and \
            ~26 MB), bitonal G4 TIFF, colour JPEG q88 4:2:0. One batch per page type (--pages each) and one mixed \
            batch (--mix pages: 2 gray to 1 each of colour, bitonal, JPEG), each in records of 20 with a catalog. \
            Each round times, on every batch, 'quire run' (import, normalize, checksum, bind, package with \
            sha256+sha512 manifests, verified bags) as a child process with its peak RSS and CPU time, and the peer \
            pipeline on the same pages with the same workers: libvips in-process (pyvips, one process per worker) \
            making master + access + thumbnail, then 'bagit.py --sha256 --processes N' bagging each record's \
            outputs. Rounds alternate which tool goes first. Prints per batch the best pages/s of each, the ratio of \
            the best and each round's ratio, peak RSS and CPU-seconds per page, then quire's stages on the mixed \
            batch. --pages-kind simple runs the older flat synthetic pages (LZW TIFF, one mixed batch of --pages). \
            pip install pyvips bagit for the peer.

            Examples:
              quire bench run                               # 6 pages of each type + 20 mixed, 2 rounds
              quire bench run --pages 12 --rounds 3 --types colour,gray
              quire bench run --pages-kind simple --pages 100
              quire bench run --pages-kind simple --pages 5000 --no-peer --rounds 1   # memory at scale
            """
    )

    @Option(help: "Pages to generate: realistic (scanner model, per page type) or simple (older flat pages, one mixed batch).")
    var pagesKind: PagesKind = .realistic
    @Option(help: "Pages per page type (realistic, default 6), or of the one mixed batch (simple, default 40).") var pages: Int?
    @Option(help: "Pages of the realistic mixed batch (2 gray : 1 colour : 1 bitonal : 1 JPEG); 0 leaves it out.") var mix = 20
    @Option(help: "Page types measured one by one (realistic): gray, colour, bitonal, jpeg.") var types =
        "gray,colour,bitonal,jpeg"
    @Option(help: "Rounds; each runs both pipelines once on every batch, alternating which goes first.") var rounds = 2
    @Option(help: "Workers for every tool (default: one per core).") var workers = 0
    @Option(help: "Folder to work in (default: a temporary folder, removed afterwards).") var dir: String?
    @Flag(inversion: .prefixedNo, help: "Run the peer pipeline too.") var peer = true
    @Flag(help: "Print the batches that would be generated and run, then stop.") var plan = false

    func validate() throws {
        if let pages, pages < 1 { throw ValidationError("--pages must be at least 1") }
        guard mix >= 0 else { throw ValidationError("--mix must be 0 or more") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
        _ = try parsedKinds(types)
    }

    /// One batch of the benchmark: its name and the kind of each page.
    struct Batch {
        var name: String
        var kinds: [ScannerPage.Kind]
        var folder: String { name.replacingOccurrences(of: " ", with: "-") }
    }

    /// The batches this run measures.
    func batches() throws -> [Batch] {
        switch pagesKind {
        case .simple:
            let n = pages ?? 40
            return [Batch(name: "mixed", kinds: (0..<n).map { [.bitonal, .gray, .colour, .jpeg][$0 % 4] })]
        case .realistic:
            let n = pages ?? 6
            var list = try parsedKinds(types).map { Batch(name: $0.rawValue, kinds: Array(repeating: $0, count: n)) }
            if mix > 0 {
                list.append(Batch(name: "mixed", kinds: (0..<mix).map { [.gray, .colour, .gray, .bitonal, .jpeg][$0 % 5] }))
            }
            return list
        }
    }

    /// One round's measurement of one batch.
    struct Measured {
        var quire: ChildRun
        var peer: ChildRun?
    }

    func run() throws {
        let workerCount = WorkerCount.resolve(workers)
        let batches = try batches()
        func describe(_ batch: Batch) -> String {
            let counts = ScannerPage.Kind.allCases.compactMap { kind -> String? in
                let n = batch.kinds.filter { $0 == kind }.count
                return n == 0 ? nil : "\(n) \(kind.rawValue) (\(kind.fileDescription(pagesKind)))"
            }
            return "\(batch.name): \(batch.kinds.count) pages, \(counts.joined(separator: ", "))"
        }
        if plan {
            print(
                "Pages: \(pagesKind.rawValue), A4 300 dpi; \(rounds) round(s); workers \(workerCount); peer \(peer ? "pyvips + bagit.py --sha256" : "not run")"
            )
            for batch in batches { print("  " + describe(batch)) }
            return
        }
        let base = dir ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("quire-bench-run-\(getpid())")
        defer { if dir == nil { try? FileManager.default.removeItem(atPath: base) } }
        let me = try quireExecutable()

        // Generate every batch first: a pool of distinct pages per kind, each file stamped with its serial.
        var bytesOf: [String: Int64] = [:]
        switch pagesKind {
        case .simple:
            let (files, bytes) = try generateMixedPages(batches[0].kinds.count, into: base + "/mixed/delivery")
            try prepare(batches[0], files: files, bitonal: files.indices.filter { $0 % 4 == 0 }.map { files[$0] }, base: base)
            bytesOf["mixed"] = bytes
        case .realistic:
            let start = Date()
            let needed = Set(batches.flatMap(\.kinds))
            let perKind = min(3, batches.map(\.kinds.count).max() ?? 1)
            printError("drawing \(perKind) realistic A4 page(s) of each of \(needed.count) types…")
            let pools = drawPools(needed, count: perKind, pagesKind: .realistic)
            for batch in batches {
                let (files, bytes) = try writePages(
                    batch.kinds, pools: pools, pagesKind: .realistic, into: base + "/\(batch.folder)/delivery")
                try prepare(
                    batch, files: files, bitonal: files.indices.filter { batch.kinds[$0] == .bitonal }.map { files[$0] },
                    base: base)
                bytesOf[batch.name] = bytes
            }
            printError(String(format: "generated in %.1f s", Date().timeIntervalSince(start)))
        }

        var peerNote = self.peer ? "not installed (pip install pyvips bagit)" : "not run (--no-peer)"
        var peerTools: (python: String, bagit: String)?
        if self.peer, let python = which("python3"), let bagit = which("bagit.py"),
            (try? measure(python, ["-c", "import pyvips"]))?.status == 0
        {
            peerTools = (python, bagit)
            peerNote = ""
        }
        var results: [String: [Measured]] = [:]
        for round in 0..<rounds {
            for batch in batches {
                let folder = base + "/" + batch.folder
                printError("round \(round + 1)/\(rounds): \(batch.name)…")
                func runQuire() throws -> ChildRun {
                    let workspace = folder + "/ws"
                    try? FileManager.default.removeItem(atPath: workspace)
                    defer { if round < rounds - 1 { try? FileManager.default.removeItem(atPath: workspace) } }
                    return try measure(
                        me,
                        [
                            "run", folder + "/delivery", "--catalog", folder + "/catalog.csv", "--workspace", workspace,
                            "--workers", "\(workerCount)", "--quiet", "--json",
                        ], stdout: folder + "/run.json")
                }
                func runPeer() throws -> ChildRun? {
                    guard let peerTools else { return nil }
                    let out = folder + "/peer"
                    try? FileManager.default.removeItem(atPath: out)
                    defer { try? FileManager.default.removeItem(atPath: out) }
                    let script = """
                        set -e
                        '\(peerTools.python)' -c "$1" '\(folder)/files.txt' '\(out)' \(workerCount) '\(folder)/bitonal.txt'
                        for d in '\(out)'/*; do '\(peerTools.bagit)' --sha256 --processes \(workerCount) --quiet "$d"; done
                        """
                    return try measure("/bin/sh", ["-c", script, "_", pyvipsScript()])
                }
                var measured: Measured
                if round % 2 == 0 {
                    let q = try runQuire()
                    measured = Measured(quire: q, peer: try runPeer())
                } else {
                    let p = try runPeer()
                    measured = Measured(quire: try runQuire(), peer: p)
                }
                results[batch.name, default: []].append(measured)
            }
        }

        print(
            "Pages: \(pagesKind.rawValue), A4 300 dpi, records of 20; workers \(workerCount); \(rounds) round(s), alternating which pipeline goes first; best round shown"
        )
        for batch in batches {
            print("  " + describe(batch) + String(format: ", %.1f MB", Double(bytesOf[batch.name] ?? 0) / 1e6))
        }
        print("")
        var table = TextTable([
            "PAGES", "N", "QUIRE PAGES/S", "PEER PAGES/S", "QUIRE ×", "× BY ROUND", "QUIRE RSS MB", "PEER RSS MB",
            "QUIRE CPU-S/PAGE", "PEER CPU-S/PAGE",
        ])
        for batch in batches {
            let runs = results[batch.name] ?? []
            let n = Double(batch.kinds.count)
            let quire = runs.map(\.quire).min { $0.seconds < $1.seconds }!
            let failed =
                runs.contains { $0.quire.status != 0 } ? " (exit \(runs.first { $0.quire.status != 0 }!.quire.status))" : ""
            let peers = runs.compactMap(\.peer)
            let peerBest = peers.min { $0.seconds < $1.seconds }
            let peerFailed = peers.contains { $0.status != 0 } ? " (exit \(peers.first { $0.status != 0 }!.status))" : ""
            let byRound: [String] = runs.compactMap { r -> String? in
                guard let p = r.peer else { return nil }
                return String(format: "%.2f", p.seconds / r.quire.seconds)
            }
            let quireRate: String = String(format: "%.2f", n / quire.seconds) + failed
            var peerRate: String = peerNote, ratio = "-", peerRSS = "-", peerCPU = "-"
            if let peerBest {
                peerRate = String(format: "%.2f", n / peerBest.seconds) + peerFailed
                ratio = String(format: "%.2f", peerBest.seconds / quire.seconds)
                peerRSS = String(format: "%.0f", Double(peers.map(\.peakRSS).max() ?? 0) / 1024)
                peerCPU = String(format: "%.3f", peerBest.cpuSeconds / n)
            }
            let quireRSS: String = String(format: "%.0f", Double(runs.map(\.quire.peakRSS).max() ?? 0) / 1024)
            let quireCPU: String = String(format: "%.3f", quire.cpuSeconds / n)
            table.add([
                batch.name, "\(batch.kinds.count)", quireRate, peerRate, ratio,
                byRound.isEmpty ? "-" : byRound.joined(separator: " "),
                quireRSS, peerRSS, quireCPU, peerCPU,
            ])
        }
        print(table.render(indent: ""))
        print("Peak RSS: the largest of the rounds; for the peer, its largest single process (one pyvips worker or bagit.py).")

        let last = batches.last!
        let pages = last.kinds.count
        let records = (pages + 19) / 20
        let bytes = bytesOf[last.name] ?? 0
        let lastFolder = base + "/" + last.folder
        if let data = FileManager.default.contents(atPath: lastFolder + "/run.json"),
            let summary = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let stages = summary["stages"] as? [[String: Any]]
        {
            print(
                "\nquire run on the \(last.name) batch (last round) by stage (they overlap; seconds from each stage's first to its last piece of work):"
            )
            var byStage = TextTable(["STAGE", "DONE", "FAILED", "SECONDS", "PER SECOND", "SOURCE MB/S"])
            for stage in stages {
                let name = stage["stage"] as? String ?? "?"
                let done = stage["done"] as? Int ?? 0
                let seconds = stage["seconds"] as? Double ?? 0
                let pageStage = ["import", "normalize", "checksum"].contains(name)
                byStage.add([
                    name, "\(done)", "\(stage["failed"] as? Int ?? 0)", String(format: "%.2f", seconds),
                    seconds > 0 ? String(format: "%.2f %@", Double(done) / seconds, pageStage ? "pages" : "records") : "-",
                    pageStage && seconds > 0 ? String(format: "%.1f", Double(bytes) / 1e6 / seconds) : "-",
                ])
            }
            print(byStage.render(indent: ""))
            if let peak = summary["peak_rss_mb"] as? [String: Double], let pages = peak["pages"], let run = peak["run"] {
                print(
                    String(
                        format:
                            "Peak RSS: %.0f MB while pages streamed (import, normalize, checksum, with bind and package of finished records); %.0f MB by the end (catch-up, batch bind, remaining packaging).",
                        pages, run))
            }
            if let streamed = summary["records_packaged_by_stream"] as? Int {
                print(
                    "\(streamed) of \(records) records were bound and packaged as soon as their pages were through, not after the last page."
                )
            }
        }
        print(
            "\nquire run also decode-checks every source, records SHA-256 and SHA-512 of every file, writes the metadata documents and verifies each bag; the peer does none of that."
        )
    }

    /// Writes a batch's catalog (records of 20), its file list and the list of its bitonal pages for the peer.
    func prepare(_ batch: Batch, files: [String], bitonal: [String], base: String) throws {
        let folder = base + "/" + batch.folder
        var catalog = "序号,档号,题名,页数\n"
        let pages = files.count
        for r in 0..<((pages + 19) / 20) {
            catalog += "\(r + 1),\(String(format: "0001-001-%04d", r + 1)),测试案卷,\(min(20, pages - r * 20))\n"
        }
        try catalog.write(toFile: folder + "/catalog.csv", atomically: true, encoding: .utf8)
        try files.joined(separator: "\n").appending("\n").write(toFile: folder + "/files.txt", atomically: true, encoding: .utf8)
        try bitonal.joined(separator: "\n").appending("\n").write(
            toFile: folder + "/bitonal.txt", atomically: true, encoding: .utf8)
    }
}
