import ArgumentParser
import Foundation
import Ledger
import LedgerPostgres
import QuireCore
import Synchronization
import TextTable

/// `quire bench claims`: the cost of coordination on a PostgreSQL ledger — claim and commit cycles per second with
/// simulated workers that do no image work — and the claim latency on a very large ledger.
struct ClaimsBench: ParsableCommand, BenchSupport {
    static let configuration = CommandConfiguration(
        commandName: "claims",
        abstract: "Page claim + fenced commit cycles per second on a PostgreSQL ledger, by workers and claim size.",
        discussion: """
            Makes a throwaway schema in the database of --ledger (dropped afterwards), registers --pages pages per \
            configuration through the ledger's own import API, and lets W simulated workers (threads, each with its \
            own connection, as separate machines have) claim K pages at a time under a lease and complete them in \
            one fenced commit of what real pages write (three outputs with their digests, the \
            source's digests, the processing event) — no image work. Prints pages/s and the claim and commit \
            latencies (median, p99) for every W in --workers and K in --claim. With --large N it then generates N \
            more pages in one batch by SQL (fast, not through the API), and times 'quire status --json' and single \
            claims on that ledger.

            Examples:
              quire bench claims --ledger "$QUIRE_LEDGER"
              quire bench claims --ledger "$QUIRE_LEDGER" --workers 16 --claim 1,4,16,64 --pages 8000
              quire bench claims --ledger "$QUIRE_LEDGER" --large 10000000 --workers 4 --claim 16
            """
    )

    @Option(help: "The PostgreSQL server (postgres://user:password@host:port/db; default $QUIRE_LEDGER).") var ledger: String?
    @Option(help: "Pages per configuration.") var pages = 4_000
    @Option(help: "Simulated worker counts, comma-separated.") var workers = "1,4,16"
    @Option(help: "Claim sizes (pages per claim), comma-separated.") var claim = "1,8,32"
    @Option(help: "Generate a ledger of this many more pages by SQL and time status and claims on it (0: skip).") var large = 0

