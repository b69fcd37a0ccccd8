import BlockingWork
import Foundation
public import Hummingbird
import HummingbirdAuth
import Ledger
import LedgerReports
import Quota
public import QuireCore
import QuotaSettings
import ServiceLifecycle
import Logging

/// The request context of the dashboard: who is asking, and the nonce of this response's script and style.
public struct DashboardContext: RequestContext {
    /// Hummingbird's own per-request state.
    public var coreContext: CoreRequestContextStorage
    /// The authenticated user (``DashboardUser/local`` when the dashboard runs without accounts).
    var user: DashboardUser?
    /// The nonce the content security policy allows this response's `<script>` and `<style>` under.
    var nonce = ""

    /// A context for a request from `source`, before anyone has signed in.
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
                    status: snapshot.status, quota: snapshot.quota, perHour: snapshot.perHour, registerPath: source.registerPath,
                    nonce: context.nonce))
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
        router.get("/batches/:batch/records/:code") { _, context -> Response in
            let id = try batchParameter(context)
            let code = try codeParameter(context)
            guard let detail = try await read({ try RecordDetail.read(batch: id, code: code, source: $0) }, from: source) else {
                return html(
                    Pages.error(
                        title: "没有这个案卷 No such record", message: "Batch \(id) has no record \(code).", nonce: context.nonce),
                    status: .notFound)
            }
            return html(RecordPages.record(detail, nonce: context.nonce))
        }
        router.get("/api/batches/:batch/records/:code") { _, context -> Response in
            let id = try batchParameter(context)
            let code = try codeParameter(context)
            guard let detail = try await read({ try RecordDetail.read(batch: id, code: code, source: $0) }, from: source) else {
                throw HTTPError(.notFound, message: "no record \(code) in batch \(id)")
            }
            return json(RecordPages.json(detail))
        }
        router.get("/verify") { _, context -> Response in
            let rows = try await read({ try RecordPages.verified(source: $0) }, from: source)
            return html(RecordPages.verify(rows, nonce: context.nonce))
        }
        let desk = VisualCheckDesk(source: source)
        router.get("/batches/:batch/check") { request, context -> Response in
            let id = try batchParameter(context)
            let seed = try seedParameter(request)
            guard let sample = try await read({ _ in try desk.sample(batch: id, seed: seed) }, from: source) else {
                return html(
                    Pages.error(title: "没有这个批次 No such batch", message: "The ledger has no batch \(id).", nonce: context.nonce),
                    status: .notFound)
            }
            return html(CheckPages.sample(sample, canMark: context.user?.role == .auditor, nonce: context.nonce))
        }
        router.get("/api/batches/:batch/check") { request, context -> Response in
            let id = try batchParameter(context)
            let seed = try seedParameter(request)
            guard let sample = try await read({ _ in try desk.sample(batch: id, seed: seed) }, from: source) else {
                throw HTTPError(.notFound, message: "no batch \(id) in the ledger")
            }
            return json((try? StatusReport.encoder.encode(sample)) ?? Data())
        }
        router.get("/batches/:batch/check/:code/:page") { request, context -> Response in
            let id = try batchParameter(context)
            let seed = try seedParameter(request)
            let key = try pageParameters(context)
            let found = try await read(
                { source -> (VisualCheckSample, [(name: String, value: String)])? in
                    guard let sample = try desk.sample(batch: id, seed: seed),
                        try source.ledger.pages(batch: id, code: key.code).contains(where: { $0.page == key.page })
                    else { return nil }
                    return (sample, RecordFiles.catalogFields(code: key.code, workspace: source.workspace))
                }, from: source)
            guard let (sample, catalog) = found else {
                return html(
                    Pages.error(
                        title: "没有这一页 No such page", message: "Batch \(id) has no page \(key.page) of \(key.code).",
                        nonce: context.nonce), status: .notFound)
            }
            return html(
                CheckPages.page(
                    sample, key: key, catalog: catalog, canMark: context.user?.role == .auditor,
                    user: context.user?.name ?? "", nonce: context.nonce))
        }
        router.post("/batches/:batch/check") { request, context -> Response in
            let id = try batchParameter(context)
            guard let user = context.user, user.role == .auditor else {
                throw HTTPError(.forbidden, message: "only an auditor account may record visual checks")
            }
            try requireSameOrigin(request)
            let form = try await MarkForm.read(request)
            let mark = try form.mark(batch: id, auditor: user.name)
            let next = try await read(
                { _ -> PageKey? in
                    try desk.record(mark)
                    return try desk.sample(batch: id, seed: form.seed)?.nextUnmarked(
                        after: PageKey(code: mark.code, page: mark.page))
                }, from: source)
            var response = Response(status: .seeOther)
            response.headers[.location] = CheckPages.link(id, next, seed: form.seed)
            return response
        }
        router.get("/pages/:batch/:code/:page/:file") { _, context -> Response in
            let id = try batchParameter(context)
            let key = try pageParameters(context)
            let output: WorkspaceLayout.PageOutput
            switch context.parameters.get("file") {
            case "access.jpg": output = .access
            case "thumb.jpg": output = .thumbnail
            default: throw HTTPError(.notFound)
            }
            let bytes = try await read(
                { source in try RecordFiles.image(output, batch: id, key: key, source: source) }, from: source)
            guard let bytes else { throw HTTPError(.notFound, message: "no such image") }
            return Response(
                status: .ok, headers: [.contentType: "image/jpeg", .cacheControl: "private, max-age=300"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
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
        case .failure(let error as QuireError) where error.kind == .usage:
            throw HTTPError(.badRequest, message: error.description)
        case .failure(let error as any HTTPResponseError): throw error
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

    static func seedParameter(_ request: Request) throws -> UInt64 {
        guard let text = request.uri.queryParameters.get("seed") else { return 1 }
        guard let seed = UInt64(text) else { throw HTTPError(.badRequest, message: "seed must be a whole number 0…2⁶⁴−1") }
        return seed
    }

    static func codeParameter(_ context: DashboardContext) throws -> String {
        guard let code = try context.parameters.require("code").removingPercentEncoding, !code.isEmpty, code.utf8.count <= 512
        else { throw HTTPError(.badRequest, message: "the path names no record") }
        return code
    }

    static func pageParameters(_ context: DashboardContext) throws -> PageKey {
        let code = try codeParameter(context)
        guard let page = Int(try context.parameters.require("page")), page >= 1 else {
            throw HTTPError(.badRequest, message: "the path names no page")
        }
        return PageKey(code: code, page: page)
    }

    /// A form post must come from a page of this dashboard: its `Origin` names this host (a page elsewhere cannot
    /// post marks with the auditor's remembered password).
    static func requireSameOrigin(_ request: Request) throws {
        let origin = request.headers[.origin] ?? ""
        let authority = request.head.authority ?? ""
        guard !authority.isEmpty, ["http://", "https://"].contains(where: { origin.lowercased() == $0 + authority.lowercased() })
        else {
            throw HTTPError(
                .forbidden,
                message: "a mark must be posted from this dashboard's own page (Origin '\(origin)', host '\(authority)')")
        }
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
