import Foundation
import QuireTestSupport
import Testing

/// `quire serve` as a user meets it: the process on a free port, pages read by headless Chromium (through
/// `scripts/browser.py`, the DevTools protocol), figures compared with the JSON API and the commands.
@Suite struct ServeCLITests {
    typealias CLI = QuireCLITests
    typealias Child = SharedLedgerCLITests.Child

    /// A running `quire serve` and its address.
    final class Server {
        let child: Child
        let base: String

        init(workspace: String, extra: [String] = [], environment: [String: String] = [:]) throws {
            let child = try Child(
                [
                    "serve", "--workspace", workspace, "--register", CLI.repo.path + "/samples/register.csv", "--listen",
                    "127.0.0.1:0",
                ] + extra, environment: environment)
            var found: String?
            _ = SharedLedgerCLITests.waitUntil(60) {
                let text = (try? String(contentsOf: child.output, encoding: .utf8)) ?? ""
                if let range = text.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                    found = String(text[range])
                }
                return found != nil || !child.process.isRunning
            }
            guard let found else {
                let output = child.stop(SIGTERM)
                throw ServeFailed(output: output)
            }
            self.child = child
            base = found
        }

        /// Stops the server with SIGTERM, as a service manager would; what it printed.
        func stop() -> (output: String, status: Int32) {
            let output = child.stop(SIGTERM)
            return (output, child.process.terminationStatus)
        }
    }

    struct ServeFailed: Error { var output: String }

    /// What `url` answers, through Python's HTTP client (any `Host` header, for the rebinding check).
    static func fetch(_ url: String, host: String? = nil) throws -> (status: Int, body: String) {
        let script = """
            import sys, urllib.request, urllib.error
            request = urllib.request.Request(sys.argv[1])
            if len(sys.argv) > 2: request.add_header("Host", sys.argv[2])
            try:
                response = urllib.request.urlopen(request, timeout=30)
                status, body = response.status, response.read()
            except urllib.error.HTTPError as e:
                status, body = e.code, e.read()
            sys.stdout.write(str(status) + "\\n" + body.decode())
            """
        let out = try Program.run("python3", ["-c", script, url] + (host.map { [$0] } ?? []))
        let text = out.text
        let status = Int(text.prefix { $0 != "\n" }) ?? 0
        return (status, String(text.drop { $0 != "\n" }.dropFirst()))
    }

    /// Runs `scripts/browser.py` and returns its JSON.
    static func browse(_ arguments: [String]) throws -> (status: Int32, seen: [String: Any]) {
        let out = try Program.run("python3", [CLI.repo.path + "/scripts/browser.py"] + arguments)
        let seen = (try? JSONSerialization.jsonObject(with: out.stdout) as? [String: Any]) ?? ["stderr": out.stderr]
        return (out.status, seen ?? [:])
    }

    /// The sample run's workspace, its batch counting toward archive C01.
    static func sampleWorkspace(_ dir: String) throws -> String {
        let samples = CLI.repo.path + "/samples"
        let run = try CLI.quire([
            "run", samples + "/delivery", "--catalog", samples + "/catalog.csv", "--workspace", dir + "/ws", "--archive",
            "C01", "--quiet",
        ])
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        return dir + "/ws"
    }

    /// JavaScript: every `data-live` element's text and every `data-field` element's value, as JSON objects.
    static let liveFigures =
        "JSON.stringify(Object.fromEntries([...document.querySelectorAll('[data-live]')].filter(e=>e.tagName!=='PROGRESS').map(e=>[e.dataset.live,e.textContent])))"
    static let quotaFigures =
        "JSON.stringify(Object.fromEntries([...document.querySelectorAll('[data-field]')].map(e=>[e.dataset.field,e.dataset.value])))"

    static func object(_ value: Any?) -> [String: String] {
        guard let text = value as? String, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else {
            return [:]
        }
        return object as? [String: String] ?? [:]
    }

    @Test func theOverviewInABrowserShowsTheFiguresOfTheAPI() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let workspace = try Self.sampleWorkspace(dir)
        let server = try Server(workspace: workspace)
        defer { _ = server.stop() }

        let shot = dir + "/overview.png"
        let (status, seen) = try Self.browse([
            server.base + "/", "--wait", "Number(document.body.dataset.updates) >= 1", "--eval", "live=" + Self.liveFigures,
            "--eval", "quota=" + Self.quotaFigures, "--eval", "title=document.title", "--screenshot", shot,
        ])
        #expect(status == 0, "the page never received a live update: \(seen)")
        #expect((seen["errors"] as? [Any])?.isEmpty == true, "\(seen)")
        #expect((seen["csp_violations"] as? [Any])?.isEmpty == true, "\(seen)")
        let evals = seen["eval"] as? [String: Any] ?? [:]
        #expect((evals["title"] as? String)?.contains("总览 Overview") == true)

        // The batch's figures on screen are those of /api/status.
        let api = try JSONSerialization.jsonObject(with: Data(try Self.fetch(server.base + "/api/status").body.utf8))
        let batch = try #require(((api as? [String: Any])?["batches"] as? [[String: Any]])?.first)
        let name = try #require(batch["batch"] as? String)
        let counts = try #require(batch["counts"] as? [String: Any])
        let live = Self.object(evals["live"])
        #expect(live["b/\(name)/pages"] == "\(counts["pages"] as? Int ?? -1)", "\(live)")
        #expect(live["b/\(name)/quarantined"] == "\(counts["quarantined"] as? Int ?? -1)")
        let records = counts["recordsByState"] as? [String: Int] ?? [:]
        #expect(live["b/\(name)/r/verified"] == "\(records["verified"] ?? -1)")
        #expect(live["b/\(name)/r/held"] == "\(records["held"] ?? -1)")
        #expect(records["verified"] == 3)

        // The quota figures on screen are those of /api/quota.
        let quotaAPI = try #require(
            try JSONSerialization.jsonObject(with: Data(try Self.fetch(server.base + "/api/quota").body.utf8)) as? [String: Any])
        let total = try #require(quotaAPI["total"] as? [String: Any])
        let quota = Self.object(evals["quota"])
        #expect(quota["total.percent"] == "\(total["percent"] as? Double ?? -1)", "\(quota)")
        #expect(quota["total.digitized"] == "\(total["digitized"] as? Int ?? -1)", "\(quota)")
        // Every total on screen (the summary cards) is the API's, number or text.
        let totals = quota.filter { $0.key.hasPrefix("total.") }
        #expect(totals.count >= 10, "\(quota)")
        for (field, shown) in totals {
            switch total[String(field.dropFirst("total.".count))] {
            case let number as NSNumber: #expect(shown == "\(number)", "\(field)")
            case let text as String: #expect(shown == text, "\(field)")
            default: #expect(shown == "null", "\(field)")
            }
        }

        // The screenshot is a page, not a blank: many grey levels, a good share of ink.
        try Self.expectDrawn(shot, "overview")

        // Only this machine may ask (no accounts): another Host is refused, as a DNS-rebinding page would send.
        #expect(try Self.fetch(server.base + "/api/status", host: "evil.example:80").status == 421)
        #expect(try Self.fetch(server.base + "/api/status", host: "localhost").status == 200)
        let stopped = server.stop()
        #expect(stopped.status == 0, "\(stopped.output)")
    }

    /// The screenshot at `path` is a page, not a blank: its size, grey levels and share of ink.
    static func expectDrawn(_ path: String, _ page: String) throws {
        let measured = try Program.run(
            "python3",
            [
                "-c",
                "import sys; from PIL import Image; im = Image.open(sys.argv[1]).convert('L'); px = list(im.getdata()); "
                    + "print(im.size[0], im.size[1], len(set(px)), sum(1 for p in px if p < 200) / len(px))",
                path,
            ])
        let fields = measured.text.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        try #require(fields.count == 4, "\(page): \(measured.text)\(measured.stderr)")
        #expect(fields[0] >= 1000 && fields[1] >= 600, "\(page): \(fields)")
        #expect(fields[2] > 30, "\(page): grey levels \(fields[2])")
        #expect(fields[3] > 0.02, "\(page): ink share \(fields[3])")
    }

    @Test func everyPageRendersInTheBrowserWithoutAPolicyViolation() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let workspace = try Self.sampleWorkspace(dir)
        let server = try Server(workspace: workspace)
        defer { _ = server.stop() }
        let api = try JSONSerialization.jsonObject(with: Data(try Self.fetch(server.base + "/api/batches/delivery").body.utf8))
        let records = (api as? [String: Any])?["records"] as? [[String: Any]] ?? []
        let verified = try #require(records.first { $0["state"] as? String == "verified" }?["code"] as? String)
        let held = try #require(records.first { $0["state"] as? String == "held" }?["code"] as? String)
        func encoded(_ code: String) -> String { code.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
        for (name, path, heading) in [
            ("batch", "/batches/delivery", "批次"), ("record", "/batches/delivery/records/\(encoded(verified))", "案卷"),
            ("held record", "/batches/delivery/records/\(encoded(held))", "问题"), ("verify", "/verify", "核验结果"),
            ("sample", "/batches/delivery/check?seed=3", "图像质量抽检"),
        ] {
            let shot = dir + "/\(name).png"
            let (status, seen) = try Self.browse([
                server.base + path, "--wait", "[...document.images].every(i => i.complete)",
                "--eval", "text=document.body.innerText", "--eval",
                "broken=[...document.images].filter(i => i.naturalWidth === 0).length",
                "--screenshot", shot,
            ])
            #expect(status == 0, "\(name): \(seen)")
            #expect((seen["csp_violations"] as? [Any])?.isEmpty == true, "\(name): \(seen)")
            #expect((seen["errors"] as? [Any])?.isEmpty == true, "\(name): \(seen)")
            let evals = seen["eval"] as? [String: Any] ?? [:]
            #expect((evals["text"] as? String)?.contains(heading) == true, "\(name): \(seen)")
            #expect(evals["broken"] as? Int == 0, "\(name): an image did not load: \(seen)")
            try Self.expectDrawn(shot, name)
        }
    }

    @Test func aRunsProgressAppearsInTheOpenPageWithoutReload() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = try SharedLedgerCLITests.delivery(in: dir, records: 6, pages: 6)
        let workspace = dir + "/ws"
        let run = try Child([
            "run", input.delivery, "--catalog", input.catalog, "--workspace", workspace, "--batch", "live", "--workers", "1",
            "--quiet",
        ])
        // The dashboard opens the ledger once the run has made it.
        let started = SharedLedgerCLITests.waitUntil(60) {
            (try? CLI.quire(["status", "--json", "--workspace", workspace]).stdout.contains("\"live\"")) ?? false
        }
        #expect(started)
        let server = try Server(workspace: workspace)
        defer { _ = server.stop() }

        let key = "[data-live=\"b/live/p/digested\"]"
        let count = "Number(document.querySelector('\(key)').textContent)"
        let (status, seen) = try Self.browse([
            server.base + "/", "--timeout", "240", "--wait", "document.querySelector('\(key)') !== null",
            "--eval", "first=(window.quireFirst=\(count))",
            "--eval", "pages=Number(document.querySelector('[data-live=\"b/live/pages\"]').textContent)",
            "--then-wait", "window.quireFirst !== undefined && \(count) > window.quireFirst",
            "--then-eval", "later=\(count)", "--then-eval", "sameDocument=window.quireFirst !== undefined",
            "--then-eval", "updates=Number(document.body.dataset.updates)",
        ])
        let end = run.wait(timeout: 300)
        #expect(end.status == 0, "\(end.output)")
        #expect(status == 0, "no live change seen: \(seen)")
        let first = (seen["eval"] as? [String: Any])?["first"] as? Int ?? -1
        let then = seen["then"] as? [String: Any] ?? [:]
        #expect(first >= 0 && first < 36, "the run had finished before the page opened: \(seen)")
        #expect((then["later"] as? Int ?? -1) > first, "\(seen)")
        #expect(then["sameDocument"] as? Bool == true, "the page was reloaded: \(seen)")
        #expect((then["updates"] as? Int ?? 0) >= 2, "\(seen)")
    }

    /// A bcrypt hash of `password` made by another implementation than Quire's (libxcrypt, through Python's
    /// `crypt`), as `htpasswd -B` would make it.
    static func bcrypt(_ password: String) throws -> String {
        let out = try Program.run(
            "python3",
            [
                "-W", "ignore", "-c",
                "import crypt, sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))", password,
            ])
        let hash = out.text.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(hash.hasPrefix("$2b$04$"), "python3's crypt made no bcrypt hash: \(out.stderr)")
        return hash
    }

    @Test func anAuditorMarksAPageInTheBrowser() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let workspace = try Self.sampleWorkspace(dir)
        let users = dir + "/users.txt"
        try "li:auditor:\(try Self.bcrypt("audit-pass"))\nwang:viewer:\(try Self.bcrypt("view-pass"))\n".write(
            toFile: users, atomically: true, encoding: .utf8)
        let server = try Server(workspace: workspace, extra: ["--users", users])
        defer { _ = server.stop() }
        // Without an account: 401.
        #expect(try Self.fetch(server.base + "/").status == 401)

        let api = try Self.browse([
            server.base + "/api/batches/delivery/check?seed=1", "--user", "li:audit-pass", "--eval",
            "body=document.body.innerText",
        ])
        let drawn = try #require(
            (try JSONSerialization.jsonObject(with: Data(((api.seen["eval"] as? [String: Any])?["body"] as? String ?? "").utf8))
                as? [String: Any])?["drawn"] as? [[String: Any]])
        let first = try #require(drawn.first)
        let code = try #require(first["code"] as? String), page = try #require(first["page"] as? Int)

        let marked = "document.querySelector('[data-check=\"marked\"]')"
        let (status, seen) = try Self.browse([
            server.base
                + "/batches/delivery/check/\(code.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)/\(page)?seed=1",
            "--user", "li:audit-pass", "--wait", "document.querySelector('img.access').complete",
            "--eval", "image=document.querySelector('img.access').naturalWidth",
            "--eval", "fields=document.querySelectorAll('table.catalog tr').length",
            "--eval", "click=(document.querySelector('button.pass').click(), true)",
            "--then-wait", "\(marked) !== null && \(marked).textContent === '1'",
            "--then-eval", "passed=document.querySelector('[data-check=\"passed\"]').textContent",
            "--then-eval", "path=location.pathname",
        ])
        #expect(status == 0, "the mark never showed: \(seen)")
        #expect((seen["csp_violations"] as? [Any])?.isEmpty == true, "\(seen)")
        let evals = seen["eval"] as? [String: Any] ?? [:], then = seen["then"] as? [String: Any] ?? [:]
        #expect((evals["image"] as? Int ?? 0) > 100, "the access copy did not load: \(seen)")
        #expect((evals["fields"] as? Int ?? 0) >= 5, "\(seen)")
        #expect(then["passed"] as? String == "1", "\(seen)")
        #expect(then["path"] as? String == "/batches/delivery/check", "\(seen)")
        // The viewer's browser sees the page but has no form to post.
        let viewer = try Self.browse([
            server.base
                + "/batches/delivery/check/\(code.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)/\(page)?seed=1",
            "--user", "wang:view-pass", "--eval", "form=document.querySelectorAll('form[method=post]').length",
        ])
        #expect((viewer.seen["eval"] as? [String: Any])?["form"] as? Int == 0, "\(viewer.seen)")
    }

    @Test func aPostgreSQLLedgerIsServedAsStatusPrintsIt() throws {
        let url = try TestPostgres.url(schema: "serve")
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let samples = CLI.repo.path + "/samples"
        let run = try CLI.quire([
            "run", samples + "/delivery", "--catalog", samples + "/catalog.csv", "--workspace", dir + "/ws", "--ledger", url,
            "--archive", "C01", "--quiet",
        ])
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        // QUIRE_LEDGER as every command takes it; the password never printed.
        let server = try Server(workspace: dir + "/ws", environment: ["QUIRE_LEDGER": url])
        defer { _ = server.stop() }
        let status = try CLI.quire(["status", "--json", "--workspace", dir + "/ws", "--ledger", url])
        let served = try Self.fetch(server.base + "/api/status")
        #expect(served.status == 200)
        // The same report; the workers' seconds since their heartbeat move between the two reads.
        let servedJSON = try JSONSerialization.jsonObject(with: Data(served.body.utf8)) as? [String: Any] ?? [:]
        let printedJSON = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any] ?? [:]
        #expect((servedJSON["batches"] as? NSArray) == (printedJSON["batches"] as? NSArray))
        #expect(servedJSON["ledger"] as? String == printedJSON["ledger"] as? String)
        #expect((servedJSON["workers"] as? [Any])?.count == (printedJSON["workers"] as? [Any])?.count)
        #expect(status.stdout.contains("\"verified\" : 3"))
        let password = URLComponents(string: url)?.password ?? "never-empty"
        #expect(!served.body.contains(password))
        let page = try Self.fetch(server.base + "/")
        #expect(page.status == 200 && page.body.contains("postgres://quire:***@"), "\(page.body.prefix(2000))")
        #expect(!page.body.contains(password))
        let output = server.stop().output
        #expect(!output.contains(password))
    }

    @Test func serveRefusesWhatItCannotServeSafely() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let register = CLI.repo.path + "/samples/register.csv"
        // Beyond loopback without accounts: a usage error, before anything listens.
        let open = try CLI.quire(["serve", "--workspace", dir, "--register", register, "--listen", "0.0.0.0:0"])
        #expect(open.status == 2, "\(open.stdout)\(open.stderr)")
        #expect(open.stderr.contains("--users FILE"), "\(open.stderr)")
        let bad = try CLI.quire(["serve", "--workspace", dir, "--register", register, "--listen", "127.0.0.1:http"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--listen '127.0.0.1:http'"), "\(bad.stderr)")
        try "wang:viewer:plaintext\n".write(toFile: dir + "/users.txt", atomically: true, encoding: .utf8)
        let users = try CLI.quire(["serve", "--workspace", dir, "--register", register, "--users", dir + "/users.txt"])
        #expect(users.status == 2)
        #expect(users.stderr.contains("users.txt:1:"), "\(users.stderr)")
        // Nothing has run in the workspace: no ledger to serve.
        let empty = try CLI.quire(["serve", "--workspace", dir + "/empty", "--register", register])
        #expect(empty.status == 3, "\(empty.stderr)")
        #expect(empty.stderr.contains("no ledger to serve"), "\(empty.stderr)")
    }
}
