import Foundation
import NIOCore
import PostgresNIO
import QuireCore
import Synchronization

/// Every wait for the server is bounded: Quire's stores are synchronous, so a future that never completes would
/// stop a run, a worker or `quire serve` for good. Two ways it could: PostgresNIO drops a statement written on a
/// connection that has just closed without failing it (a restart or a cut network races the write), and a server
/// that stops answering on a live connection (a half-open TCP session) leaves a statement waiting for TCP's own
/// timeout, a quarter of an hour. ``wait(for:on:within:)`` fails such a wait as ``ServerAnswer/Missing`` — within a
/// second of the connection closing, or when the deadline passes (closing the connection then) — and the sessions
/// treat that as a lost connection: the transaction is tried again on a new one.
enum ServerAnswer {
    /// How long a statement may wait for its answer. Ledger statements take milliseconds to a few seconds on a
    /// million-page ledger; this is for the server that is gone without saying so.
    static let statementDeadline: Duration = .seconds(120)
    /// How long a migration's statement may take: it may wait for another machine's migration, or rebuild a table
    /// of millions of rows.
    static let migrationDeadline: Duration = .seconds(3600)

    /// A statement or connection the server never answered.
    struct Missing: Error, CustomStringConvertible {
        /// What waited.
        var what: String
        /// Whether the connection closed under it (else the deadline passed).
        var connectionClosed: Bool
        /// The deadline.
        var deadline: Duration

        var description: String {
            connectionClosed
                ? "the connection closed before the server answered (\(what))"
                : "the server did not answer within \(Int(deadline.inSeconds)) s (\(what)); the connection was closed"
        }
    }

    /// The value of `future`, waited for on this (blocking) thread for at most `deadline`. When `connection` closes
    /// first, or the deadline passes (then `connection` is closed), this throws ``Missing``; a value that arrives
    /// after that is handed to `late` (a connection opened too late is closed there).
    static func wait<T: Sendable>(
        for future: EventLoopFuture<T>, on connection: PostgresConnection?, within deadline: Duration,
        what: @autoclosure () -> String, late: (@Sendable (T) -> Void)? = nil
    ) throws -> T {
        let loop = future.eventLoop
        let answer = loop.makePromise(of: T.self)
        let settled = Settled()
        let start = ContinuousClock.now
        let label = what()
        let watch = loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { task in
            let closed = connection?.isClosed ?? false
            guard closed || ContinuousClock.now - start >= deadline else { return }
            task.cancel()
            guard settled.claim() else { return }
            answer.fail(Missing(what: label, connectionClosed: closed, deadline: deadline))
            if !closed, let connection { connection.closeWithoutWaiting() }
        }
        future.whenComplete { result in
            watch.cancel()
            if settled.claim() {
                answer.completeWith(result)
            } else if case .success(let value) = result {
                late?(value)
            }
        }
        return try answer.futureResult.wait()
    }

    /// Whichever settles a wait first — the answer or the watch — is the only one that completes it.
    private final class Settled: Sendable {
        private let done = Atomic<Bool>(false)

        /// True for the first caller only.
        func claim() -> Bool { !done.exchange(true, ordering: .acquiringAndReleasing) }
    }
}

extension PostgresConnection {
    /// Starts closing the connection; its statements in flight fail.
    func closeWithoutWaiting() {
        let _: EventLoopFuture<Void> = close()
    }
}
