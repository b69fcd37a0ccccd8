public import QuireCore

/// Where `quire serve` listens: `HOST:PORT`, `[IPv6]:PORT` or a bare port on 127.0.0.1.
///
/// Only a loopback address may be served without accounts; ``isLoopback`` decides.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host or address to bind.
    public var host: String
    /// The TCP port (0: any free port, printed once listening).
    public var port: Int

    /// The default: loopback only, port 8080.
    public static let standard = ListenAddress(host: "127.0.0.1", port: 8080)

    /// Makes an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`, `[V6]:PORT` or `PORT`; a usage error names what is wrong.
    public init(parsing text: String) throws(QuireError) {
        func bad(_ why: String) -> QuireError {
            QuireError(
                .usage, stage: .serve, message: "--listen '\(text)': \(why)",
                fix: "give HOST:PORT, for example 127.0.0.1:8080 or [::1]:8080")
        }
        var host = "127.0.0.1"
        var portText = text
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw bad("an IPv6 address needs its closing ]") }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw bad("a port must follow the address") }
            portText = String(rest.dropFirst())
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = String(text[text.index(after: colon)...])
            if host.contains(":") { throw bad("write an IPv6 address in brackets") }
        }
        guard !host.isEmpty, host.utf8.count <= 253,
            host.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.isAlphabetic || "0123456789.-:".unicodeScalars.contains($0))
            })
        else { throw bad("'\(host)' is no host name or address") }
        guard let port = Int(portText), (0...65535).contains(port) else { throw bad("the port must be 0…65535") }
        self.init(host: host, port: port)
    }

    /// Whether only this machine can connect: 127.0.0.0/8, ::1 or `localhost`.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || (host.hasPrefix("127.") && host.split(separator: ".").count == 4)
    }

    /// `host:port`, IPv6 in brackets.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
