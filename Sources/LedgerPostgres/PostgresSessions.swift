import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import QuireCore
import Synchronization

/// A few PostgreSQL connections for a process, used from blocking code: the ledger's stores are synchronous (the
/// stages call them from worker threads), so each statement is sent through postgres-nio's `EventLoopFuture`
/// interface and waited for on the calling thread — never on an event loop, and never on Swift's cooperative
/// pool's behalf (the futures run on NIO's own threads).
///
/// A connection the server dropped (a restart, a cut network) is replaced on the next use; a transaction that failed
/// because its connection went away is tried again on a new one, with exponential backoff (0.1 s doubling to 5 s)
/// for up to ``reconnectWindow`` once the server was reached — so a server restart costs a pause, not the run.
/// No wait is unbounded (``ServerAnswer``): a statement the server never answers counts as a lost connection.
final class PostgresSessions: Sendable {
    let location: PostgresLocation
    /// How long a transaction keeps retrying on a lost connection before its error is thrown.
    let reconnectWindow: Duration
    /// How long one statement may wait for the server's answer.
    let statementDeadline: Duration
    private let idle = Mutex<[PostgresConnection]>([])
    private let capacity: DispatchSemaphore
    private let nextID = Atomic<Int>(1)
    /// Whether a connection ever succeeded: until then a refused connection is an error at once (a wrong URL should
    /// not wait a minute), after it a lost one is waited out.
    private let reachedOnce = Atomic<Bool>(false)
    private let logger = Logger(label: "quire.ledger.postgres") { _ in SwiftLogNoOpLogHandler() }
    private let tls: PostgresConnection.Configuration.TLS

    init(
        location: PostgresLocation, connections: Int = 4, reconnectWindow: Duration = .seconds(60),
        statementDeadline: Duration = ServerAnswer.statementDeadline
    ) throws(QuireError) {
        self.location = location
        self.reconnectWindow = reconnectWindow
        self.statementDeadline = statementDeadline
        self.capacity = DispatchSemaphore(value: max(1, connections))
        // Only a regular file is handed to the TLS library: a FIFO or a device named here would block its read for
        // good. (A path that is not there is left to it: its error names the file.)
        if let roots = location.rootCertificates, Syscall.isRegularFile(roots) == false {
            throw QuireError(
                .usage, stage: .ledger, file: location.redacted, message: "sslrootcert \(roots) is not a regular file",
                fix: "name the PEM file of the certificate authorities to trust")
        }
        do {
            switch location.tls {
            case .disable:
                tls = .disable
            case .prefer, .require:
                var configuration = TLSConfiguration.makeClientConfiguration()
                configuration.certificateVerification = .none
                let context = try NIOSSLContext(configuration: configuration)
                tls = location.tls == .prefer ? .prefer(context) : .require(context)
            case .verifyFull:
                var configuration = TLSConfiguration.makeClientConfiguration()
                if let roots = location.rootCertificates { configuration.trustRoots = .file(roots) }
                tls = .require(try NIOSSLContext(configuration: configuration))
            }
        } catch {
            throw QuireError(
                .couldNotRun, stage: .ledger, file: location.redacted, message: "cannot set up TLS for the ledger",
                underlying: .init(source: "tls", message: "\(error)"),
                fix: location.rootCertificates.map { "check that sslrootcert \($0) is a readable PEM file of certificates" })
        }
    }

    deinit {
        for connection in idle.withLock({ $0 }) { _ = try? connection.close().wait() }
    }

