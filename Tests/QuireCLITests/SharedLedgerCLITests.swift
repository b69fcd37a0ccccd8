import Foundation
import ImageCodecs
import QuireTestSupport
import SyntheticPages
import Testing

/// Several processes on one batch over a PostgreSQL ledger: `quire run` with `quire worker`s beside it, a worker
/// killed with `kill -9` mid-lease. After each, the bags are those of an
/// uninterrupted SQLite run, every bag verifies, and every page was committed exactly once.
@Suite(.serialized) struct SharedLedgerCLITests {
    typealias CLI = QuireCLITests

    /// A delivery of `records` records of `pages` gray and colour pages (1000×1400 at 300 dpi), and its catalog.
    static func delivery(in dir: String, records: Int, pages: Int, fonds: String = "0001") throws -> (
        delivery: String, catalog: String
    ) {
        let delivery = dir + "/delivery"
        var catalog = "序号,档号,题名,页数\n"
        for r in 1...records {
            let code = String(format: "%@-001-%04d", fonds, r)
            catalog += "\(r),\(code),测试\(r),\(pages)\n"
            try FileManager.default.createDirectory(atPath: delivery + "/" + code, withIntermediateDirectories: true)
            for p in 1...pages {
                let page = SyntheticPage.make(
                    p % 2 == 0 ? .colour : .gray, width: 1000, height: 1400, dpi: 300,
                    seed: UInt64((Int(fonds) ?? 1) * 10_000 + r * 100 + p))
                try TIFFEncoder.write(
                    page, to: delivery + String(format: "/%@/%04d.tif", code, p), options: .init(compression: .lzw))
            }
        }
        try catalog.write(toFile: dir + "/catalog.csv", atomically: true, encoding: .utf8)
        return (delivery, dir + "/catalog.csv")
    }

    /// A `quire` child running in the background.
    final class Child {
        let process = Process()
        let output: URL

