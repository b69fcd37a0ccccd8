import ArgumentParser
import Foundation
import Ledger
import QuireCore
import Synchronization
import TextTable

/// `quire bench serve`: the dashboard under load on a large ledger while a run writes to it.
struct ServeBench: ParsableCommand, BenchSupport {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Requests/s and p99 latency of /api/overview and /metrics (wrk) on a large ledger while quire run writes.",
        discussion: """
            Generates a workspace whose SQLite ledger holds --pages pages (through the ledger's import API) and \
            starts `quire serve` on it. Then, --rounds times, alternating which goes first, times a `quire run` of \
            --run-pages mixed A4 pages alone (the server idle) and one beside an archive's day of use (10 open \
            dashboards on live updates, the overview API polled 10 times a second, Prometheus scraping /metrics \
            every second); then a last run while wrk loads /api/overview and then /metrics as fast as it can \
            (--connections over 2 threads, --seconds each). Prints requests/s and latency percentiles, the runs' \
            medians, the overview page's size and its first contentful paint in headless Chromium (median of 5 \
            loads). Needs wrk and chromium (scripts/install-deps.sh --bench).

            Examples:
              quire bench serve
              quire bench serve --pages 100000 --seconds 5 --run-pages 40
            """
    )

    @Option(help: "Pages in the generated ledger.") var pages = 1_000_000
    @Option(help: "Pages of each timed run (mixed A4 at 300 dpi).") var runPages = 120
    @Option(help: "Seconds wrk loads each endpoint.") var seconds = 10
    @Option(help: "wrk connections.") var connections = 32
    @Option(help: "Rounds of the run alone and beside the dashboard's use, alternating which goes first.") var rounds = 3

    func validate() throws {
        guard (1...20_000_000).contains(pages) else { throw ValidationError("--pages must be in 1…20000000") }
        guard (4...10_000).contains(runPages) else { throw ValidationError("--run-pages must be in 4…10000") }
        guard (1...600).contains(seconds) else { throw ValidationError("--seconds must be in 1…600") }
        guard (1...1000).contains(connections) else { throw ValidationError("--connections must be in 1…1000") }
        guard (1...20).contains(rounds) else { throw ValidationError("--rounds must be in 1…20") }
    }

    struct Load {
        var endpoint: String
        var requestsPerSecond: Double
        var p50: String
        var p99: String
        var errors: String
    }

    func run() throws {
        guard let wrk = which("wrk") else {
            throw QuireError(
                .couldNotRun, stage: .bench, message: "wrk is not installed", fix: "bash scripts/install-deps.sh --bench")
        }
        let me = try quireExecutable()
        let root = (NSTemporaryDirectory() as NSString).appendingPathComponent("quire-bench-serve-\(getpid())")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let workspace = root + "/ws"
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)

        let generated = try StatusBench.generateLedger(in: workspace, batch: "archive-2025", archive: "C01", pages: pages)
        printError(String(format: "ledger generated in %.1f s", generated))
        // Every run gets a delivery of its own (a page delivered twice would be a duplicate), its own records.
        var deliveries: [(String, String, Int)] = [("loaded", "0003-001", 1_000_000)]
        for r in 0..<rounds {
            deliveries.append(("alone\(r)", String(format: "1%03d-001", r), 2_000_000 + r * 10_000))
            deliveries.append(("paced\(r)", String(format: "2%03d-001", r), 3_000_000 + r * 10_000))
        }
        for (delivery, prefix, serial) in deliveries {
            _ = try generateMixedPages(runPages, into: root + "/" + delivery, firstSerial: serial, recordPrefix: prefix)
            var catalog = "序号,档号,题名,页数\n"
            for r in 0..<(runPages + 19) / 20 {
                catalog += "\(r + 1),\(prefix)-\(String(format: "%04d", r + 1)),测试案卷,\(min(20, runPages - r * 20))\n"
            }
            try catalog.write(toFile: root + "/\(delivery).csv", atomically: true, encoding: .utf8)
        }
        let register = try repositoryFile("samples/register.csv")

        func runArguments(_ delivery: String, _ batch: String) -> [String] {
            [
                "run", root + "/" + delivery, "--catalog", root + "/\(delivery).csv", "--workspace", workspace, "--batch", batch,
                "--archive", "C01", "--quiet",
            ]
        }
        // The server, on a free port it prints.
        let serveOutput = root + "/serve.out"
        let server = try spawn(
            me, ["serve", "--workspace", workspace, "--register", register, "--listen", "127.0.0.1:0"], stdout: serveOutput)
        defer {
            kill(server, SIGTERM)
            var status: Int32 = 0
            _ = waitpid(server, &status, 0)
        }
        var base: String?
        for _ in 0..<300 where base == nil {
            let text = (try? String(contentsOfFile: serveOutput, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                base = String(text[range])
            }
            usleep(100_000)
        }
        guard let base else { throw QuireError(.couldNotRun, stage: .bench, message: "quire serve did not start") }

        // Rounds of the run alone (the server idle: nobody asks) and beside an archive's day of use (browsers on
        // live updates, the overview polled, Prometheus scraping), alternating which goes first.
        var aloneTimes: [Double] = [], pacedTimes: [Double] = []
        var serverCPU: [Double] = [], pacerCPU: [Double] = []
        var pacedRequests = "?"
        for r in 0..<rounds {
            for paced in r % 2 == 0 ? [false, true] : [true, false] {
                printError("round \(r + 1): run \(paced ? "beside an archive's day of dashboard use" : "alone")…")
                var pacer: pid_t?
                if paced {
                    pacer = try spawn("/usr/bin/env", ["python3", "-c", Self.pacedLoad, base], stdout: root + "/paced.out")
                }
                let name = (paced ? "paced" : "alone") + "\(r)"
                let serverBefore = cpuSeconds(of: server)
                let m = try measure(me, runArguments(name, name))
                if paced { serverCPU.append(cpuSeconds(of: server) - serverBefore) }
                if let pacer {
                    kill(pacer, SIGTERM)
                    var status: Int32 = 0
                    var usage = rusage()
                    _ = wait4(pacer, &status, 0, &usage)
                    pacerCPU.append(
                        Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6)
                    pacedRequests =
                        (try? String(contentsOfFile: root + "/paced.out", encoding: .utf8))?.trimmingCharacters(
                            in: .whitespacesAndNewlines) ?? "?"
                }
                guard m.status <= 1 else {
                    throw QuireError(.couldNotRun, stage: .bench, message: "quire run failed (exit \(m.status))")
                }
                if paced { pacedTimes.append(m.seconds) } else { aloneTimes.append(m.seconds) }
            }
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let alone = median(aloneTimes), paced = median(pacedTimes)

        // The loaded run in the background; wrk on each endpoint while it works.
        printError("run under wrk…")
        let loadedArguments = runArguments("loaded", "loaded")
        let loadedRun = Thread.detachNewThreadWithResult { try? self.measure(me, loadedArguments) }
        var loads: [Load] = []
        for endpoint in ["/api/overview", "/metrics"] {
            let out = root + "/wrk.out"
            let m = try measure(
                wrk, ["-t", "2", "-c", "\(connections)", "-d", "\(seconds)s", "--latency", base + endpoint], stdout: out)
            guard m.status == 0 else { throw QuireError(.couldNotRun, stage: .bench, message: "wrk failed (exit \(m.status))") }
            loads.append(Self.parse(try String(contentsOfFile: out, encoding: .utf8), endpoint: endpoint))
        }
        let stillRunning = !loadedRun.isDone
        guard let loaded = loadedRun.wait(), loaded.status <= 1 else {
            throw QuireError(.couldNotRun, stage: .bench, message: "the run under load failed")
        }

        // The overview page: its size, and its first contentful paint in Chromium.
        let page = root + "/overview.html"
        _ = try measure(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import sys, urllib.request; sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1]).read())", base + "/",
            ],
            stdout: page)
        let overview = FileManager.default.contents(atPath: page) ?? Data()
        var paints: [Double] = []
        if let browser = try? repositoryFile("scripts/browser.py") {
            for _ in 0..<5 {
                let out = root + "/paint.json"
                _ = try measure(
                    "/usr/bin/env",
                    [
                        "python3", browser, base + "/", "--wait",
                        "performance.getEntriesByName('first-contentful-paint').length > 0", "--eval",
                        "fcp=performance.getEntriesByName('first-contentful-paint')[0].startTime",
                    ], stdout: out)
                if let data = FileManager.default.contents(atPath: out),
                    let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                    let fcp = (object["eval"] as? [String: Any])?["fcp"] as? Double
                {
                    paints.append(fcp)
                }
            }
        }

        var table = TextTable(["ENDPOINT", "REQUESTS/S", "P50", "P99", "ERRORS"])
        for l in loads {
            table.add([l.endpoint, String(format: "%.0f", l.requestsPerSecond), l.p50, l.p99, l.errors])
        }
        print(
            "Ledger: \(pages) pages in one batch, plus two runs of \(runPages) mixed A4 pages; wrk -t2 -c\(connections) -d\(seconds)s"
        )
        print(table.render())
        print(
            String(
                format:
                    "quire run of %d pages, median of %d rounds: alone %.2f s, beside an archive's day of use %.2f s: %+.1f%% time",
                runPages, rounds, alone, paced, 100 * (paced / alone - 1)))
        print(
            "  rounds alone: \(aloneTimes.map { String(format: "%.2f", $0) }.joined(separator: ", ")) s; beside: "
                + "\(pacedTimes.map { String(format: "%.2f", $0) }.joined(separator: ", ")) s (last round's load: \(pacedRequests))"
        )
        print(
            "  CPU meanwhile: quire serve \(serverCPU.map { String(format: "%.2f", $0) }.joined(separator: ", ")) s, "
                + "the load generator (python3) \(pacerCPU.map { String(format: "%.2f", $0) }.joined(separator: ", ")) s")
        print(
            String(
                format: "quire run under wrk %.2f s: %+.1f%% time (%@)", loaded.seconds,
                100 * (loaded.seconds / alone - 1),
                stillRunning ? "the run outlasted the load" : "the run ended before the load did: raise --run-pages"))
        paints.sort()
        print(
            "Overview page: \(overview.count / 1024) KiB; first contentful paint "
                + (paints.isEmpty
                    ? "not measured (chromium or python3 missing)"
                    : String(format: "median %.0f ms of %d loads", paints[paints.count / 2], paints.count)))
    }

    /// The load of an archive's day, until SIGTERM: 10 event streams open, /api/overview 10 times a second,
    /// /metrics once a second; prints the requests made and the streams' events.
    static let pacedLoad = #"""
        import signal, sys, threading, time, urllib.request
        base = sys.argv[1]
        counts = {"requests": 0, "events": 0}
        stop = threading.Event()
        def poll(path, per_second):
            while not stop.is_set():
                started = time.time()
                urllib.request.urlopen(base + path, timeout=30).read()
                counts["requests"] += 1
                time.sleep(max(0, 1 / per_second - (time.time() - started)))
        def stream():
            with urllib.request.urlopen(base + "/events", timeout=60) as response:
                for line in response:
                    if stop.is_set(): return
                    if line.startswith(b"event:"): counts["events"] += 1
        threads = [threading.Thread(target=stream, daemon=True) for _ in range(10)]
        threads += [threading.Thread(target=poll, args=("/api/overview", 10), daemon=True),
                    threading.Thread(target=poll, args=("/metrics", 1), daemon=True)]
        for t in threads: t.start()
        def done(*_):
            stop.set()
            print(f"{counts['requests']} requests, {counts['events']} live events")
            sys.stdout.flush()
            sys.exit(0)
        signal.signal(signal.SIGTERM, done)
        while True: time.sleep(1)
        """#

    /// Requests/s, the 50% and 99% latencies and socket errors from wrk's `--latency` report.
    static func parse(_ text: String, endpoint: String) -> Load {
        func field(after label: String) -> String {
            guard
                let line = text.split(separator: "\n").first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) })
            else { return "?" }
            return line.trimmingCharacters(in: .whitespaces).dropFirst(label.count).trimmingCharacters(in: .whitespaces)
        }
        let errors = text.split(separator: "\n").filter { $0.contains("Socket errors") || $0.contains("Non-2xx") }
        return Load(
            endpoint: endpoint, requestsPerSecond: Double(field(after: "Requests/sec:")) ?? 0, p50: field(after: "50%"),
            p99: field(after: "99%"), errors: errors.isEmpty ? "0" : errors.joined(separator: "; "))
    }

}

/// A value computed on a thread of its own.
final class ThreadResult<Value: Sendable>: Sendable {
    private let state = Mutex<(done: Bool, value: Value?)>((false, nil))
    private let finished = DispatchSemaphore(value: 0)

    fileprivate func finish(_ value: Value?) {
        state.withLock { $0 = (true, value) }
        finished.signal()
    }

    /// Whether the thread has finished.
    var isDone: Bool { state.withLock { $0.done } }

    /// Waits for the thread; its value.
    func wait() -> Value? {
        finished.wait()
        finished.signal()
        return state.withLock { $0.value }
    }
}

extension Thread {
    /// Runs `body` on a new thread; its result when waited for.
    static func detachNewThreadWithResult<Value: Sendable>(_ body: @escaping @Sendable () -> Value?) -> ThreadResult<Value> {
        let result = ThreadResult<Value>()
        Thread.detachNewThread { result.finish(body()) }
        return result
    }
}
