import Dispatch
import Foundation
import Synchronization
import Ledger
@testable import LedgerPostgres
import QuireCore
import QuireTestSupport
import Testing

extension LedgerBackend {
    /// The SQLite ledger, one file per ledger in the behaviour's scratch folder.
    static let sqlite = LedgerBackend("sqlite") { scratch in
        { try SQLiteLedger(path: scratch.path + "/\(UUID().uuidString).sqlite") }
    }

    /// The PostgreSQL ledger on the test server, a schema of its own per behaviour (reopened by the same URL).
    static let postgres = LedgerBackend("postgres") { scratch in
        let url = Result { try TestPostgres.url(schema: scratch.url.lastPathComponent) }
        return { try PostgresLedger(url: try url.get(), connections: 2) }
    }
}

/// The conformance suite (written once, in `QuireTestSupport`) on every backend: each behaviour × each backend is
/// one test case. A new backend is one more entry here.
@Suite struct LedgerConformanceTests {
    static let backends: [LedgerBackend] = [.sqlite, .inMemory, .postgres]

    @Test(arguments: backends, LedgerConformance.behaviours)
    func conforms(_ backend: LedgerBackend, _ behaviour: LedgerConformance.Behaviour) throws {
        try backend.run(behaviour)
    }
}

/// The claim protocol (``ClaimStore``) on every backend that distributes work.
@Suite struct ClaimConformanceTests {
    struct Backend: Sendable, CustomTestStringConvertible {
        let name: String
        let make: @Sendable (ScratchFolder) -> ClaimConformance.Factory
        var testDescription: String { name }
    }

    static let backends = [
        Backend(name: "sqlite") { scratch in { try SQLiteLedger(path: scratch.path + "/\(UUID().uuidString).sqlite") } },
        Backend(name: "postgres") { scratch in
            let url = Result { try TestPostgres.url(schema: "claims" + scratch.url.lastPathComponent) }
            return { try PostgresLedger(url: try url.get(), connections: 8) }
        },
    ]

    @Test(arguments: backends, ClaimConformance.behaviours)
    func conforms(_ backend: Backend, _ behaviour: ClaimConformance.Behaviour) throws {
        let scratch = try ScratchFolder("claims-\(backend.name)")
        try ClaimConformance(backend.make(scratch)).run(behaviour)
    }
}

