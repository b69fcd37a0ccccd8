import Foundation
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import Ledger
import QuireCore
import QuireTestSupport
import Testing

@testable import WebDashboard

/// The auditor's visual check through the dashboard: a seeded sample, marks recorded by auditors only, a failed
/// page holding its record for `quire status` and `quire quota`, images served by page id from inside the
/// workspace only. Each test works on its own copy of the sample workspace (marks write to the ledger).
@Suite struct VisualCheckTests {
    /// A copy of the sample workspace, with its ledger, for one test.
    static func copy() throws -> (workspace: String, register: String, source: DashboardSource) {
        let made = try SampleWorkspace.made.get()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("quire-check-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        _ = try Program.run("cp", ["-R", made.workspace, dir + "/ws"])
        let workspace = dir + "/ws"
        let source = DashboardSource(
            workspace: workspace, ledgerDescription: workspace + "/ledger.sqlite",
            ledger: try SQLiteLedger(readingOnly: workspace + "/ledger.sqlite"),
            register: try SampleWorkspace.source().register, registerPath: made.register, rules: .default
        ) { () throws(QuireError) in try SQLiteLedger(path: workspace + "/ledger.sqlite") }
        return (workspace, made.register, source)
    }

    static func application(_ source: DashboardSource, users: DashboardUsers? = nil) throws -> some ApplicationProtocol {
        try Dashboard.application(source: source, users: users, address: .standard) { _ in }
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any] ?? [:]
    }

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        var components = URLComponents()
        components.queryItems = fields.map { URLQueryItem(name: $0.0, value: $0.1) }
        return ByteBuffer(string: components.percentEncodedQuery ?? "")
    }

    static let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .origin: "http://localhost"]

    @Test func theSampleIsSeededAndAtLeastFivePercent() async throws {
        let (_, _, source) = try Self.copy()
        let pages = try source.ledger.pages(batch: "delivery").map { "\($0.code)/\($0.page)" }
        try await Self.application(source).test(.router) { client in
            var draws: [UInt64: [String]] = [:]
            for seed: UInt64 in [1, 2, 3, 1] {
                try await client.execute(uri: "/api/batches/delivery/check?seed=\(seed)", method: .get) { response in
                    #expect(response.status == .ok)
                    let object = try Self.json(response)
                    #expect(object["population"] as? Int == pages.count)
                    let drawn = (object["drawn"] as? [[String: Any]] ?? []).map { "\($0["code"]!)/\($0["page"]!)" }
                    #expect(drawn.count == max(1, Int((Double(pages.count) * 0.05).rounded(.up))))
                    #expect(drawn.allSatisfy(pages.contains))
                    if let earlier = draws[seed] { #expect(earlier == drawn, "the same seed draws the same pages") }
                    draws[seed] = drawn
                }
            }
            try await client.execute(uri: "/api/batches/delivery/check?seed=x", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/batches/delivery/check?seed=2", method: .get) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("quire verify --sample 5 --seed 2"))
                #expect(html.contains("/check/"))
            }
        }
    }

    @Test func auditorsMarkViewersLookAndAFailHoldsTheRecord() async throws {
        let (workspace, register, source) = try Self.copy()
        let users = try DashboardSecurityTests.users()  // wang: viewer, li: auditor (password + "!")
        let viewer = DashboardSecurityTests.basic("wang", DashboardSecurityTests.password)
        let auditor = DashboardSecurityTests.basic("li", DashboardSecurityTests.password + "!")
        let verified = try source.ledger.records(batch: "delivery").filter { $0.state == .verified }.map(\.code).sorted()
        let target = try #require(verified.first)
        let quotaBefore = try Program.run(
            Program.quire, ["quota", "--register", register, "--as-of", "2099-01-01", "--json", "--workspace", workspace]
        ).text
        try await Self.application(source, users: users).test(.router) { client in
            let mark: [(String, String)] = [
                ("code", target), ("page", "1"), ("seed", "1"), ("verdict", "pass"), ("reason", "skew"),
            ]
            // A viewer may look but not mark; an auditor's post from elsewhere (no Origin, a foreign one) is refused.
            try await client.execute(uri: "/batches/delivery/check/\(target)/1", method: .get, headers: viewer) { response in
                #expect(response.status == .ok)
                #expect(!String(buffer: response.body).contains("method=\"post\""))
            }
            try await client.execute(
                uri: "/batches/delivery/check", method: .post, headers: viewer.merging(Self.formHeaders), body: Self.form(mark)
            ) { response in #expect(response.status == .forbidden) }
            var foreign = auditor.merging([.contentType: "application/x-www-form-urlencoded"])
            try await client.execute(uri: "/batches/delivery/check", method: .post, headers: foreign, body: Self.form(mark)) {
                response in #expect(response.status == .forbidden)
            }
            foreign[.origin] = "http://evil.example"
            try await client.execute(uri: "/batches/delivery/check", method: .post, headers: foreign, body: Self.form(mark)) {
                response in #expect(response.status == .forbidden)
            }
            // The auditor's page has the form; a pass is recorded and counted.
            try await client.execute(uri: "/batches/delivery/check/\(target)/1", method: .get, headers: auditor) { response in
                #expect(String(buffer: response.body).contains("method=\"post\""))
            }
            try await client.execute(
                uri: "/batches/delivery/check", method: .post, headers: auditor.merging(Self.formHeaders), body: Self.form(mark)
            ) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location]?.hasPrefix("/batches/delivery/check") == true)
            }
            // A fail without a reason is refused; with one, recorded, escaped where shown.
            let failNoReason = [("code", target), ("page", "1"), ("seed", "1"), ("verdict", "fail")]
            try await client.execute(
                uri: "/batches/delivery/check", method: .post, headers: auditor.merging(Self.formHeaders),
                body: Self.form(failNoReason)
            ) { response in #expect(response.status == .badRequest) }
            let fail = failNoReason + [("reason", "blur"), ("note", "<script>alert(3)</script>")]
            try await client.execute(
                uri: "/batches/delivery/check", method: .post, headers: auditor.merging(Self.formHeaders), body: Self.form(fail)
            ) { response in #expect(response.status == .seeOther) }
            // Hostile forms: each refused 400 and nothing recorded (the ledger is checked below: two marks).
            for hostile in [
                [("code", target), ("page", "-3"), ("seed", "1"), ("verdict", "pass")],
                [("code", target), ("page", "99999999999999999999999"), ("seed", "1"), ("verdict", "pass")],
                [("code", target), ("page", "1"), ("seed", "-1"), ("verdict", "pass")],
                [("code", target), ("page", "1"), ("seed", "1"), ("verdict", "maybe")],
                [("code", target), ("page", "1"), ("seed", "1"), ("verdict", "fail"), ("reason", "<script>")],
                [
                    ("code", target), ("page", "1"), ("seed", "1"), ("verdict", "pass"),
                    ("note", String(repeating: "x", count: 2001)),
                ],
                [("code", ""), ("page", "1"), ("seed", "1"), ("verdict", "pass")],
            ] {
                try await client.execute(
                    uri: "/batches/delivery/check", method: .post, headers: auditor.merging(Self.formHeaders),
                    body: Self.form(hostile)
                ) { response in #expect(response.status == .badRequest, "\(hostile.map(\.1).joined(separator: " ").prefix(80))") }
            }
            // A body beyond 16 KiB is not read.
            try await client.execute(
                uri: "/batches/delivery/check", method: .post, headers: auditor.merging(Self.formHeaders),
                body: Self.form(mark + [("note", String(repeating: "x", count: 20_000))])
            ) { response in #expect(response.status == .contentTooLarge) }
            // A page the batch does not have.
            let missing = [("code", target), ("page", "999"), ("seed", "1"), ("verdict", "pass")]
            try await client.execute(
                uri: "/batches/delivery/check", method: .post, headers: auditor.merging(Self.formHeaders),
                body: Self.form(missing)
            ) { response in #expect(response.status == .badRequest) }
            try await client.execute(uri: "/batches/delivery", method: .get, headers: auditor) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("visual_check_failed"))
                #expect(html.contains("&lt;script&gt;alert(3)&lt;/script&gt;"))
                #expect(!html.contains("<script>alert(3)"))
            }
        }
        // The ledger holds both marks, the later one counting; the record is held for status and quota.
        let marks = try source.ledger.visualChecks(batch: "delivery")
        #expect(marks.map(\.verdict) == [.pass, .fail])
        #expect(marks.map(\.auditor) == ["li", "li"])
        #expect(marks[0].reason == nil, "a pass keeps no reason")
        let status = try Program.run(Program.quire, ["status", "--json", "--workspace", workspace]).text
        #expect(status.contains("\"held\" : 3"), "\(status)")
        #expect(status.contains("\"verified\" : \(verified.count - 1)"), "\(status)")
        let quotaAfter = try Program.run(
            Program.quire, ["quota", "--register", register, "--as-of", "2099-01-01", "--json", "--workspace", workspace]
        ).text
        #expect(quotaAfter != quotaBefore, "the held record no longer counts toward the quota")
        // Binding again keeps the record held: the failed page's latest mark is a fail.
        let rebind = try Program.run(
            Program.quire,
            [
                "bind", "--catalog", Repository.root.appendingPathComponent("samples/catalog.csv").path, "--batch", "delivery",
                "--workspace", workspace,
            ])
        let records = try SQLiteLedger(readingOnly: workspace + "/ledger.sqlite").records(batch: "delivery")
        #expect(records.first { $0.code == target }?.state == .held, "\(rebind.text)\(rebind.stderr)")
    }

    @Test func imagesAreServedByPageIdFromInsideTheWorkspaceOnly() async throws {
        let (workspace, _, source) = try Self.copy()
        let page = try #require(try source.ledger.pages(batch: "delivery").first { $0.state != .decoded })
        let layout = WorkspaceLayout(root: workspace)
        try await Self.application(source).test(.router) { client in
            for file in ["access.jpg", "thumb.jpg"] {
                try await client.execute(uri: "/pages/delivery/\(page.code)/\(page.page)/\(file)", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "image/jpeg")
                    #expect(Array(Data(buffer: response.body).prefix(3)) == [0xFF, 0xD8, 0xFF])
                }
            }
            for uri in [
                "/pages/delivery/\(page.code)/999/access.jpg", "/pages/delivery/\(page.code)/\(page.page)/master.tif",
                "/pages/delivery/..%2F..%2Fetc/1/access.jpg", "/pages/nope/\(page.code)/1/access.jpg",
                "/pages/delivery/\(page.code)/\(page.page)/..%2F..%2Fledger.sqlite",
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound || response.status == .badRequest, "\(uri)")
                    #expect(response.headers[.contentType] != "image/jpeg", "\(uri)")
                }
            }
            // An access copy swapped for a link out of the workspace is refused, its target never read.
            let access = layout.absolute(layout.relativePath(of: .access, code: page.code, page: page.page))
            try FileManager.default.removeItem(atPath: access)
            try FileManager.default.createSymbolicLink(atPath: access, withDestinationPath: "/etc/passwd")
            try await client.execute(uri: "/pages/delivery/\(page.code)/\(page.page)/access.jpg", method: .get) { response in
                #expect(response.status == .forbidden)
                #expect(!String(buffer: response.body).contains("root:"))
            }
        }
    }
}

extension HTTPFields {
    fileprivate func merging(_ other: HTTPFields) -> HTTPFields {
        var merged = self
        for field in other { merged[field.name] = field.value }
        return merged
    }
}