    /// Runs `body` with one connection of the pool (waiting for one when all are busy).
    func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        capacity.wait()
        defer { capacity.signal() }
        var connection = idle.withLock { $0.popLast() }
        if connection == nil || connection!.isClosed { connection = try connect() }
        let open = connection!
        do {
            let result = try body(open)
            idle.withLock { $0.append(open) }
            return result
        } catch {
            // A connection in an unknown state (a failed statement inside a transaction is rolled back by the
            // caller; a lost one is closed) goes back only when it is still open.
            if !open.isClosed && !Self.isConnectionLoss(error) { idle.withLock { $0.append(open) } }
            throw error
        }
    }

    /// Runs `body` inside one transaction (`BEGIN … COMMIT`, rolled back when it throws), retrying the whole
    /// transaction on a fresh connection while the failure is a lost connection and the window lasts.
    func transaction<T>(_ body: (Transaction) throws -> T) throws -> T {
        let clock = ContinuousClock()
        let deadline = clock.now + reconnectWindow
        var pause = Duration.milliseconds(100)
        while true {
            do {
                return try withConnection { connection in
                    let transaction = session(connection)
                    try transaction.execute("BEGIN")
                    do {
                        let result = try body(transaction)
                        try transaction.execute("COMMIT")
                        return result
                    } catch {
                        if !connection.isClosed { try? transaction.execute("ROLLBACK") }
                        throw error
                    }
                }
            } catch let error
                where Self.isConnectionLoss(error) && reachedOnce.load(ordering: .relaxed) && clock.now + pause < deadline
            {
                Thread.sleep(forTimeInterval: pause.inSeconds)
                pause = min(pause * 2, .seconds(5))
            }
        }
    }

    /// Whether an error means the connection (not the statement) failed: worth a retry on a new connection.
    static func isConnectionLoss(_ error: any Error) -> Bool {
        if let error = error as? PSQLError {
            switch error.code {
            case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown: return true
            case .server:
                // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 08xxx connection exceptions.
                let state = error.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
            default: return false
            }
        }
        return error is ChannelError || error is IOError || error is NIOConnectionError || error is ServerAnswer.Missing
    }

    /// Statements on `connection` outside the pool's transactions, with this pool's deadline.
    func session(_ connection: PostgresConnection) -> Transaction {
        Transaction(connection: connection, logger: logger, deadline: statementDeadline)
    }

    /// How long the server lets a session of Quire's sit idle inside a transaction before it ends it.
    static let idleInTransactionSeconds = 30

    /// A connection outside the pool, for a long-lived use (`LISTEN`); the caller closes it.
    func openDedicatedConnection() throws -> PostgresConnection { try connect() }

    private func connect() throws -> PostgresConnection {
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: tls)
        configuration.options.connectTimeout = .seconds(Int64(location.connectTimeout))
        configuration.options.additionalStartupParameters = [("application_name", location.applicationName)]
        // The connect timeout covers TCP only; the handshake (TLS, authentication) is bounded here, and a
        // connection that completes after the wait gave up is closed.
        let connection = try ServerAnswer.wait(
            for: PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration,
                id: nextID.add(1, ordering: .relaxed).newValue, logger: logger),
            on: nil, within: .seconds(location.connectTimeout) + statementDeadline, what: "connect",
            late: { $0.closeWithoutWaiting() })
        reachedOnce.store(true, ordering: .relaxed)
        let session = session(connection)
        if location.schema != "public" {
            try session.execute("SET search_path TO \"\(location.schema)\"")
        }
        // A machine cut off mid-transaction must not keep its row locks: the server ends a session left idle inside
        // a transaction after this long (claims skip locked pages, so held locks would hide them from every worker).
        try session.execute("SET idle_in_transaction_session_timeout = '\(Self.idleInTransactionSeconds)s'")
        return connection
    }
}

/// One open transaction (or plain session) on a connection: statements with `$1…` parameters, rows back, each
/// answer waited for at most `deadline` (``ServerAnswer``).
struct Transaction {
    let connection: PostgresConnection
    let logger: Logger
    let deadline: Duration

    /// The same session with another deadline.
    func allowing(_ deadline: Duration) -> Transaction {
        Transaction(connection: connection, logger: logger, deadline: deadline)
    }

    /// The answer to `query`, or ``ServerAnswer/Missing``.
    private func answer(_ query: PostgresQuery) throws -> PostgresQueryResult {
        try ServerAnswer.wait(
            for: connection.query(query, logger: logger), on: connection, within: deadline,
            what: String(query.sql.prefix(60)))
    }

    /// Runs a statement without parameters (DDL, `BEGIN`).
    func execute(_ sql: String) throws {
        _ = try answer(PostgresQuery(unsafeSQL: sql))
    }

    /// Runs a statement with its parameters bound (never spliced into the text), returning the rows.
    @discardableResult
    func query(_ sql: String, _ values: [SQLValue] = []) throws -> [Row] {
        var binds = PostgresBindings(capacity: values.count)
        for value in values { value.bind(into: &binds) }
        let result = try answer(PostgresQuery(unsafeSQL: sql, binds: binds))
        return result.rows.map { Row(cells: $0.makeRandomAccess()) }
    }

    /// Runs a statement, returning how many rows it changed.
    func update(_ sql: String, _ values: [SQLValue] = []) throws -> Int {
        var binds = PostgresBindings(capacity: values.count)
        for value in values { value.bind(into: &binds) }
        let result = try answer(PostgresQuery(unsafeSQL: sql, binds: binds))
        return result.metadata.rows ?? 0
    }
}

/// A parameter of a statement.
enum SQLValue: Sendable {
    case text(String?)
    case int(Int64?)
    case real(Double?)
    case texts([String])
    case ints([Int64])
    case bools([Bool])
    case bool(Bool)

    func bind(into binds: inout PostgresBindings) {
        switch self {
        case .text(let value): binds.append(value)
        case .int(let value): binds.append(value)
        case .real(let value): binds.append(value)
        case .texts(let value): binds.append(value)
        case .ints(let value): binds.append(value)
        case .bools(let value): binds.append(value)
        case .bool(let value): binds.append(value)
        }
    }
}

extension SQLValue {
    static func of(_ value: Int?) -> SQLValue { .int(value.map(Int64.init)) }
}

/// One result row, read by column name.
struct Row {
    let cells: PostgresRandomAccessRow

    /// The column's value decoded as `T` (an optional `T` reads NULL as nil).
    subscript<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) -> T {
        get throws { try cells[column].decode(T.self) }
    }

    func text(_ column: String) throws -> String { try cells[column].decode(String.self) }
    func optionalText(_ column: String) throws -> String? { try cells[column].decode(String?.self) }
    func int(_ column: String) throws -> Int { try cells[column].decode(Int.self) }
    func int64(_ column: String) throws -> Int64 { try cells[column].decode(Int64.self) }
    func optionalInt(_ column: String) throws -> Int? { try cells[column].decode(Int?.self) }
    func optionalReal(_ column: String) throws -> Double? { try cells[column].decode(Double?.self) }
}
