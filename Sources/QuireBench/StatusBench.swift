import ArgumentParser
import Foundation
import Ledger

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
        printError("generating a ledger of \(pages) pages…")
        let started = Date()
        do {
            let ledger = try SQLiteLedger(path: workspace + "/ledger.sqlite")
            _ = try ledger.openBatch(BatchInfo(id: "bench", delivery: "/nonexistent", archive: nil, pipeline: "dat31",
                                               createdAt: Date().formatted(.iso8601)))
            try ledger.insertSyntheticPages(batch: "bench", count: pages)
        } catch { throw CommandFailure.couldNotRun(error.description) }
        let generated = Date().timeIntervalSince(started)
        let me = try quireExecutable()
        var times: [Double] = []
        for _ in 0..<repeats {
            let m = try measure(me, ["status", "--workspace", workspace, "--json"])
            guard m.status == 0 else { throw CommandFailure.couldNotRun("quire status failed (exit \(m.status))") }
            times.append(m.seconds)
        }
        print(String(format: "Ledger: %d pages (generated in %.1f s)\nquire status --json: best %.3f s, worst %.3f s over %d runs (process start included)",
                     pages, generated, times.min()!, times.max()!, repeats))
    }
}
