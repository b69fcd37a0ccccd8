import Foundation
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import Ledger
import LedgerReports
import Quota
import QuireCore
import QuireTestSupport
import Testing

@testable import WebDashboard

/// A workspace that `quire run` made from the samples, plus a file whose name is HTML (quarantined, so the batch
/// page shows its name): made once, read by every test.
enum SampleWorkspace {
    struct Made: Sendable {
        var workspace: String
        var register: String
    }

    static let made: Result<Made, any Error> = Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quire-dash-\(UUID().uuidString)").path
        let samples = Repository.root.appendingPathComponent("samples").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        _ = try Program.run("cp", ["-R", samples + "/delivery", dir + "/delivery"])
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: dir + "/delivery/" + hostileName))
        let run = try Program.run(
            Program.quire,
            [
                "run", dir + "/delivery", "--catalog", samples + "/catalog.csv", "--workspace", dir + "/ws", "--archive", "C01",
                "--quiet",
            ])
        guard run.status == 1 else { throw RunFailed(output: run.text + run.stderr) }
        return Made(workspace: dir + "/ws", register: samples + "/register.csv")
    }

    static let hostileName = "<script>alert(1)<\\script><img src=x onerror=alert(2)>.tif"

    struct RunFailed: Error { var output: String }

    static func source() throws -> DashboardSource {
        let made = try made.get()
        return DashboardSource(
            workspace: made.workspace, ledgerDescription: made.workspace + "/ledger.sqlite",
            ledger: try SQLiteLedger(readingOnly: made.workspace + "/ledger.sqlite"),
            register: try HoldingsRegister.read(contentsOf: URL(fileURLWithPath: made.register)), registerPath: made.register,
            rules: .default
        ) { () throws(QuireError) in try SQLiteLedger(path: made.workspace + "/ledger.sqlite") }
    }

    static func application(users: DashboardUsers? = nil, address: ListenAddress = .standard) throws
        -> some ApplicationProtocol
    {
        try Dashboard.application(source: try source(), users: users, address: address) { _ in }
    }

    /// What `quire ARGS --workspace W` prints.
    static func quire(_ arguments: [String]) throws -> String {
        let out = try Program.run(Program.quire, arguments + ["--workspace", try made.get().workspace])
        return out.text
    }
}

@Suite struct DashboardAPITests {
    @Test func statusIsWhatQuireStatusPrints() async throws {
        let expected = try SampleWorkspace.quire(["status", "--json"])
        try await SampleWorkspace.application().test(.router) { client in
            try await client.execute(uri: "/api/status", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                #expect(String(buffer: response.body) + "\n" == expected)
            }
        }
        #expect(expected.contains("\"verified\" : 3"), "\(expected)")
    }

