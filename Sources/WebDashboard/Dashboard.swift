import BlockingWork
import Foundation
public import Hummingbird
import HummingbirdAuth
import LedgerReports
import Quota
public import QuireCore
import QuotaSettings
import ServiceLifecycle
import Logging

/// The request context of the dashboard: who is asking, and the nonce of this response's script and style.
public struct DashboardContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated user (``DashboardUser/local`` when the dashboard runs without accounts).
    var user: DashboardUser?
    /// The nonce the content security policy allows this response's `<script>` and `<style>` under.
    var nonce = ""

    public init(source: Source) { coreContext = .init(source: source) }
}

/// `quire serve`: the dashboard, the JSON API, `/metrics` and the live updates over one ledger.
///
/// Routes (all `GET`): `/` the overview, `/batches/{id}` a batch, `/api/status`, `/api/quota`, `/api/overview`,
/// `/api/batches/{id}`, `/api/openapi.json`, `/metrics`, `/events` (server-sent events). Every response carries
/// the security headers (``SecurityMiddleware``); with accounts every request must authenticate.
public enum Dashboard {
    /// How often `/events` reads the ledger for changes.
    public static let liveInterval: Duration = .seconds(1)

    /// The router with every route; `users` nil serves without accounts (loopback only, as ``application`` checks).
    public static func router(
        source: DashboardSource, users: DashboardUsers?, allowedHosts: Set<String>?, liveInterval: Duration = liveInterval
    ) -> Router<DashboardContext> {
        let router = Router(context: DashboardContext.self)
        // Middleware first: it wraps only the routes added after it.
        router.add(middleware: SecurityMiddleware(users: users, allowedHosts: allowedHosts))

        let cache = SnapshotCache(source: source, maximumAge: liveInterval)
        router.get("/") { _, context -> Response in
            let snapshot = try await cache.current()
            return html(
                Pages.overview(
                    status: snapshot.status, quota: snapshot.quota, registerPath: source.registerPath, nonce: context.nonce))
        }
        router.get("/batches/:batch") { _, context -> Response in
            let id = try batchParameter(context)
            guard let detail = try await read({ try $0.batch(id) }, from: source) else {
                return html(
                    Pages.error(title: "没有这个批次 No such batch", message: "The ledger has no batch \(id).", nonce: context.nonce),
                    status: .notFound)
            }
            return html(Pages.batch(detail, nonce: context.nonce))
        }
        router.get("/api/status") { _, _ -> Response in json(try await cache.current().statusJSON) }
        router.get("/api/quota") { request, _ -> Response in
            // Another day than today is read for the asker; today's report is the snapshot's.
            guard let day = try asOf(request) else { return json(try await cache.current().quotaJSON) }
            return json(Data(try await read({ try $0.quota(asOf: day) }, from: source).jsonString().utf8))
        }
        router.get("/api/overview") { request, _ -> Response in
            guard let day = try asOf(request) else { return json(try await cache.current().overviewJSON) }
            let (status, quota) = try await read(
                { (try $0.status().jsonData(), Data(try $0.quota(asOf: day).jsonString().utf8)) }, from: source)
            return json(SnapshotCache.overview(status: status, quota: quota))
        }
        router.get("/api/batches/:batch") { _, context -> Response in
            let id = try batchParameter(context)
            guard let detail = try await read({ try $0.batch(id) }, from: source) else {
                throw HTTPError(.notFound, message: "no batch \(id) in the ledger")
            }
            return json((try? StatusReport.encoder.encode(detail)) ?? Data())
        }
        router.get("/api/openapi.json") { _, _ -> Response in json(Data(OpenAPIDocument.json.utf8)) }
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: try await cache.current().metrics)))
        }
        router.get("/favicon.ico") { _, _ -> Response in Response(status: .noContent) }
        router.get("/events") { request, _ -> Response in
            let limit = request.uri.queryParameters.get("events", as: Int.self).map { max(1, $0) }
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody { writer in
                    try await LiveUpdates.stream(cache: cache, interval: liveInterval, limit: limit, into: &writer)
                })
        }
        return router
    }

    /// The application on `address`; `onListening` gets the port once the socket is bound (the one the system
    /// chose for port 0).
    public static func application(
        source: DashboardSource, users: DashboardUsers?, address: ListenAddress,
        onListening: @escaping @Sendable (Int) -> Void
    ) throws(QuireError) -> some ApplicationProtocol {
        try checkExposure(users: users, address: address)
        let allowed: Set<String>? = users == nil ? ["127.0.0.1", "localhost", "[::1]", address.host] : nil
        return Application(
            router: router(source: source, users: users, allowedHosts: allowed),
            configuration: ApplicationConfiguration(
                address: .hostname(address.host, port: address.port), serverName: "quire"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? address.port) },
            logger: {
                var logger = Logger(label: "quire.serve")
                logger.logLevel = .warning
                return logger
            }())
    }

    /// Refuses to serve beyond loopback without accounts (a usage error naming the address and the fix).
    public static func checkExposure(users: DashboardUsers?, address: ListenAddress) throws(QuireError) {
        guard users != nil || address.isLoopback else {
            throw QuireError(
                .usage, stage: .serve,
                message: "--listen \(address) lets other machines connect, and the dashboard has no accounts",
                fix: "give --users FILE (NAME:ROLE:BCRYPT-HASH lines), or listen on 127.0.0.1")
        }
    }

    // MARK: - Helpers

    /// Runs a blocking read of the ledger on the blocking pool; a ledger failure is a 500 naming the ledger
    /// (passwords masked) and the cause.
    static func read<T: Sendable>(
        _ body: @escaping @Sendable (DashboardSource) throws -> T, from source: DashboardSource
    ) async throws -> T {
        let result = await BlockingWork.run { () -> Result<T, any Error> in Result { try body(source) } }
        switch result {
        case .success(let value): return value
        case .failure(let error): throw HTTPError(.internalServerError, message: "\(error)")
        }
    }

    static func batchParameter(_ context: DashboardContext) throws -> String {
        let raw = try context.parameters.require("batch")
        guard let id = raw.removingPercentEncoding, !id.isEmpty, id.utf8.count <= 512 else {
            throw HTTPError(.badRequest, message: "the batch in the path is not a batch name")
        }
        return id
    }

    static func asOf(_ request: Request) throws -> QuotaDay? {
        guard let text = request.uri.queryParameters.get("as_of") else { return nil }
        guard let day = QuotaDay(text) else { throw HTTPError(.badRequest, message: "as_of must be a date as YYYY-MM-DD") }
        return day
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    static func json(_ data: Data) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
