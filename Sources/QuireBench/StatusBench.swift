import ArgumentParser
import Foundation
import Ledger
import QuireCore

/// `quire bench status`: `quire status` on a very large ledger.
struct StatusBench: ParsableCommand, BenchSupport {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Time 'quire status --json' on a generated ledger of N registered pages (default 1,000,000).",
        discussion: "Example:\n  quire bench status --pages 1000000"
    )

    @Option(help: "Pages in the generated ledger.") var pages = 1_000_000
    @Option(help: "Timed repetitions; the best and the worst are reported.") var repeats = 3

    func run() throws {
        let workspace = (NSTemporaryDirectory() as NSString).appendingPathComponent("quire-bench-status-\(getpid())")
        defer { try? FileManager.default.removeItem(atPath: workspace) }
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        let generated = try Self.generateLedger(in: workspace, batch: "bench", archive: nil, pages: pages)
        let me = try quireExecutable()
        var times: [Double] = []
        for _ in 0..<repeats {
            let m = try measure(me, ["status", "--workspace", workspace, "--json"])
            guard m.status == 0 else {
                throw QuireError(.couldNotRun, stage: .bench, message: "quire status failed (exit \(m.status))")
            }
            times.append(m.seconds)
        }
        print(
            String(
                format:
                    "Ledger: %d pages (generated in %.1f s)\nquire status --json: best %.3f s, worst %.3f s over %d runs (process start included)",
                pages, generated, times.min()!, times.max()!, repeats))
    }

    /// Makes `workspace/ledger.sqlite` with one batch of `pages` synthetic pages (``fill(_:batch:pages:pagesPerRecord:states:perCommit:)``);
    /// the seconds it took.
    static func generateLedger(in workspace: String, batch: String, archive: String?, pages: Int) throws -> Double {
        printError("generating a ledger of \(pages) pages…")
        let started = Date()
        do {
            let ledger = try SQLiteLedger(path: workspace + "/ledger.sqlite")
            _ = try ledger.openBatch(
                BatchInfo(
                    id: batch, delivery: "/nonexistent", archive: archive, pipeline: "dat31",
                    createdAt: Date().formatted(.iso8601)))
            try fill(ledger, batch: batch, pages: pages)
        } catch { throw QuireError(.couldNotRun, stage: .bench, message: error.description) }
        return Date().timeIntervalSince(started)
    }

    /// Fills `batch` with `count` synthetic pages through the ledger's own import API, `perCommit` per transaction:
    /// `pagesPerRecord` pages per record (`0001-001-000000/0001.tif`…), A4 gray at 300 dpi, states taken in turn from
    /// `states` — by default registered, decoded, normalized, digested, so every state and every record count is
    /// there for `status` to count.
    static func fill(
        _ ledger: some IntakeStore, batch: String, pages count: Int, pagesPerRecord: Int = 100,
        states: [PageState] = [.registered, .decoded, .normalized, .digested], perCommit: Int = 20_000
    ) throws(QuireError) {
        var start = 0
        while start < count {
            var commit = ImportCommit()
            for i in start..<min(count, start + perCommit) {
                let code = String(format: "0001-001-%06ld", i / pagesPerRecord + 1)
                commit.pages.append(
                    PageRecord(
                        path: code + String(format: "/%04ld.tif", i % pagesPerRecord + 1), size: 8_700_000,
                        mtimeNanoseconds: 0, sha256: String(format: "%064ld", i), format: "tiff", width: 2480, height: 3508,
                        bitsPerSample: 8, samplesPerPixel: 1, colorType: "gray", compression: "lzw", dpiX: 300, dpiY: 300,
                        frames: 1, code: code, page: i % pagesPerRecord + 1, state: states[i % states.count]))
            }
            try ledger.commit(commit, batch: batch, tool: "quire bench")
            start += perCommit
        }
    }
}
