import Foundation
public import QuireCore

/// Where a PostgreSQL ledger is: parsed from a `postgres://user:password@host:port/database?sslmode=…&schema=…`
/// URL, every part checked, the password never shown (``redacted`` is what messages print).
///
/// Accepted query parameters: `sslmode` (`disable`, `prefer`, `require`, `verify-full`; default `prefer` as libpq's),
/// `sslrootcert` (with `verify-full`: a PEM file of the certificate authorities to trust instead of the system's,
/// for a server whose certificate an archive's own CA signed), `schema` (the ledger's tables live in this schema,
/// created when missing; default `public`), `connect_timeout` (seconds, 1–300; default 10) and `application_name`.
/// Anything else is refused, so a misspelled `sslmode` never silently turns TLS off.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    /// TLS to the server, as libpq's `sslmode` names it.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without checking its certificate.
        case prefer
        /// TLS or no connection; the certificate is not checked (libpq's meaning).
        case require
        /// TLS or no connection; the certificate must chain to a trusted root and name the host.
        case verifyFull = "verify-full"
    }

    /// The server's host name or address.
    public var host: String
    /// The server's TCP port.
    public var port: Int
    /// The role to log in as.
    public var user: String
    /// The role's password, when the URL gives one (never printed).
    public var password: String?
    /// The database.
    public var database: String
    /// The schema holding the ledger's tables.
    public var schema: String
    /// TLS to the server.
    public var tls: TLSMode
    /// With `verify-full`, the PEM file of the authorities to trust (nil: the system's).
    public var rootCertificates: String?
    /// Seconds to wait for a connection.
    public var connectTimeout: Int
    /// The name the server shows for Quire's sessions (`pg_stat_activity`).
    public var applicationName: String

    /// Whether `text` names a PostgreSQL ledger (rather than an SQLite file).
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses and checks a ledger URL; the error names the part that is wrong, never the password.
    public init(url text: String) throws(QuireError) {
        func refuse(_ why: String, fix: String? = nil) -> QuireError {
            QuireError(
                .usage, stage: .ledger, file: Self.redact(text), message: "invalid ledger URL: \(why)",
                fix: fix ?? "write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=require")
        }
        guard Self.isPostgresURL(text) else { throw refuse("it must start with postgres://") }
        guard text.utf8.count <= 4096, !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
            throw refuse("too long or holds control characters")
        }
        guard let components = URLComponents(string: text) else { throw refuse("not a URL") }
        guard let host = components.host, !host.isEmpty else { throw refuse("no host") }
        guard let user = components.user, !user.isEmpty else { throw refuse("no user") }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.isEmpty, !path.contains("/") else { throw refuse("no database (the path after the port)") }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw refuse("port \(port) out of range") }
        self.host = host
        self.port = port
        self.user = user
        self.password = components.password
        self.database = path
        self.schema = "public"
        self.tls = .prefer
        self.rootCertificates = nil
        self.connectTimeout = 10
        self.applicationName = "quire"
        var seen: Set<String> = []
        for item in components.queryItems ?? [] {
            guard seen.insert(item.name).inserted else { throw refuse("parameter '\(item.name)' given twice") }
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    throw refuse(
                        "sslmode '\(value)' is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tls = mode
            case "sslrootcert":
                guard !value.isEmpty, value.utf8.count <= 1024 else {
                    throw refuse("sslrootcert must name a PEM file (1-1024 bytes of path)")
                }
                rootCertificates = value
            case "schema":
                guard Self.isPlainIdentifier(value) else {
                    throw refuse("schema '\(value)' must be 1-63 of a-z, 0-9 and _, starting with a letter or _")
                }
                schema = value
            case "connect_timeout":
                guard let seconds = Int(value), (1...300).contains(seconds) else {
                    throw refuse("connect_timeout '\(value)' must be whole seconds from 1 to 300")
                }
                connectTimeout = seconds
            case "application_name":
                guard (1...63).contains(value.utf8.count), value.allSatisfy({ $0.isASCII && !$0.isWhitespace || $0 == " " })
                else {
                    throw refuse("application_name must be 1-63 printable ASCII characters")
                }
                applicationName = value
            default:
                throw refuse(
                    "unknown parameter '\(item.name)'",
                    fix: "use sslmode, sslrootcert, schema, connect_timeout or application_name")
            }
        }
        if rootCertificates != nil && tls != .verifyFull {
            // libpq would quietly verify the chain but not the name (verify-ca); say what is meant instead.
            throw refuse(
                "sslrootcert is only used with sslmode=verify-full", fix: "add sslmode=verify-full, or drop sslrootcert")
        }
    }

    /// The URL with the password replaced by `***`: what every message and log line shows.
    public var redacted: String {
        var text = "postgres://\(user)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
        var parameters: [String] = []
        if tls != .prefer { parameters.append("sslmode=\(tls.rawValue)") }
        if let rootCertificates { parameters.append("sslrootcert=\(rootCertificates)") }
        if schema != "public" { parameters.append("schema=\(schema)") }
        if !parameters.isEmpty { text += "?" + parameters.joined(separator: "&") }
        return text
    }

    /// ``redacted``.
    public var description: String { redacted }

    /// Any text with the password of a `scheme://user:password@` prefix replaced by `***` (for text that failed
    /// to parse, so it cannot be trusted to be a URL).
    public static func redact(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        let rest = text[scheme.upperBound...]
        guard let at = rest.lastIndex(of: "@") else { return text }
        let credentials = rest[..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<scheme.upperBound]) + credentials[..<colon] + ":***" + rest[at...]
    }

    /// A schema name safe to write into SQL as a quoted identifier: ASCII letters, digits, `_`.
    static func isPlainIdentifier(_ name: String) -> Bool {
        guard (1...63).contains(name.utf8.count), let first = name.unicodeScalars.first else { return false }
        let letters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz_")
        let rest = letters.union(CharacterSet(charactersIn: "0123456789"))
        return letters.contains(first) && name.unicodeScalars.allSatisfy { rest.contains($0) }
    }
}