        init(_ arguments: [String], executable: String = Program.quire, environment: [String: String] = [:]) throws {
            output = FileManager.default.temporaryDirectory.appendingPathComponent("quire-child-\(UUID().uuidString)")
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            let handle = try FileHandle(forWritingTo: output)
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            if !environment.isEmpty {
                process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            }
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        /// Waits for the end (killing it after `timeout` seconds): the exit status and what it printed.
        func wait(timeout: Double = 300) -> (status: Int32, output: String) {
            Program.waitForExit(process, seconds: timeout)
            defer { try? FileManager.default.removeItem(at: output) }
            return (process.terminationStatus, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
        }

        /// Sends `signal` and waits for the end; a child still running a minute later is killed and the test
        /// fails (a command that ignores SIGTERM is a fault, and must not hang the suite).
        func stop(_ signal: Int32) -> String {
            kill(process.processIdentifier, signal)
            if !Program.waitForExit(process, seconds: 60) {
                Issue.record("quire \(process.arguments ?? []) did not end within 60 s of signal \(signal): killed")
            }
            defer { try? FileManager.default.removeItem(at: output) }
            return (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        }
    }

    /// Rows of a query on the test schema, through psql (the server's own client).
    static func psql(_ url: String, _ sql: String) throws -> [String] {
        let schema = URLComponents(string: url)?.queryItems?.first { $0.name == "schema" }?.value ?? "public"
        var base = URLComponents(string: url)!
        base.queryItems = nil
        let out = try Program.run("psql", [base.string!, "-Atq", "-c", "SET search_path TO \(schema)", "-c", sql])
        return out.text.split(separator: "\n").map(String.init)
    }

    /// Waits (up to `seconds`) until `condition` holds.
    static func waitUntil(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return try condition()
    }

    /// Every page normalized exactly once: one `page.normalized` event per page of the batch.
    static func eachPageNormalizedOnce(_ url: String, pages: Int) throws {
        let perPage = try psql(
            url, "SELECT subject || '|' || COUNT(*) FROM event WHERE action = 'page.normalized' GROUP BY subject")
        #expect(perPage.count == pages, "\(perPage.count) pages normalized of \(pages)")
        #expect(perPage.allSatisfy { $0.hasSuffix("|1") }, "\(perPage.filter { !$0.hasSuffix("|1") })")
    }

    /// The reference: the same delivery on SQLite, one process.
    static func referenceBags(_ dir: String, _ input: (delivery: String, catalog: String)) throws -> [String: String] {
        let reference = try CLI.quire([
            "run", input.delivery, "--catalog", input.catalog, "--workspace", dir + "/reference", "--quiet",
        ])
        #expect(reference.status == 0, "\(reference.stdout)\(reference.stderr)")
        return try PostgresLedgerCLITests.manifests(dir + "/reference/bags")
    }

    /// The bags in `folder` are those of the reference: the same records, each with the same manifest.
    static func expectSameBags(
        _ folder: String, as reference: [String: String], sourceLocation: SourceLocation = #_sourceLocation
    )
        throws
    {
        let bags = try PostgresLedgerCLITests.manifests(folder)
        #expect(bags.keys.sorted() == reference.keys.sorted(), sourceLocation: sourceLocation)
        #expect(
            bags.filter { reference[$0.key] != $0.value }.keys.sorted() == [], "bags that differ from the reference",
            sourceLocation: sourceLocation)
    }

    /// A PostgreSQL cluster of one test's own (`scripts/postgres.sh`), for faults the shared test server must not
    /// suffer under the other tests; stopped and removed when released.
    final class PrivateCluster {
        let folder = "/tmp/quire-pg-\(getpid())-\(UUID().uuidString.prefix(8))"
        let script = Repository.root.appendingPathComponent("scripts/postgres.sh").path
        /// The ledger URL of its `quire` database.
        let url: String

        init(environment: [String: String] = [:]) throws {
            let started = try Program.run("bash", [script, "start", folder], environment: environment)
            guard started.status == 0 else {
                _ = try? Program.run("bash", [script, "stop", folder])
                throw CutOffNetwork.SetupFailed(message: "postgres.sh start: \(started.text)\(started.stderr)")
            }
            url = started.text.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// Stops and starts the server on the same port.
        func restart() throws -> Program.Output { try Program.run("bash", [script, "restart", folder]) }

        deinit {
            _ = try? Program.run("bash", [script, "stop", folder])
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    @Test func aWorkerBesideTheRunTakesPagesAndTheBagsAreTheSame() throws {
        let url = try TestPostgres.url(schema: "shared-run")
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = try Self.delivery(in: dir, records: 6, pages: 6)
        let reference = try Self.referenceBags(dir, input)

        // The worker starts first and waits for work (LISTEN); the run's import wakes it.
        let worker = try Child([
            "worker", "--ledger", url, "--workspace", dir + "/shared", "--workers", "1", "--json",
        ])
        try FileManager.default.createDirectory(atPath: dir + "/shared", withIntermediateDirectories: true)
        let run = try CLI.quire([
            "run", input.delivery, "--catalog", input.catalog, "--workspace", dir + "/shared", "--ledger", url, "--workers", "1",
            "--json",
        ])
        let workerOutput = worker.stop(SIGTERM)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(workerOutput.contains("\"normalized\""), "\(workerOutput)")
        let byWorker = Int(workerOutput.firstMatch(of: /"normalized" : (\d+)/)?.1 ?? "") ?? 0
        #expect(byWorker > 0, "the worker took no page: \(workerOutput)")
        #expect(byWorker < 36, "the run's own worker took no page")

        let bags = try PostgresLedgerCLITests.manifests(dir + "/shared/bags")
        #expect(bags == reference)
        let verified = try CLI.quire(["verify"] + bags.keys.sorted().map { dir + "/shared/bags/" + $0 })
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        try Self.eachPageNormalizedOnce(url, pages: 36)
        // Every record was bound and packaged under a record claim (by the worker or the run's own), and once.
        #expect(try Self.psql(url, "SELECT COUNT(*) FROM record WHERE worked AND state = 'verified'") == ["6"])
        let packaged = try Self.psql(
            url, "SELECT subject || '|' || COUNT(*) FROM event WHERE action = 'record.packaged' GROUP BY subject")
        #expect(packaged.count == 6 && packaged.allSatisfy { $0.hasSuffix("|1") }, "\(packaged)")
        #expect(workerOutput.contains("\"recordsPackaged\""), "\(workerOutput)")

        // status sees both workers, stopped, and the pages each did.
        let status = try CLI.quire(["status", "--json", "--workspace", dir + "/shared", "--ledger", url])
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let workers = json?["workers"] as? [[String: Any]] ?? []
        #expect(workers.count == 2)
        #expect(workers.allSatisfy { $0["state"] as? String == "stopped" })
        #expect(workers.map { $0["pages_done"] as? Int ?? 0 }.reduce(0, +) == 36)
        #expect(!status.stdout.contains(URLComponents(string: url)?.password ?? "no password"))
    }

    @Test func aWorkerWithOtherSettingsGivesTheBatchBackAndStopsSayingWhy() throws {
        let url = try TestPostgres.url(schema: "other-settings")
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = try Self.delivery(in: dir, records: 4, pages: 6)
        let reference = try Self.referenceBags(dir, input)
        // The worker's pipeline differs from the run's in one value that shapes the outputs (the access copy's
        // JPEG quality): its pages would not be the run's.
        let pipeline = try String(contentsOfFile: CLI.repo.path + "/pipelines/dat31.yaml", encoding: .utf8)
        let changed = pipeline.replacingOccurrences(of: "quality: 85", with: "quality: 84")
        #expect(changed != pipeline)
        try changed.write(toFile: dir + "/other.yaml", atomically: true, encoding: .utf8)
        let shared = dir + "/shared"
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        let worker = try Child([
            "worker", "--ledger", url, "--workspace", shared, "--workers", "1", "--pipeline", dir + "/other.yaml",
        ])
        let run = try CLI.quire([
            "run", input.delivery, "--catalog", input.catalog, "--workspace", shared, "--ledger", url, "--workers", "1",
            "--quiet",
        ])
        // The worker claimed pages of the run's batch, gave them back untouched and stopped (exit 2, a usage
        // error: it was started wrongly) naming the batch and the fix.
        let end = worker.wait(timeout: 120)
        #expect(end.status == 2, "\(end.output)")
        #expect(end.output.contains("batch delivery is made with other settings"), "\(end.output)")
        #expect(end.output.contains("--pipeline and --process"), "\(end.output)")
        // The run made every page itself, as a run alone would.
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(try PostgresLedgerCLITests.manifests(shared + "/bags") == reference)
        try Self.eachPageNormalizedOnce(url, pages: 24)
        #expect(try Self.psql(url, "SELECT COUNT(*) FROM page WHERE claimed_by IS NOT NULL").first == "0")
    }

    @Test func aWorkerKilledMidLeaseHasItsPagesTakenOverAndDoneOnce() throws {
        let url = try TestPostgres.url(schema: "killed-worker")
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = try Self.delivery(in: dir, records: 4, pages: 6)
        let reference = try Self.referenceBags(dir, input)

        // Register the pages (quire import), then a worker with a short lease claims some and is killed holding them.
        let imported = try CLI.quire(["import", input.delivery, "--workspace", dir + "/shared", "--ledger", url, "--quiet"])
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        let worker = try Child([
            "worker", "--ledger", url, "--workspace", dir + "/shared", "--workers", "1", "--claim", "6", "--lease", "5",
        ])
        let holding = try Self.waitUntil(30) {
            (try Self.psql(url, "SELECT COUNT(*) FROM page WHERE claimed_by IS NOT NULL AND lease_until > now()").first ?? "0")
                != "0"
        }
        #expect(holding, "the worker never claimed a page")
        _ = worker.stop(SIGKILL)
        let held = try Self.psql(url, "SELECT COUNT(*) FROM page WHERE claimed_by IS NOT NULL").first ?? "0"
        #expect(held != "0", "the killed worker left no claim behind")

        // The run finishes the batch: the dead worker's pages come free when its lease expires.
        let started = Date()
        let run = try CLI.quire([
            "run", input.delivery, "--catalog", input.catalog, "--workspace", dir + "/shared", "--ledger", url, "--quiet",
        ])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(Date().timeIntervalSince(started) < 120)
        #expect(try PostgresLedgerCLITests.manifests(dir + "/shared/bags") == reference)
        try Self.eachPageNormalizedOnce(url, pages: 24)
        #expect(try Self.psql(url, "SELECT COUNT(*) FROM page WHERE claimed_by IS NOT NULL").first == "0")
    }

    @Test func aSecondDeliveryRegisteredWhileWorkersRunIsDoneTooAndABatchHasOneRun() throws {
        let url = try TestPostgres.url(schema: "two-deliveries")
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try Self.delivery(in: dir + "/a", records: 3, pages: 8, fonds: "0001")
        let second = try Self.delivery(in: dir + "/b", records: 3, pages: 6, fonds: "0002")
        var reference = try Self.referenceBags(dir + "/a", first)
        reference.merge(try Self.referenceBags(dir + "/b", second)) { a, _ in a }
        #expect(reference.count == 6)

        let shared = dir + "/shared"
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        let worker = try Child(["worker", "--ledger", url, "--workspace", shared, "--workers", "1", "--json"])
        let runA = try Child([
            "run", first.delivery, "--catalog", first.catalog, "--batch", "A", "--workspace", shared, "--ledger", url,
            "--workers", "1", "--quiet",
        ])
        // Once A's pages are being worked, a second run of A is refused (one run per batch, on any machine)...
        let working = try Self.waitUntil(60) {
            (try Self.psql(url, "SELECT COUNT(*) FROM page WHERE batch_id = 'A' AND state <> 'decoded'").first ?? "0") != "0"
        }
        #expect(working, "batch A never made progress")
        let again = try CLI.quire([
            "run", first.delivery, "--catalog", first.catalog, "--batch", "A", "--workspace", shared, "--ledger", url, "--quiet",
        ])
        #expect(again.status == 3, "\(again.stdout)\(again.stderr)")
        #expect(again.stderr.contains("another quire run is working batch A"), "\(again.stderr)")
        // ...while a second delivery, registered now, runs beside it in the same workspace.
        let runB = try CLI.quire([
            "run", second.delivery, "--catalog", second.catalog, "--batch", "B", "--workspace", shared, "--ledger", url,
            "--workers", "1", "--quiet",
        ])
        #expect(runB.status == 0, "\(runB.stdout)\(runB.stderr)")
        let endA = runA.wait()
        #expect(endA.status == 0, "\(endA.output)")
        let workerOutput = worker.stop(SIGTERM)
        #expect(workerOutput.contains("\"normalized\""), "\(workerOutput)")

        try Self.expectSameBags(shared + "/bags", as: reference)
        let bags = try PostgresLedgerCLITests.manifests(shared + "/bags")
        let verified = try CLI.quire(["verify"] + bags.keys.sorted().map { shared + "/bags/" + $0 })
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        try Self.eachPageNormalizedOnce(url, pages: 24 + 18)
        let status = try CLI.quire(["status", "--json", "--workspace", shared, "--ledger", url])
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let batches = (json?["batches"] as? [[String: Any]] ?? []).compactMap { $0["batch"] as? String ?? $0["id"] as? String }
        #expect(Set(batches) == ["A", "B"], "\(status.stdout.prefix(600))")
    }

    @Test func theServerRestartedMidRunLosesNothingAndTheRunFinishes() throws {
        // A cluster of this test's own (the shared test server must not restart under the other tests).
        let cluster = try PrivateCluster()
        defer { withExtendedLifetime(cluster) {} }
        let url = cluster.url
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = try Self.delivery(in: dir, records: 4, pages: 8)
        let reference = try Self.referenceBags(dir, input)

        let shared = dir + "/shared"
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        let worker = try Child(["worker", "--ledger", url, "--workspace", shared, "--workers", "1", "--claim", "2"])
        let run = try Child([
            "run", input.delivery, "--catalog", input.catalog, "--workspace", shared, "--ledger", url, "--workers", "1",
            "--quiet",
        ])
        // Restart the server once pages are being worked, and the run has not finished.
        let working = try Self.waitUntil(120) {
            (try? Self.psql(url, "SELECT COUNT(*) FROM page WHERE state <> 'decoded'").first).map { $0 != "0" } ?? false
        }
        #expect(working, "no page was worked before the restart")
        #expect(run.process.isRunning, "the run finished before the restart: make the delivery larger")
        let restarted = try cluster.restart()
        #expect(restarted.status == 0, "\(restarted.text)\(restarted.stderr)")

        let end = run.wait(timeout: 240)
        let workerOutput = worker.stop(SIGTERM)
        #expect(end.status == 0, "run: \(end.output)\nworker: \(workerOutput)")
        try Self.expectSameBags(shared + "/bags", as: reference)
        let bags = try PostgresLedgerCLITests.manifests(shared + "/bags")
        let verified = try CLI.quire(["verify"] + bags.keys.sorted().map { shared + "/bags/" + $0 })
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        try Self.eachPageNormalizedOnce(url, pages: 32)
    }

    /// A network namespace of the test's own, joined to this one by a veth pair: the host end `host`/30, the
    /// namespace end `host + 1`; its link can be taken down and up.
    final class CutOffNetwork {
        let namespace: String
        let hostLink: String
        let hostAddress: String
        let innerAddress: String

        init() throws {
            let id = String(format: "%05d", getpid() % 100_000)
            namespace = "quire\(id)"
            hostLink = "qh\(id)"
            let subnet = "10.213.\(getpid() % 250).\(4 * Int.random(in: 1...60))"
            let parts = subnet.split(separator: ".").map(String.init)
            let base = Int(parts[3])!
            hostAddress = "\(parts[0]).\(parts[1]).\(parts[2]).\(base + 1)"
            innerAddress = "\(parts[0]).\(parts[1]).\(parts[2]).\(base + 2)"
            let inner = "qn\(id)"
            for command in [
                ["netns", "add", namespace], ["link", "add", hostLink, "type", "veth", "peer", "name", inner],
                ["link", "set", inner, "netns", namespace], ["addr", "add", "\(hostAddress)/30", "dev", hostLink],
                ["link", "set", hostLink, "up"],
                ["netns", "exec", namespace, "ip", "addr", "add", "\(innerAddress)/30", "dev", inner],
                ["netns", "exec", namespace, "ip", "link", "set", inner, "up"],
                ["netns", "exec", namespace, "ip", "link", "set", "lo", "up"],
            ] {
                let out = try Program.run("ip", command)
                guard out.status == 0 else { throw SetupFailed(message: "ip \(command.joined(separator: " ")): \(out.stderr)") }
            }
        }

        struct SetupFailed: Error { var message: String }

        /// `subnet/30` as the server's extra listen address wants it.
        var listen: String { "\(hostAddress)/30" }

        func link(up: Bool) throws {
            _ = try Program.run("ip", ["link", "set", hostLink, up ? "up" : "down"])
        }

        deinit {
            _ = try? Program.run("ip", ["link", "del", hostLink])
            _ = try? Program.run("ip", ["netns", "del", namespace])
        }
    }

    @Test(.enabled(if: getuid() == 0 && Program.find("ip") != nil, "needs root and iproute2 for a network namespace"))
    func aWorkerCutOffFromTheServerStopsAndItsLateCommitIsRefused() throws {
        let network = try CutOffNetwork()
        let cluster = try PrivateCluster(environment: ["QUIRE_PG_EXTRA_LISTEN": network.listen])
        defer { withExtendedLifetime((cluster, network)) {} }
        let url = cluster.url
        let inner = url.replacingOccurrences(of: "@127.0.0.1:", with: "@\(network.hostAddress):")
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = try Self.delivery(in: dir, records: 3, pages: 8)
        let reference = try Self.referenceBags(dir, input)
        let shared = dir + "/shared"
        let imported = try CLI.quire(["import", input.delivery, "--workspace", shared, "--ledger", url, "--quiet"])
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")

        // The worker, in the namespace, reaches the server only through the veth; it claims, then is cut off.
        let worker = try Child(
            [
                "netns", "exec", network.namespace, Program.quire, "worker", "--ledger", inner, "--workspace", shared,
                "--workers", "1", "--claim", "4", "--lease", "5", "--json",
            ], executable: Program.find("ip") ?? "/usr/sbin/ip")
        let holding = try Self.waitUntil(60) {
            (try? Self.psql(url, "SELECT COUNT(*) FROM page WHERE claimed_by IS NOT NULL AND lease_until > now()").first)
                .map { $0 != "0" } ?? false
        }
        #expect(holding, "the worker in the namespace never claimed a page")
        try network.link(up: false)
        let cutAt = Date()

        // The run on this side finishes the batch once the cut-off worker's leases expire (or the server ends its
        // session left inside a transaction).
        let run = try CLI.quire([
            "run", input.delivery, "--catalog", input.catalog, "--workspace", shared, "--ledger", url, "--quiet",
        ])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(Date().timeIntervalSince(cutAt) < 150)
        try Self.expectSameBags(shared + "/bags", as: reference)
        try Self.eachPageNormalizedOnce(url, pages: 24)

        // Back on the network, the worker's late results are refused, never written twice.
        try network.link(up: true)
        let reported = try Self.waitUntil(120) {
            (try? Self.psql(url, "SELECT COUNT(*) FROM page WHERE claimed_by IS NOT NULL").first) == "0"
                && (try? Self.psql(
                    url, "SELECT COUNT(*) FROM worker WHERE stopped_at IS NULL AND heartbeat_at > now() - interval '3 seconds'"
                ).first) == "1"
        }
        let workerOutput = worker.stop(SIGTERM)
        #expect(reported, "the worker did not come back after the link went up: \(workerOutput)")
        let refused = Int(workerOutput.firstMatch(of: /"refused" : (\d+)/)?.1 ?? "") ?? 0
        #expect(refused > 0, "the late commit was not refused: \(workerOutput)")
        try Self.eachPageNormalizedOnce(url, pages: 24)
    }
}