    @Test func quotaIsWhatQuireQuotaPrints() async throws {
        let made = try SampleWorkspace.made.get()
        let expected = try SampleWorkspace.quire(["quota", "--register", made.register, "--as-of", "2026-12-31", "--json"])
        try await SampleWorkspace.application().test(.router) { client in
            try await client.execute(uri: "/api/quota?as_of=2026-12-31", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) + "\n" == expected)
            }
            try await client.execute(uri: "/api/quota?as_of=2026-13-01", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/overview?as_of=2026-12-31", method: .get) { response in
                let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(object?["status"] is [String: Any])
                let quota = try JSONSerialization.jsonObject(with: Data(expected.utf8)) as? NSDictionary
                #expect((object?["quota"] as? NSDictionary) == quota)
            }
        }
        // The batch counts toward C01: the three verified records are in its figures.
        #expect(expected.contains("\"C01\""))
    }

    @Test func aBatchListsItsQuarantineAndHeldRecords() async throws {
        try await SampleWorkspace.application().test(.router) { client in
            try await client.execute(uri: "/api/batches/delivery", method: .get) { response in
                #expect(response.status == .ok)
                let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let quarantined = object?["quarantined"] as? [[String: Any]] ?? []
                #expect(quarantined.contains { ($0["path"] as? String) == SampleWorkspace.hostileName })
                let records = object?["records"] as? [[String: Any]] ?? []
                #expect(records.count == 5)
                let held = records.filter { ($0["state"] as? String) == "held" }
                #expect(held.count == 2)
                #expect(held.allSatisfy { !(($0["problems"] as? [Any]) ?? []).isEmpty })
                // Its rate: the run's eleven pages, by the hour they were normalized in.
                let perHour = object?["pages_per_hour"] as? [[String: Any]] ?? []
                #expect(perHour.compactMap { $0["count"] as? Int }.reduce(0, +) == 11, "\(perHour)")
            }
            try await client.execute(uri: "/api/batches/no-such-batch", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func aRecordShowsItsPagesCatalogFixityAndEvents() async throws {
        let source = try SampleWorkspace.source()
        let records = try source.ledger.records(batch: "delivery")
        let verified = try #require(records.first { $0.state == .verified })
        let held = try #require(records.first { $0.state == .held })
        let pages = try source.ledger.pages(batch: "delivery", code: verified.code)
        try await SampleWorkspace.application().test(.router) { client in
            let path =
                "/batches/delivery/records/" + (verified.code.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            try await client.execute(uri: "/api" + path, method: .get) { response in
                #expect(response.status == .ok)
                let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any] ?? [:]
                #expect((object["pages"] as? [Any])?.count == pages.count)
                let fixity = object["fixity"] as? [[String: Any]] ?? []
                // Every page's source, master, access copy and thumbnail.
                #expect(fixity.count == pages.count * 4, "\(fixity.map { $0["path"] ?? "" })")
                #expect(Set(fixity.compactMap { $0["role"] as? String }) == ["source", "master", "access", "thumbnail"])
                let catalog = object["catalog"] as? [[String: String]] ?? []
                #expect(catalog.contains { $0["name"] == "档号" && $0["value"] == verified.code })
                let actions = (object["events"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
                #expect(actions.contains("record.verified"), "\(actions)")
            }
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.components(separatedBy: "/thumb.jpg\"").count - 1 == pages.count)
                #expect(html.contains("data-record-state>verified<"))
            }
            let heldPath =
                "/batches/delivery/records/" + (held.code.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            try await client.execute(uri: heldPath, method: .get) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                for problem in held.problems { #expect(html.contains(problem.rule.rawValue)) }
            }
            try await client.execute(uri: "/batches/delivery/records/0000-000-0000", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func theVerifyResultsListEveryVerifiedBagWithItsFourProperties() async throws {
        let verified = try SampleWorkspace.source().ledger.records(batch: "delivery").filter { $0.state == .verified }
        try await SampleWorkspace.application().test(.router) { client in
            try await client.execute(uri: "/verify", method: .get) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.components(separatedBy: "data-bag-valid=\"true\"").count - 1 == verified.count)
                for property in ["真实性", "完整性", "可用性", "安全性"] { #expect(html.contains(property)) }
                #expect(html.components(separatedBy: "<td class=\"ok\">✓</td>").count - 1 == verified.count * 4)
            }
        }
    }

    @Test func theOverviewCountsPagesPerHour() async throws {
        let normalized = try SampleWorkspace.source().ledger.events(batch: "delivery").filter { $0.action == "page.normalized" }
        #expect(normalized.count == 11)
        try await SampleWorkspace.application().test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("data-field=\"throughput.total\">\(normalized.count)<"), "\(html)")
                // One bar an hour for three days; this hour's bar holds the run's pages (or the last hour's, at a turn).
                #expect(html.components(separatedBy: "data-hour=").count - 1 == 72)
                let hours = Set(normalized.map { String($0.at.prefix(13)) })
                for hour in hours {
                    let count = normalized.filter { $0.at.hasPrefix(hour) }.count
                    #expect(html.contains("data-hour=\"\(hour)\" data-pages=\"\(count)\""), "\(hour)")
                }
            }
        }
    }

    @Test func theOpenAPIDocumentDescribesEveryAPIRoute() async throws {
        try await SampleWorkspace.application().test(.router) { client in
            try await client.execute(uri: "/api/openapi.json", method: .get) { response in
                let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let paths = (object?["paths"] as? [String: Any])?.keys.sorted() ?? []
                #expect(
                    paths == [
                        "/api/batches/{batch}", "/api/batches/{batch}/check", "/api/batches/{batch}/records/{code}",
                        "/api/overview", "/api/quota", "/api/status",
                    ])
                #expect(object?["openapi"] as? String == "3.1.0")
            }
        }
    }

    @Test func metricsAreTheStatusAndQuotaFigures() async throws {
        let status = try SampleWorkspace.source().status()
        let quota = try SampleWorkspace.source().quota()
        try await SampleWorkspace.application().test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                for b in status.batches {
                    for (state, count) in b.counts.pagesByState {
                        #expect(
                            text.contains("quire_pages{batch=\"\(b.batch)\",state=\"\(state.rawValue)\"} \(Double(count))"),
                            "\(text)")
                    }
                    #expect(text.contains("quire_quarantined_files{batch=\"\(b.batch)\",reason=\""), "\(text)")
                }
                for archive in quota.archives {
                    if let percent = archive.percent {
                        #expect(text.contains("quire_quota_percent{archive=\"\(archive.id)\"} \(percent)"), "\(text)")
                    }
                }
                #expect(text.contains("# TYPE quire_queue_depth gauge"))
            }
        }
    }

    @Test func theEventStreamStartsWithEveryLiveFigure() async throws {
        let status = try SampleWorkspace.source().status()
        try await SampleWorkspace.application().test(.router) { client in
            try await client.execute(uri: "/events?events=1", method: .get) { response in
                #expect(response.headers[.contentType] == "text/event-stream; charset=utf-8")
                let text = String(buffer: response.body)
                #expect(text.hasPrefix("retry: 3000\n\nid: 1\nevent: status\ndata: {"), "\(text)")
                let line = text.split(separator: "\n").first { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) } ?? ""
                let figures = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String] ?? [:]
                let b = try #require(status.batches.first)
                #expect(figures["b/\(b.batch)/pages"] == "\(b.counts.pages)")
                #expect(figures["b/\(b.batch)/r/verified"] == "\(b.counts.recordsByState[.verified] ?? 0)")
                #expect(figures["batches"] == "\(status.batches.count)")
            }
        }
    }

    @Test func anEventIsTheServerSentEventsFormat() {
        let text = LiveUpdates.event(name: "status", id: 7, json: ["b/x/pages": "3", "a\nb": "</script>"])
        #expect(text == "id: 7\nevent: status\ndata: {\"a\\nb\":\"</script>\",\"b/x/pages\":\"3\"}\n\n")
    }
}