/// What only the PostgreSQL backend has: versioned migrations applied once, even by several processes at once.
@Suite struct PostgresLedgerTests {
    @Test func migrationsApplyOnceEvenWhenEightOpenAtOnce() throws {
        let url = try TestPostgres.url(schema: "migrate")
        let errors = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            do { _ = try PostgresLedger(url: url, connections: 1) } catch { errors.withLock { $0.append("\(error)") } }
        }
        #expect(errors.withLock { $0 }.isEmpty, "\(errors.withLock { $0 })")
        let ledger = try PostgresLedger(url: url)
        #expect(
            try ledger.appliedMigrations() == [
                "v1: batches, pages, quarantine, records, flags, changes, fixity, catalog, checks, events",
                "v2: claims, leases, fencing tokens, workers", "v3: page counts kept by triggers",
                "v4: auditors' visual checks, events by action and time",
                "v5: the settings a batch's pages are made with",
                "v6: record claims, the record work workers bind and package by, claim attempts",
            ])
    }

    @Test func aBatchHoldIsPerLedgerNotPerDatabase() throws {
        // Two ledgers (schemas) in one database, the same batch id in each: each run holds its own.
        let first = try PostgresLedger(url: try TestPostgres.url(schema: "hold"))
        let second = try PostgresLedger(url: try TestPostgres.url(schema: "hold"))
        let held = try PostgresBatchHold(ledger: first, batch: "2026-001")
        let beside = try PostgresBatchHold(ledger: second, batch: "2026-001")
        // On the same ledger the batch is refused while held, by a new connection as by another machine.
        #expect(throws: QuireError.self) { try PostgresBatchHold(ledger: first, batch: "2026-001") }
        // Another batch of the same ledger is free.
        let other = try PostgresBatchHold(ledger: first, batch: "2026-002")
        withExtendedLifetime((held, beside, other)) {}
    }

    @Test func aBatchHoldEndsWithItsHolder() throws {
        let ledger = try PostgresLedger(url: try TestPostgres.url(schema: "hold"))
        do { _ = try PostgresBatchHold(ledger: ledger, batch: "B") }
        // Released as the hold went away: taken again at once.
        _ = try PostgresBatchHold(ledger: ledger, batch: "B")
    }

    @Test func aStatementOnAConnectionThatJustClosedFailsInsteadOfWaitingForever() throws {
        // PostgresNIO drops a statement written on a closed channel without failing it (a restart races the
        // write); the wait notices the closed connection within a second or two.
        let sessions = try PostgresSessions(location: try PostgresLocation(url: try TestPostgres.url()), connections: 1)
        let connection = try sessions.openDedicatedConnection()
        try connection.close().wait()
        let start = ContinuousClock.now
        #expect {
            try sessions.session(connection).query("SELECT 1")
        } throws: { error in
            (error as? ServerAnswer.Missing)?.connectionClosed == true && PostgresSessions.isConnectionLoss(error)
        }
        #expect(ContinuousClock.now - start < .seconds(10))
    }

    @Test func aStatementTheServerDoesNotAnswerInTimeEndsItsConnection() throws {
        // A server that stops answering (a half-open connection) is given up on at the deadline; the transaction
        // counts it a lost connection, retries within its window, then throws.
        let sessions = try PostgresSessions(
            location: try PostgresLocation(url: try TestPostgres.url()), connections: 1, reconnectWindow: .seconds(1),
            statementDeadline: .seconds(2))
        let start = ContinuousClock.now
        #expect {
            try sessions.transaction { try $0.query("SELECT pg_sleep(20)") }
        } throws: { error in
            let missing = error as? ServerAnswer.Missing
            return missing?.connectionClosed == false && "\(error)".contains("did not answer within 2 s")
        }
        let waited = ContinuousClock.now - start
        #expect(waited >= .seconds(2) && waited < .seconds(10), "\(waited)")
        // The pool is usable again at once: a new connection replaces the one given up on.
        #expect(try sessions.transaction { try $0.query("SELECT 1 AS one").first?.int("one") } == 1)
    }

    @Test func sslrootcertThatIsNoRegularFileIsRefusedBeforeItIsRead() throws {
        // A FIFO would block the TLS library's read for good, a folder is no PEM file: both refused, naming them.
        let scratch = try ScratchFolder("roots")
        let fifo = scratch.path + "/roots.pem"
        try #require(mkfifo(fifo, 0o600) == 0)
        for path in [fifo, scratch.path] {
            let location = try PostgresLocation(
                url: "postgres://quire:pw@127.0.0.1:1/quire?sslmode=verify-full&sslrootcert=\(path)")
            let error = #expect(throws: QuireError.self) { try PostgresSessions(location: location) }
            #expect(error?.kind == .usage)
            #expect(error?.message == "sslrootcert \(path) is not a regular file", "\(error?.message ?? "")")
        }
    }

    @Test func migrationStatementsSplitOutsideFunctionBodiesOnly() {
        let sql = """
            CREATE TABLE a (x int);
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO a VALUES (1); RETURN NULL; END $$;
            CREATE INDEX i ON a(x)
            """
        let statements = PostgresSchema.statements(sql).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(statements.count == 3, "\(statements)")
        #expect(statements[1].hasPrefix("CREATE FUNCTION") && statements[1].hasSuffix("END $$"))
    }

    @Test func pageCountsFromTheTallyEqualCountingThePages() throws {
        // Many statements (more than the 1,000 tally rows that make counts fold them): registered one by one, half
        // claimed and completed, a failed one released; counts equal the pages' own states every step.
        let ledger = try PostgresLedger(url: try TestPostgres.url(schema: "tally"))
        _ = try ledger.openBatch(
            BatchInfo(id: "b", delivery: "/d", archive: nil, pipeline: "t", createdAt: "2026-01-01T00:00:00Z"))
        for i in 1...1_100 {
            try ledger.commit(
                LedgerConformance.commit(pages: [LedgerConformance.page(String(format: "p/%04d.tif", i), code: "A", page: i)]),
                batch: "b", tool: "t")
        }
        func expectCountsMatch() throws {
            var actual: [PageState: Int] = [:]
            for page in try ledger.pages(batch: "b") { actual[page.state, default: 0] += 1 }
            #expect(try ledger.counts(batch: "b").pagesByState == actual)
            #expect(try ledger.counts(batch: "b").pages == 1_100)
        }
        try expectCountsMatch()
        let claims = try ledger.claimPages(batch: "b", worker: "w", limit: 550, lease: .seconds(60))
        _ = try ledger.completeClaims(
            claims.enumerated().map { i, c in
                ClaimCompletion(
                    c, result: LedgerConformance.normalized(c.page),
                    sourceFixity: i % 2 == 0 ? LedgerConformance.source(c.page.path) : nil)
            }, worker: "w", tool: "t")
        try expectCountsMatch()
        #expect(try ledger.counts(batch: "b").pagesByState == [.decoded: 550, .normalized: 275, .digested: 275])
    }
}
