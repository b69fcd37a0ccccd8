import Foundation
import Ledger
import QuireTestSupport
import Testing

extension LedgerBackend {
    /// The SQLite ledger, one file per ledger in the behaviour's scratch folder.
    static let sqlite = LedgerBackend("sqlite") { scratch in
        { try SQLiteLedger(path: scratch.path + "/\(UUID().uuidString).sqlite") }
    }
}

/// The conformance suite (written once, in `QuireTestSupport`) on every backend: each behaviour × each backend is
/// one test case. A new backend is one more entry here.
@Suite struct LedgerConformanceTests {
    static let backends: [LedgerBackend] = [.sqlite, .inMemory]

    @Test(arguments: backends, LedgerConformance.behaviours)
    func conforms(_ backend: LedgerBackend, _ behaviour: LedgerConformance.Behaviour) throws {
        try backend.run(behaviour)
    }
}
