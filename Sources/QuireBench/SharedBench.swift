import ArgumentParser
import Foundation
import LedgerPostgres
import QuireCore

/// `quire bench shared`: what a shared PostgreSQL ledger costs a run — `quire run` plus one `quire worker` on a
/// PostgreSQL ledger against `quire run` alone on its SQLite ledger, on the same pages and the same machine.
struct SharedBench: ParsableCommand, BenchSupport {
    static let configuration = CommandConfiguration(
        commandName: "shared",
        abstract: "quire run + one quire worker on a PostgreSQL ledger against quire run alone on SQLite, same pages.",
        discussion: """
            Generates --pages mixed A4 pages at 300 dpi (bitonal G4, gray and colour TIFF, colour JPEG) in records \
            of 20 with a catalog, once. Each round times, in an order that alternates: 'quire run' alone on a \
            fresh workspace and its SQLite ledger; and 'quire run --ledger' on a fresh schema of the --ledger \
            database (dropped afterwards) beside one 'quire worker' started first on the same workspace (it waits \
            on LISTEN, the run's registration wakes it). The time is the run's, from its start to its end (it \
            binds and packages once every page is done, by either process); the worker's CPU counts in the \
            CPU-seconds. Prints each round and the median ratio of pages/s (shared / alone): 1.0 means the \
            shared ledger costs nothing. Both use --workers threads (default one per core) on the same cores: \
            on one machine the worker adds no cores, so the ratio is the ledger's and the claims' cost, not a \
            speed-up. The PostgreSQL server should be another machine's in a real measurement; here it shares \
            the cores too.

            Example:
              quire bench shared --ledger "$QUIRE_LEDGER" --pages 200 --rounds 3
            """
    )

    @Option(help: "The PostgreSQL server (postgres://user:password@host:port/db; default $QUIRE_LEDGER).") var ledger: String?
    @Option(help: "Pages (mixed A4 at 300 dpi).") var pages = 200
    @Option(help: "Rounds of both, alternating which goes first.") var rounds = 3
    @Option(help: "Threads of the run and of the worker (0: one per core).") var workers = 0

    func validate() throws {
        guard (1...100_000).contains(pages) else { throw ValidationError("--pages must be in 1…100000") }
        guard (1...50).contains(rounds) else { throw ValidationError("--rounds must be in 1…50") }
        guard (0...256).contains(workers) else { throw ValidationError("--workers must be in 0…256") }
        guard let url = serverURL, PostgresLocation.isPostgresURL(url) else {
            throw ValidationError("give the server with --ledger postgres://… (or QUIRE_LEDGER)")
        }
        let location = try PostgresLocation(url: url)
        guard location.schema == "public" else {
            throw ValidationError("--ledger must not name a schema: the benchmark makes one per round")
        }
    }

    /// The server: `--ledger`, else `QUIRE_LEDGER`.
    var serverURL: String? { ledger ?? ProcessInfo.processInfo.environment["QUIRE_LEDGER"] }

    /// One round's two measurements.
    struct Round {
        var alone: ChildRun
        var shared: ChildRun
        var workerCPU: Double
        var workerPages: Int
    }

