import BlockingWork
import Foundation
import Hummingbird
import HummingbirdAuth
import HTTPTypes

/// In front of every route: checks who is asking and sets the headers that keep the pages from being framed,
/// sniffed or made to run foreign script.
///
/// - With accounts, every request authenticates with HTTP Basic (a browser asks once per session); without a
///   valid account the answer is 401 with a `WWW-Authenticate` challenge.
/// - Without accounts (loopback only), the `Host` header must name this machine: a web page elsewhere cannot
///   reach the dashboard through DNS rebinding.
/// - Every response, errors included, carries a content security policy allowing script and style only under
///   this response's nonce, `frame-ancestors 'none'`, `X-Frame-Options: DENY`, `nosniff`, a referrer for
///   this site only (`same-origin`: with `no-referrer` a browser posts forms with `Origin: null`, and the mark
///   form's origin check could not pass), and
///   `Cache-Control: no-store` unless the route set its own.
struct SecurityMiddleware: RouterMiddleware {
    typealias Context = DashboardContext
    let users: DashboardUsers?
    let allowedHosts: Set<String>?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        context.nonce = Self.makeNonce()
        var response: Response
        do {
            try await admit(request, &context)
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        let nonce = context.nonce
        response.headers[.contentSecurityPolicy] =
            "default-src 'none'; script-src 'nonce-\(nonce)'; style-src 'nonce-\(nonce)'; img-src 'self'; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        response.headers[Self.frameOptions] = "DENY"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "same-origin"
        response.headers[Self.resourcePolicy] = "same-origin"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    private func admit(_ request: Request, _ context: inout Context) async throws {
        guard let users else {
            let host = Self.hostName(request.head.authority ?? "")
            guard let allowedHosts, allowedHosts.contains(host) else {
                throw HTTPError(.misdirectedRequest, message: "this dashboard answers only requests addressed to this machine")
            }
            context.user = .local
            return
        }
        if let basic = request.headers.basic {
            let user = await BlockingWork.run { users.authenticate(name: basic.username, password: basic.password) }
            if let user {
                context.user = user
                return
            }
        }
        throw HTTPError(
            .unauthorized, headers: [.wwwAuthenticate: "Basic realm=\"Quire\", charset=\"UTF-8\""],
            message: "sign in with a Quire dashboard account")
    }

    /// The host of a `Host` header or `:authority`, without the port (IPv6 keeps its brackets).
    static func hostName(_ authority: String) -> String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            return String(authority[...close])
        }
        return String(authority.split(separator: ":", maxSplits: 1).first ?? "").lowercased()
    }

    /// 16 random bytes, base64: a fresh nonce per response.
    static func makeNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
    }

    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let resourcePolicy = HTTPField.Name("Cross-Origin-Resource-Policy")!
}
