import Foundation
public import QuireCore
import Logging
import PostgresNIO

/// One run's exclusive hold on a batch of a shared ledger, for as long as the run lasts: a session-level advisory
/// lock (`pg_try_advisory_lock`) on a connection of its own. It works across machines (an `flock` on a shared
/// folder may not), and the server releases it when the holder's connection ends — however the process ends,
/// `kill -9` included — so a stale hold is never left behind. Workers need no hold: their claims are fenced.
public final class PostgresBatchHold: Sendable {
    private let connection: PostgresConnection
    /// The batch held.
    public let batch: String

    /// Takes the hold on `batch`, or throws (exit 3) naming the batch when another run holds it.
    public init(ledger: PostgresLedger, batch: String) throws(QuireError) {
        let logger = Logger(label: "quire.ledger.hold") { _ in SwiftLogNoOpLogHandler() }
        let connection: PostgresConnection
        let taken: Bool
        do {
            connection = try ledger.sessions.openDedicatedConnection()
            var binds = PostgresBindings()
            binds.append("quire-batch:" + batch)
            let rows = try connection.query(
                PostgresQuery(unsafeSQL: "SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS taken", binds: binds),
                logger: logger
            ).wait()
            taken = try rows.rows.first?.makeRandomAccess()["taken"].decode(Bool.self) ?? false
        } catch {
            throw PostgresLedger.failure("hold batch \(batch)", ledger.location, error)
        }
        guard taken else {
            _ = try? connection.close().wait()
            throw QuireError(
                .couldNotRun, stage: .ledger, file: ledger.location.redacted,
                message: "another quire run is working batch \(batch) on this ledger (on this machine or another)",
                fix: "wait for it to finish; quire worker processes may join it meanwhile")
        }
        self.connection = connection
        self.batch = batch
    }

    deinit {
        // Closing the session releases the advisory lock.
        _ = try? connection.close().wait()
    }
}