    func validate() throws {
        guard (1...1_000_000).contains(pages) else { throw ValidationError("--pages must be in 1…1000000") }
        guard (0...50_000_000).contains(large) else { throw ValidationError("--large must be in 0…50000000") }
        guard Self.list(workers, in: 1...256) != nil else {
            throw ValidationError("--workers: numbers in 1…256, comma-separated")
        }
        guard Self.list(claim, in: 1...1_000) != nil else { throw ValidationError("--claim: numbers in 1…1000, comma-separated") }
        guard let url = serverURL, !url.isEmpty else {
            throw ValidationError("give the server with --ledger postgres://… (or QUIRE_LEDGER)")
        }
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
            throw ValidationError("--ledger must be a postgres:// URL")
        }
    }

    /// The server: `--ledger`, else `QUIRE_LEDGER`.
    var serverURL: String? { ledger ?? ProcessInfo.processInfo.environment["QUIRE_LEDGER"] }

    static func list(_ text: String, in range: ClosedRange<Int>) -> [Int]? {
        let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0.map(range.contains) == true }) else { return nil }
        return values.compactMap { $0 }
    }

    func run() throws {
        let base = serverURL ?? ""
        let schema = "quire_bench_\(getpid())"
        let url = base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
        let redacted = PostgresLocation.redact(base)
        let admin = try PostgresLedger(url: url, connections: 2)
        defer { try? admin.dropSchema() }
        printError("ledger: \(redacted), schema \(schema) (dropped afterwards)")

        var table = TextTable([
            "WORKERS", "CLAIM", "PAGES", "SECONDS", "PAGES/S", "CLAIM MS p50/p99", "COMMIT MS p50/p99 (per claim)",
        ])
        for w in Self.list(workers, in: 1...256)! {
            for k in Self.list(claim, in: 1...1_000)! {
                let batch = "w\(w)-k\(k)"
                try Self.register(admin, batch: batch, pages: pages)
                let m = try Self.cycle(url: url, batch: batch, workers: w, claimSize: k)
                guard m.pages == pages else {
                    throw QuireError(
                        .couldNotRun, stage: .bench, message: "\(m.pages) of \(pages) pages were completed in \(batch)")
                }
                table.add([
                    "\(w)", "\(k)", "\(m.pages)", String(format: "%.2f", m.seconds),
                    String(format: "%.0f", Double(m.pages) / m.seconds),
                    String(format: "%.2f / %.2f", m.claims.percentile(0.5), m.claims.percentile(0.99)),
                    String(format: "%.2f / %.2f", m.commits.percentile(0.5), m.commits.percentile(0.99)),
                ])
                printError("  \(w) workers, claims of \(k): \(String(format: "%.0f", Double(m.pages) / m.seconds)) pages/s")
            }
        }
        print("Claim + fenced commit cycles on \(redacted) (\(pages) pages per row, no image work):")
        print(table.render(indent: ""))
        if large > 0 { try largeLedger(admin, url: url) }
    }

    /// What one configuration measured.
    struct Cycles {
        var pages = 0
        var seconds = 0.0
        /// Milliseconds per claim call and per commit.
        var claims: [Double] = []
        var commits: [Double] = []
    }

    /// Registers `pages` decoded pages in a new `batch`, 20 to a record, through the import API.
    static func register(_ ledger: PostgresLedger, batch: String, pages: Int) throws {
        _ = try ledger.openBatch(
            BatchInfo(id: batch, delivery: "/bench", archive: nil, pipeline: "dat31", createdAt: Date().formatted(.iso8601)))
        try StatusBench.fill(ledger, batch: batch, pages: pages, pagesPerRecord: 20, states: [.decoded], perCommit: 5_000)
    }

    /// `workers` threads, each with a connection of its own, claim `claimSize` pages at a time and commit each.
    static func cycle(url: String, batch: String, workers: Int, claimSize: Int) throws -> Cycles {
        let ledgers = try (0..<workers).map { _ in try PostgresLedger(url: url, connections: 1) }
        let results = Mutex([Cycles](repeating: Cycles(), count: workers))
        let failure = Mutex<String?>(nil)
        let started = ContinuousClock.now
        // A thread per simulated worker (DispatchQueue.concurrentPerform would run only one per core at a time).
        let done = DispatchGroup()
        for lane in 0..<workers {
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                work(lane)
            }
            thread.start()
        }
        @Sendable func work(_ lane: Int) {
            let ledger = ledgers[lane]
            let worker = "bench-\(batch)-\(lane)"
            var mine = Cycles()
            do {
                try ledger.registerWorker(id: worker, host: "bench")
                while true {
                    let t0 = ContinuousClock.now
                    let claims = try ledger.claimPages(batch: batch, worker: worker, limit: claimSize, lease: .seconds(300))
                    mine.claims.append((ContinuousClock.now - t0).milliseconds)
                    if claims.isEmpty { break }
                    let t1 = ContinuousClock.now
                    let refused = try ledger.completeClaims(
                        claims.map {
                            ClaimCompletion($0, result: Self.result(for: $0.page), sourceFixity: Self.source(for: $0.page))
                        },
                        worker: worker, tool: "quire bench")
                    mine.commits.append((ContinuousClock.now - t1).milliseconds)
                    guard refused.isEmpty else {
                        throw QuireError(
                            .couldNotRun, stage: .bench, message: "\(refused.count) claims were refused (lease lost)")
                    }
                    mine.pages += claims.count
                }
                try ledger.stopWorker(id: worker)
            } catch {
                failure.withLock { $0 = $0 ?? "\(error)" }
            }
            results.withLock { $0[lane] = mine }
        }
        done.wait()
        if let message = failure.withLock({ $0 }) { throw QuireError(.couldNotRun, stage: .bench, message: message) }
        let seconds = (ContinuousClock.now - started).inSeconds
        return results.withLock { all in
            Cycles(
                pages: all.map(\.pages).reduce(0, +), seconds: seconds, claims: all.flatMap(\.claims),
                commits: all.flatMap(\.commits))
        }
    }

    /// What a real page's normalization writes: master, access copy and thumbnail with two digests each.
    static func result(for page: PageRecord) -> NormalizedPage {
        let stem = (page.path as NSString).deletingPathExtension
        func output(_ role: FileRole, _ folder: String, _ ext: String, _ size: Int64) -> FixityRecord {
            FixityRecord(
                batch: "", root: .workspace, path: "\(folder)/\(stem).\(ext)", role: role, size: size,
                digests: [.sha256: String(repeating: "a", count: 64), .sha512: String(repeating: "b", count: 128)])
        }
        return NormalizedPage(
            path: page.path,
            outputs: [
                output(.master, "masters", "tif", 5_000_000), output(.access, "access", "jpg", 400_000),
                output(.thumbnail, "thumbs", "jpg", 20_000),
            ], checks: [],
            steps: [ProcessStep(.master, ["compression": "deflate", "mode": "gray"]), ProcessStep(.access)])
    }

    static func source(for page: PageRecord) -> FixityRecord {
        FixityRecord(
            batch: "", root: .delivery, path: page.path, role: .source, size: page.size,
            digests: [.sha256: page.sha256, .sha512: String(repeating: "c", count: 128)])
    }

    /// Generates `large` pages in one batch by SQL, then times `quire status --json` and single claims.
    func largeLedger(_ admin: PostgresLedger, url: String) throws {
        printError("generating \(large) pages by SQL (batch 'large')…")
        let started = ContinuousClock.now
        _ = try admin.openBatch(
            BatchInfo(id: "large", delivery: "/bench", archive: nil, pipeline: "dat31", createdAt: Date().formatted(.iso8601)))
        // Pages in every state, 100 to a record; a tenth still to normalize (decoded), so claims find work. In
        // statements of 500,000 rows: one statement of millions would outlast the ledger's 120 s answer deadline.
        let chunk = 500_000
        for first in stride(from: 0, to: large, by: chunk) {
            let last = min(first + chunk, large) - 1
            try admin.execute(
                """
                INSERT INTO page (batch_id, path, size, mtime_ns, sha256, format, width, height, bits, samples,
                                  color_type, compression, dpi_x, dpi_y, frames, code, page_no, state, registered_at,
                                  updated_at)
                SELECT 'large', 'L' || lpad((i / 100)::text, 8, '0') || '/' || lpad((i % 100 + 1)::text, 4, '0') || '.tif',
                       8700000, 0, lpad(to_hex(i), 64, 'e'), 'tiff', 2480, 3508, 8, 1, 'gray', 'none', 300, 300, 1,
                       'L' || lpad((i / 100)::text, 8, '0'), i % 100 + 1,
                       (ARRAY['normalized','digested','digested','digested','digested','digested','digested','digested',
                              'digested','decoded'])[i % 10 + 1],
                       '2026-12-03T00:00:00Z', '2026-12-03T00:00:00Z'
                FROM generate_series(\(first), \(last)) AS i
                """, operation: "generate pages")
        }
        try admin.execute(
            """
            INSERT INTO record (batch_id, code, state, updated_at)
            SELECT 'large', 'L' || lpad(r::text, 8, '0'), 'waiting', '2026-12-03T00:00:00Z'
            FROM generate_series(0, \((large - 1) / 100)) AS r
            """, operation: "generate records")
        try admin.execute("ANALYZE", operation: "analyze")
        printError(String(format: "  generated in %.0f s", (ContinuousClock.now - started).inSeconds))

        var statusTimes: [Double] = []
        let quire = try quireExecutable()
        for _ in 0..<3 {
            let m = try measure(quire, ["status", "--ledger", url, "--json"])
            guard m.status == 0 else {
                throw QuireError(.couldNotRun, stage: .bench, message: "quire status failed (exit \(m.status))")
            }
            statusTimes.append(m.seconds)
        }
        let worker = try PostgresLedger(url: url, connections: 1)
        try worker.registerWorker(id: "bench-large", host: "bench")
        var claimTimes: [Double] = []
        for _ in 0..<200 {
            let t0 = ContinuousClock.now
            let claims = try worker.claimPages(batch: nil, worker: "bench-large", limit: 1, lease: .seconds(300))
            claimTimes.append((ContinuousClock.now - t0).milliseconds)
            guard !claims.isEmpty else { break }
        }
        try worker.stopWorker(id: "bench-large")
        print(
            String(
                format:
                    "Large ledger: %d pages (+ the rows above)\nquire status --json: best %.3f s, worst %.3f s over 3 runs (process start included)\nclaim of 1 page (any batch): median %.2f ms, p99 %.2f ms, worst %.2f ms over %d claims",
                large, statusTimes.min()!, statusTimes.max()!, claimTimes.percentile(0.5), claimTimes.percentile(0.99),
                claimTimes.max() ?? 0, claimTimes.count))
    }
}

extension Duration {
    fileprivate var milliseconds: Double { inSeconds * 1_000 }
}

extension [Double] {
    /// The value below which `fraction` of the values lie (nearest rank); 0 when empty.
    fileprivate func percentile(_ fraction: Double) -> Double {
        guard !isEmpty else { return 0 }
        let sorted = self.sorted()
        return sorted[Swift.min(sorted.count - 1, Swift.max(0, Int((Double(sorted.count) * fraction).rounded(.up)) - 1))]
    }
}