    func run() throws {
        let me = try quireExecutable()
        let base = serverURL ?? ""
        let root = (NSTemporaryDirectory() as NSString).appendingPathComponent("quire-bench-shared-\(getpid())")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let delivery = root + "/delivery"
        _ = try generateMixedPages(pages, into: delivery)
        var catalog = "序号,档号,题名,页数\n"
        for r in 0..<(pages + 19) / 20 {
            catalog += "\(r + 1),0001-001-\(String(format: "%04d", r + 1)),测试案卷,\(min(20, pages - r * 20))\n"
        }
        try catalog.write(toFile: root + "/catalog.csv", atomically: true, encoding: .utf8)
        let threads = ["--workers", "\(workers)"]
        printError("ledger: \(PostgresLocation.redact(base)), a schema per round (dropped afterwards)")

        var results: [Round] = []
        for r in 0..<rounds {
            var alone: ChildRun?
            var shared: (run: ChildRun, cpu: Double, pages: Int)?
            for sharedFirst in r % 2 == 0 ? [false, true] : [true, false] {
                if sharedFirst {
                    printError("round \(r + 1): run + worker on PostgreSQL…")
                    shared = try measureShared(me, base: base, round: r, root: root, threads: threads)
                } else {
                    printError("round \(r + 1): run alone on SQLite…")
                    let m = try measure(
                        me,
                        [
                            "run", delivery, "--catalog", root + "/catalog.csv", "--workspace", root + "/alone-\(r)", "--quiet",
                        ] + threads)
                    guard m.status == 0 else {
                        throw QuireError(.couldNotRun, stage: .bench, message: "quire run alone failed (exit \(m.status))")
                    }
                    alone = m
                    try? FileManager.default.removeItem(atPath: root + "/alone-\(r)")
                }
            }
            results.append(Round(alone: alone!, shared: shared!.run, workerCPU: shared!.cpu, workerPages: shared!.pages))
        }

        print("quire run of \(pages) mixed A4 pages at 300 dpi, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("ROUND  ALONE (SQLite)  RUN + WORKER (PostgreSQL)  WORKER'S PAGES  RATIO  CPU-s ALONE / SHARED")
        var ratios: [Double] = []
        for (i, round) in results.enumerated() {
            let ratio = round.alone.seconds / round.shared.seconds
            ratios.append(ratio)
            print(
                String(
                    format: "%5d  %6.2f s %5.1f/s  %6.2f s %5.1f/s           %5d           %.2fx  %.1f / %.1f", i + 1,
                    round.alone.seconds, Double(pages) / round.alone.seconds, round.shared.seconds,
                    Double(pages) / round.shared.seconds, round.workerPages, ratio, round.alone.cpuSeconds,
                    round.shared.cpuSeconds + round.workerCPU))
        }
        let median = ratios.sorted()[ratios.count / 2]
        print(
            String(
                format: "median ratio (pages/s shared / alone): %.2fx over %d rounds (range %.2f-%.2f)", median, rounds,
                ratios.min() ?? 0, ratios.max() ?? 0))
    }

    /// One run on a fresh schema beside one worker started first: the run's measurement, the worker's CPU seconds
    /// and the pages it normalized.
    func measureShared(_ me: String, base: String, round: Int, root: String, threads: [String]) throws -> (
        run: ChildRun, cpu: Double, pages: Int
    ) {
        let schema = "quire_bench_shared_\(getpid())_\(round)"
        let url = base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
        let admin = try PostgresLedger(url: url, connections: 1)
        defer { try? admin.dropSchema() }
        let workspace = root + "/shared-\(round)"
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: workspace) }
        let workerOutput = root + "/worker-\(round).json"
        let worker = try spawn(
            me, ["worker", "--ledger", url, "--workspace", workspace, "--json"] + threads, stdout: workerOutput)
        // The worker is listening once it has registered itself.
        for _ in 0..<100 where (try? admin.workers().isEmpty) ?? true { usleep(50_000) }
        let run = try measure(
            me,
            [
                "run", root + "/delivery", "--catalog", root + "/catalog.csv", "--workspace", workspace, "--ledger", url,
                "--quiet",
            ] + threads)
        let cpu = cpuSeconds(of: worker)
        kill(worker, SIGTERM)
        var status: Int32 = 0
        _ = Syscall.retrying { waitpid(worker, &status, 0) }
        guard run.status == 0 else {
            throw QuireError(.couldNotRun, stage: .bench, message: "quire run on PostgreSQL failed (exit \(run.status))")
        }
        let text = (try? String(contentsOfFile: workerOutput, encoding: .utf8)) ?? ""
        let done = Int(text.firstMatch(of: /"normalized" : (\d+)/)?.1 ?? "") ?? 0
        return (run, cpu, done)
    }
}
