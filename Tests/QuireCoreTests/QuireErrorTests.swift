import QuireCore
import Testing

@Suite struct QuireErrorTests {
    @Test func namesFileCauseLibraryAndFix() {
        let error = QuireError(
            .couldNotRun, stage: .ledger, file: "/w/ledger.sqlite", message: "cannot open the ledger",
            underlying: .init(source: "sqlite", code: 14, message: "unable to open database file"),
            fix: "check that the workspace folder is writable")
        #expect(
            error.description
                == "/w/ledger.sqlite: cannot open the ledger (sqlite 14: unable to open database file)\n  fix: check that the workspace folder is writable"
        )
    }

    @Test func workerCountDefaultsToProcessors() {
        #expect(WorkerCount.resolve(3) == 3)
        #expect(WorkerCount.resolve(0) == WorkerCount.standard)
        #expect(WorkerCount.standard >= 1)
    }

    @Test func errorsSortFirst() {
        #expect([Severity.warning, .error].sorted() == [.error, .warning])
    }
}