@Suite struct DashboardSecurityTests {
    static func nonce(ofPolicy policy: String) -> String? {
        guard let range = policy.range(of: "script-src 'nonce-") else { return nil }
        return String(policy[range.upperBound...].prefix { $0 != "'" })
    }

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        try await SampleWorkspace.application().test(.router) { client in
            var nonces: Set<String> = []
            for (uri, status) in [
                ("/", HTTPResponse.Status.ok), ("/batches/delivery", .ok), ("/api/status", .ok), ("/metrics", .ok),
                ("/batches/none", .notFound), ("/no/such/route", .notFound), ("/api/quota?as_of=x", .badRequest),
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == status, "\(uri)")
                    let policy = response.headers[.contentSecurityPolicy] ?? ""
                    #expect(policy.contains("default-src 'none'"), "\(uri)")
                    #expect(policy.contains("frame-ancestors 'none'"), "\(uri)")
                    #expect(!policy.contains("unsafe-inline"), "\(uri)")
                    #expect(response.headers[.init("X-Frame-Options")!] == "DENY", "\(uri)")
                    #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(uri)")
                    #expect(response.headers[.init("Referrer-Policy")!] == "same-origin", "\(uri)")
                    #expect(response.headers[.cacheControl] == "no-store", "\(uri)")
                    let nonce = try #require(Self.nonce(ofPolicy: policy), "\(uri)")
                    nonces.insert(nonce)
                    if response.headers[.contentType]?.hasPrefix("text/html") == true {
                        // The page's script and style run under this response's nonce, and nothing else is inline.
                        let html = String(buffer: response.body)
                        #expect(html.contains("<style nonce=\"\(nonce)\">"), "\(uri)")
                        #expect(!html.contains(" style=\""), "\(uri)")
                        #expect(!html.contains(" onclick=") && !html.contains(" onload="), "\(uri)")
                        let scripts = html.components(separatedBy: "<script").count - 1
                        let nonced = html.components(separatedBy: "<script nonce=\"\(nonce)\">").count - 1
                        #expect(scripts == nonced, "\(uri)")
                    }
                }
            }
            #expect(nonces.count == 7, "a fresh nonce per response")
        }
    }

    @Test func namesFromTheDeliveryAreEscaped() async throws {
        try await SampleWorkspace.application().test(.router) { client in
            try await client.execute(uri: "/batches/delivery", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("&lt;script&gt;alert(1)&lt;\\script&gt;&lt;img src=x onerror=alert(2)&gt;.tif"), "\(html)")
                #expect(!html.contains("<script>alert"))
                #expect(!html.contains("<img src=x"))
            }
        }
    }

    @Test func aPathThatIsNoBatchIsRefusedNotOpened() async throws {
        try await SampleWorkspace.application().test(.router) { client in
            for uri in ["/batches/..%2F..%2Fetc%2Fpasswd", "/batches/%2Fetc%2Fpasswd", "/api/batches/..%2Fledger.sqlite"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    #expect(!String(buffer: response.body).contains("root:"), "\(uri)")
                }
            }
            // Names that are no names: not UTF-8 (a lone byte, an overlong "/"), longer than any batch or 档号 may be,
            // a page number that is negative, zero or beyond Int: 400, nothing looked up.
            let long = String(repeating: "a", count: 600)
            for uri in [
                "/batches/%FF%FE", "/api/batches/%C0%AF", "/batches/\(long)", "/batches/delivery/records/%FF",
                "/batches/delivery/records/\(long)", "/pages/delivery/0026-003-0045/-1/access.jpg",
                "/pages/delivery/0026-003-0045/0/thumb.jpg", "/pages/delivery/0026-003-0045/99999999999999999999999/access.jpg",
                "/batches/delivery/check/%FF/1", "/api/batches/delivery/check?seed=-1",
                "/api/batches/delivery/check?seed=99999999999999999999999",
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                }
            }
        }
    }

    static let password = "correct horse battery staple"

    static func users() throws -> DashboardUsers {
        let viewer = Bcrypt.hash(password, cost: 4)
        // An `htpasswd -B` hash says $2y$: read as $2b$.
        let auditor = "$2y$" + Bcrypt.hash(password + "!", cost: 4).dropFirst(4)
        return try DashboardUsers(parsing: "# accounts\nwang:viewer:\(viewer)\n\nli:auditor:\(auditor)\n", file: "users.txt")
    }

    static func basic(_ user: String, _ password: String) -> HTTPFields {
        [.authorization: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()]
    }

    @Test func withAccountsEveryRequestSignsIn() async throws {
        let users = try Self.users()
        #expect(users.names == ["li", "wang"])
        try await SampleWorkspace.application(users: users, address: ListenAddress(host: "0.0.0.0", port: 0)).test(.router) {
            client in
            for headers in [HTTPFields(), Self.basic("wang", "wrong"), Self.basic("nobody", Self.password)] {
                try await client.execute(uri: "/api/status", method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate] == "Basic realm=\"Quire\", charset=\"UTF-8\"")
                    #expect(response.headers[.contentSecurityPolicy] != nil)
                    #expect(!String(buffer: response.body).contains("batches"))
                }
            }
            try await client.execute(uri: "/", method: .get, headers: Self.basic("wang", Self.password)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/status", method: .get, headers: Self.basic("li", Self.password + "!")) {
                response in
                #expect(response.status == .ok)
            }
        }
        #expect(users.authenticate(name: "wang", password: Self.password) == DashboardUser(name: "wang", role: .viewer))
        #expect(users.authenticate(name: "li", password: Self.password + "!")?.role == .auditor)
        #expect(users.authenticate(name: "li", password: Self.password) == nil)
    }

    @Test func beyondLoopbackAccountsAreRequired() throws {
        #expect(throws: QuireError.self) {
            _ = try SampleWorkspace.application(users: nil, address: ListenAddress(host: "0.0.0.0", port: 8080))
        }
        _ = try SampleWorkspace.application(users: nil, address: ListenAddress(host: "127.0.0.1", port: 8080))
        _ = try SampleWorkspace.application(users: nil, address: ListenAddress(host: "::1", port: 8080))
    }

    @Test(arguments: [
        ("wang:viewer", "users.txt:1:", "expected NAME:ROLE:HASH"),
        ("wang:admin:$2b$04$abcdefghijklmnopqrstuu5Gq6Vv0kJZnXbD2rk7a3UeY1sYp8gGm", "users.txt:1:", "unknown role 'admin'"),
        ("wang:viewer:secret", "users.txt:1:", "not a bcrypt hash"),
        ("# c\nwa ng:viewer:x", "users.txt:2:", "the name must be"),
        ("", "users.txt", "no accounts"),
    ])
    func aBadUsersFileNamesTheLine(_ text: String, _ place: String, _ reason: String) {
        do {
            _ = try DashboardUsers(parsing: text, file: "users.txt")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.contains(place), "\(error)")
            #expect(error.description.contains(reason), "\(error)")
        }
    }

    @Test func aUsersFileThatIsNotUTF8IsRefusedNamingIt() throws {
        let scratch = try ScratchFolder("users")
        let path = scratch.path + "/users.txt"
        try Data([0x77, 0x61, 0x6E, 0x67, 0x3A, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: path))
        let refused = try #require(throws: QuireError.self) { try DashboardUsers(contentsOf: path) }
        #expect(refused.kind == .usage)
        #expect(refused.description.contains(path), "\(refused)")
        #expect(throws: QuireError.self) { try DashboardUsers(contentsOf: scratch.path + "/missing.txt") }
    }

    @Test func aListenAddressParses() throws {
        #expect(try ListenAddress(parsing: "127.0.0.1:8080") == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(try ListenAddress(parsing: "[::1]:0") == ListenAddress(host: "::1", port: 0))
        #expect(try ListenAddress(parsing: "9000") == ListenAddress(host: "127.0.0.1", port: 9000))
        #expect(try ListenAddress(parsing: "localhost:1").isLoopback)
        #expect(try !ListenAddress(parsing: "0.0.0.0:80").isLoopback)
        #expect(try !ListenAddress(parsing: "127.evil.example:80").isLoopback)
        for bad in [
            "127.0.0.1:99999", "host:", ":80", "::1:80", "[::1", "a b:80", "127.0.0.1:-1",
            String(repeating: "a", count: 300) + ":80",
            "localhost:99999999999999999999999", "ｌｏｃａｌｈｏｓｔ:80",
        ] {
            #expect(throws: QuireError.self, "\(bad)") { try ListenAddress(parsing: bad) }
        }
    }
}
