import Foundation
public import QuireCore
import Logging
import PostgresNIO

/// One run's exclusive hold on a batch of a shared ledger, for as long as the run lasts: a session-level advisory
/// lock (`pg_try_advisory_lock`) on a connection of its own. It works across machines (an `flock` on a shared
/// folder may not), and the server releases it when the holder's connection ends — however the process ends,
/// `kill -9` included — so a stale hold is never left behind. Workers need no hold: their claims are fenced.
/// Advisory locks belong to the whole database, so the key names the ledger's schema as well as the batch: two
/// ledgers in one database (two schemas) never hold each other's batches.
public final class PostgresBatchHold: Sendable {
    private let session: Transaction
    private let key: String
    /// The batch held.
    public let batch: String

    /// Takes the hold on `batch`, or throws (exit 3) naming the batch when another run holds it.
    public init(ledger: PostgresLedger, batch: String) throws(QuireError) {
        let connection: PostgresConnection
        do {
            connection = try ledger.sessions.openDedicatedConnection()
        } catch {
            throw PostgresLedger.failure("hold batch \(batch)", ledger.location, error)
        }
        let key = Self.key(schema: ledger.location.schema, batch: batch)
        let session = ledger.sessions.session(connection)
        let taken: Bool
        do {
            taken = try Self.call("pg_try_advisory_lock", key: key, on: session)
        } catch {
            _ = try? connection.close().wait()
            throw PostgresLedger.failure("hold batch \(batch)", ledger.location, error)
        }
        guard taken else {
            _ = try? connection.close().wait()
            throw QuireError(
                .couldNotRun, stage: .ledger, file: ledger.location.redacted,
                message: "another quire run is working batch \(batch) on this ledger (on this machine or another)",
                fix: "wait for it to finish; quire worker processes may join it meanwhile")
        }
        self.session = session
        self.key = key
        self.batch = batch
    }

    /// Calls an advisory-lock function of PostgreSQL on `key` and returns its answer.
    private static func call(_ function: String, key: String, on session: Transaction) throws -> Bool {
        let rows = try session.query("SELECT \(function)(hashtextextended($1, 0)) AS answer", [.text(key)])
        return try rows.first?.cells["answer"].decode(Bool.self) ?? false
    }

    /// The advisory lock's key text: schema, then batch. The schema is a plain identifier (``PostgresLocation``
    /// checks it), so the first `/` ends it whatever the batch holds.
    static func key(schema: String, batch: String) -> String { "quire-batch:\(schema)/\(batch)" }

    deinit {
        // Unlocking before closing makes the release synchronous: the server frees a closed session's locks only
        // once it has seen the session end, a moment after the close returns. Closing alone would release it too.
        // A session the server ended (a restart) holds nothing: no statement is sent on it.
        if !session.connection.isClosed { _ = try? Self.call("pg_advisory_unlock", key: key, on: session) }
        _ = try? session.connection.close().wait()
    }
}
