import QuireCore
import ArgumentParser
import Foundation
import ImageCodecs
import SyntheticPages
import TextTable

/// `quire bench verify`: bag verification against bagit-python on the same bags, in the same run.
struct VerifyBench: ParsableCommand, BenchSupport {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "quire verify (full and --fast) against bagit.py --validate --processes N on the same Quire bags.",
        discussion: """
            Generates records of A4 300 dpi pages (gray and colour), runs 'quire run' to make their bags, then \
            times 'quire verify' (BagIt rules with every manifest re-hashed, plus the archival rules: every \
            master decoded), 'quire verify --bagit-only' (every digest, no archival rule: the checks bagit.py makes) \
            and 'bagit.py --validate --processes N' over the same bags, every tool given all the bags in one call. \
            pip install bagit for the peer.

            Example:
              quire bench verify --records 6 --pages-per-record 4
            """
    )

    @Option(help: "Records (one bag each).") var records = 6
    @Option(help: "Pages per record.") var pagesPerRecord = 4
    @Option(help: "Workers / processes for every tool (default: one per core).") var workers = 0
    @Option(help: "Timed repetitions per tool; the best is reported.") var repeats = 2
    @Option(help: "Folder to work in (default: a temporary folder, removed afterwards).") var dir: String?

    func run() throws {
        let workerCount = WorkerCount.resolve(workers)
        let base = dir ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("quire-bench-verify-\(getpid())")
        defer { if dir == nil { try? FileManager.default.removeItem(atPath: base) } }
        let delivery = base + "/delivery"
        var catalog = "序号,档号,题名,页数\n"
        printError("generating \(records) records of \(pagesPerRecord) pages and packaging them…")
        for r in 0..<records {
            let code = String(format: "0001-001-%04d", r + 1)
            catalog += "\(r + 1),\(code),测试案卷\(r + 1),\(pagesPerRecord)\n"
            try FileManager.default.createDirectory(atPath: delivery + "/" + code, withIntermediateDirectories: true)
            for p in 0..<pagesPerRecord {
                let page = SyntheticPage.make(p % 2 == 0 ? .gray : .colour, seed: UInt64(r * 100 + p + 1))
                do {
                    try TIFFEncoder.write(
                        page, to: delivery + String(format: "/%@/%04d.tif", code, p + 1),
                        options: .init(compression: .lzw, predictor: false))
                } catch { throw QuireError(.couldNotRun, stage: .bench, message: error.description) }
            }
        }
        try catalog.write(toFile: base + "/catalog.csv", atomically: true, encoding: .utf8)
        let me = try quireExecutable()
        let made = try measure(
            me,
            [
                "run", delivery, "--catalog", base + "/catalog.csv", "--workspace", base + "/ws", "--quiet",
                "--workers", "\(workerCount)",
            ])
        guard made.status == 0 else {
            throw QuireError(.couldNotRun, stage: .bench, message: "quire run failed (exit \(made.status)) while making the bags")
        }
        let bags = base + "/ws/bags"
        let names = try FileManager.default.contentsOfDirectory(atPath: bags).filter { !$0.hasPrefix(".") }.sorted()
        var bytes: Int64 = 0
        if let walker = FileManager.default.enumerator(atPath: bags) {
            while let name = walker.nextObject() as? String {
                if let size = try? FileManager.default.attributesOfItem(atPath: bags + "/" + name)[.size] as? Int,
                    (try? FileManager.default.attributesOfItem(atPath: bags + "/" + name)[.type] as? FileAttributeType)
                        == .typeRegular
                {
                    bytes += Int64(size)
                }
            }
        }
        _ = try measure("/bin/sh", ["-c", "cat \(bags)/*/data/*/*/* > /dev/null"])

        // Every tool gets every bag in one call: bagit.py takes several bag folders, so its interpreter starts once.
        let bagPaths = names.map { bags + "/" + $0 }
        var rows: [(String, ChildRun?)] = []
        let full = try best(of: repeats) { try measure(me, ["verify", bags, "--workers", "\(workerCount)", "--json"]) }
        rows.append(("quire verify (BagIt + archival: masters decoded)", full))
        let bagitOnly = try best(of: repeats) {
            try measure(me, ["verify", bags, "--bagit-only", "--workers", "\(workerCount)", "--json"])
        }
        rows.append(("quire verify --bagit-only (every digest, no archival)", bagitOnly))
        rows.append(
            (
                "quire verify --fast (Payload-Oxum, file list)",
                try best(of: repeats) {
                    try measure(me, ["verify", bags, "--fast", "--json"])
                }
            ))
        var peer: ChildRun?
        if let bagit = which("bagit.py") {
            peer = try best(of: repeats) {
                try measure(bagit, ["--validate", "--processes", "\(workerCount)", "--quiet"] + bagPaths)
            }
            rows.append(("bagit.py --validate --processes \(workerCount)", peer))
            rows.append(
                (
                    "bagit.py --validate --fast",
                    try best(of: repeats) {
                        try measure(bagit, ["--validate", "--fast", "--quiet"] + bagPaths)
                    }
                ))
        } else {
            rows.append(("bagit.py (pip install bagit)", nil))
        }
        print(
            String(
                format:
                    "Bags: %d records × %d pages, %.1f MB in all, page-cached; workers %d; best of %d; every tool gets all bags in one call\n",
                records, pagesPerRecord, Double(bytes) / 1e6, workerCount, repeats))
        var table = TextTable(["TOOL", "SECONDS", "CPU S", "MB/S", "EXIT"])
        for (name, m) in rows {
            guard let m else { table.add([name, "-", "-", "-", "not installed"]); continue }
            table.add([
                name, String(format: "%.2f", m.seconds), String(format: "%.2f", m.cpuSeconds),
                String(format: "%.0f", Double(bytes) / 1e6 / m.seconds), "\(m.status)",
            ])
        }
        print(table.render(indent: ""))
        if let peer, let full, let bagitOnly {
            print(
                String(
                    format:
                        "\nquire verify (also decoding every master) is %.2f× bagit.py; --bagit-only (the same checks as bagit.py) is %.2f×.",
                    peer.seconds / full.seconds, peer.seconds / bagitOnly.seconds))
        }
    }
}
