import Dispatch
import Foundation
import QuireCore
public import Ledger
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// Wakes idle workers when work arrives: a connection of its own `LISTEN`s on ``PostgresLedger/workChannel``
/// (the import announces new pages with `NOTIFY`, a stopping worker its released claims), and every notification
/// releases one waiting call. A lost connection is opened again at the next wait; meanwhile waits simply time out,
/// so a worker never depends on a notification to make progress.
public final class PostgresWorkSignal: WorkSignal {
    private let ledger: PostgresLedger
    private let arrived = DispatchSemaphore(value: 0)
    private let listening = Mutex<PostgresConnection?>(nil)

    /// Listens for the ledger's work notifications.
    public init(ledger: PostgresLedger) {
        self.ledger = ledger
    }

    deinit {
        if let connection = listening.withLock({ $0 }) { _ = try? connection.close().wait() }
    }

    /// Blocks until a notification arrives or `timeout` passes.
    public func wait(timeout: Duration) {
        let seconds = timeout.inSeconds
        if listening.withLock({ $0?.isClosed ?? true }) {
            listen()
        }
        _ = arrived.wait(timeout: .now() + seconds)
        // Several notifications at once wake this worker once; the rest are drained so the next wait waits.
        while arrived.wait(timeout: .now()) == .success {}
    }

    private func listen() {
        guard let connection = try? ledger.sessions.openDedicatedConnection() else { return }
        let arrived = self.arrived
        connection.addListener(channel: PostgresLedger.workChannel) { _, _ in arrived.signal() }
        do {
            try ledger.sessions.session(connection).execute("LISTEN \(PostgresLedger.workChannel)")
        } catch {
            connection.closeWithoutWaiting()
            return
        }
        listening.withLock { $0 = connection }
    }
}
