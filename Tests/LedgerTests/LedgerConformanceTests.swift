import Foundation
import Ledger
import LedgerPostgres
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
