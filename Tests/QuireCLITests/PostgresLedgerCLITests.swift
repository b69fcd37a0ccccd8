import Foundation
import QuireTestSupport
import Testing

/// `quire` on a PostgreSQL ledger (the test server `scripts/test.sh` starts), end to end, against the same run on
/// the default SQLite ledger.
@Suite struct PostgresLedgerCLITests {
    typealias CLI = QuireCLITests

    /// Every bag's payload manifest, by bag name: what two runs must agree on byte for byte.
    static func manifests(_ bags: String) throws -> [String: String] {
        var found: [String: String] = [:]
        for bag in try FileManager.default.contentsOfDirectory(atPath: bags) where !bag.hasPrefix(".") {
            found[bag] = try String(contentsOfFile: "\(bags)/\(bag)/manifest-sha256.txt", encoding: .utf8)
        }
        return found
    }

    @Test func runOnPostgresMakesTheSameBagsAsOnSQLiteAndStatusReadsThem() throws {
        let url = try TestPostgres.url(schema: "cli-run")
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let samples = CLI.repo.path + "/samples"
        let run = { (workspace: String, ledger: [String]) throws -> CLI.Result in
            try CLI.quire(
                ["run", samples + "/delivery", "--catalog", samples + "/catalog.csv", "--workspace", workspace, "--quiet"]
                    + ledger)
        }
        let onPostgres = try run(dir + "/pg", ["--ledger", url])
        let onSQLite = try run(dir + "/sqlite", [])
        // The samples hold a corrupt page and a record without images: both runs exit 1 with the same bags.
        #expect(onPostgres.status == 1, "\(onPostgres.stdout)\(onPostgres.stderr)")
        #expect(onSQLite.status == 1, "\(onSQLite.stdout)\(onSQLite.stderr)")
        let pgBags = try Self.manifests(dir + "/pg/bags")
        #expect(pgBags.count == 3)
        #expect(pgBags == (try Self.manifests(dir + "/sqlite/bags")))
        // Nothing of the ledger was written into the workspace: it is on the server.
        #expect(!FileManager.default.fileExists(atPath: dir + "/pg/ledger.sqlite"))

        let verified = try CLI.quire(["verify"] + pgBags.keys.sorted().map { dir + "/pg/bags/" + $0 })
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")

        // status reads the server (QUIRE_LEDGER works as --ledger does) and sees what the run recorded.
        let status = try CLI.quire(
            ["status", "--json", "--workspace", dir + "/pg"], environment: ["QUIRE_LEDGER": url])
        #expect(status.status == 0, "\(status.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let batches = json?["batches"] as? [[String: Any]] ?? []
        #expect(batches.count == 1)
        #expect(status.stdout.contains("\"verified\" : 3"), "\(status.stdout)")

        // A second run on the same ledger resumes: nothing left to do, the same bags.
        let again = try run(dir + "/pg", ["--ledger", url])
        #expect(again.status == 1, "\(again.stderr)")
        #expect(try Self.manifests(dir + "/pg/bags") == pgBags)
    }

    @Test func theLedgerPasswordIsNeverPrinted() throws {
        let url = try TestPostgres.url()
        guard let components = URLComponents(string: url), let port = components.port else {
            Issue.record("unexpected test URL shape")
            return
        }
        let secret = "Sup3r-S3cret-\(UUID().uuidString.prefix(8))"
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A wrong password: the server refuses (28P01) and the message names the server, not the password.
        let wrong = try CLI.quire(
            ["status", "--workspace", dir, "--ledger", "postgres://quire:\(secret)@127.0.0.1:\(port)/quire"])
        #expect(wrong.status == 3)
        #expect(wrong.stderr.contains("28P01"), "\(wrong.stderr)")
        #expect(wrong.stderr.contains("postgres://quire:***@127.0.0.1"), "\(wrong.stderr)")
        #expect(!(wrong.stdout + wrong.stderr).contains(secret))
        // A URL that does not parse: still masked.
        let bad = try CLI.quire(
            ["status", "--workspace", dir, "--ledger", "postgres://quire:\(secret)@127.0.0.1:\(port)/quire?sslmode=yes"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("sslmode 'yes'"), "\(bad.stderr)")
        #expect(!(bad.stdout + bad.stderr).contains(secret))
        // A server that does not answer fails at once (no minute of retries before the first connection).
        let started = Date()
        let unreachable = try CLI.quire([
            "status", "--workspace", dir, "--ledger", "postgres://quire:\(secret)@127.0.0.1:1/quire",
        ])
        #expect(unreachable.status == 3)
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(!(unreachable.stdout + unreachable.stderr).contains(secret))
    }

    @Test func tlsIsUsedWhenAskedAndVerifyFullChecksTheAuthorityAndTheName() throws {
        // A server of the test's own with TLS (a throwaway CA's certificate for localhost only) that logs every
        // connection with its TLS state; each command names its session, so the log says what it did.
        let cluster = try SharedLedgerCLITests.PrivateCluster(environment: ["QUIRE_PG_TLS": "1"])
        defer { withExtendedLifetime(cluster) {} }
        let tls = cluster.folder + "/tls"
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let password = URLComponents(string: cluster.url)?.password ?? "?"
        func status(host: String = "127.0.0.1", _ parameters: String) throws -> CLI.Result {
            let url = cluster.url.replacingOccurrences(of: "@127.0.0.1:", with: "@\(host):") + "?" + parameters
            let result = try CLI.quire(["status", "--workspace", dir, "--ledger", url])
            #expect(!(result.stdout + result.stderr).contains(password), "the password was printed")
            return result
        }
        func logged(_ session: String) throws -> [String] {
            let log = try String(contentsOfFile: cluster.folder + "/server.log", encoding: .utf8)
            return log.split(separator: "\n").map(String.init).filter {
                $0.contains("connection authorized") && $0.contains("application_name=\(session)")
            }
        }

        let required = try status("sslmode=require&application_name=tls-require")
        #expect(required.status == 0, "\(required.stderr)")
        let verified = try status(host: "localhost", "sslmode=verify-full&sslrootcert=\(tls)/ca.crt&application_name=tls-full")
        #expect(verified.status == 0, "\(verified.stderr)")
        let plain = try status("sslmode=disable&application_name=tls-off")
        #expect(plain.status == 0, "\(plain.stderr)")
        for session in ["tls-require", "tls-full"] {
            let lines = try logged(session)
            #expect(!lines.isEmpty && lines.allSatisfy { $0.contains("SSL enabled") }, "\(session): \(lines)")
        }
        let off = try logged("tls-off")
        #expect(!off.isEmpty && off.allSatisfy { !$0.contains("SSL enabled") }, "\(off)")

        // verify-full refuses a certificate no trusted authority signed, and one that does not name the host.
        let system = try status(host: "localhost", "sslmode=verify-full&application_name=tls-system")
        #expect(system.status == 3)
        #expect(system.stderr.contains("not signed by a trusted authority"), "\(system.stderr)")
        #expect(system.stderr.contains("sslrootcert=PATH"), "\(system.stderr)")
        let other = try status(host: "localhost", "sslmode=verify-full&sslrootcert=\(tls)/other-ca.crt")
        #expect(other.status == 3)
        #expect(other.stderr.contains("not signed by a trusted authority"), "\(other.stderr)")
        let wrongName = try status("sslmode=verify-full&sslrootcert=\(tls)/ca.crt")
        #expect(wrongName.status == 3)
        #expect(wrongName.stderr.contains("does not name the host"), "\(wrongName.stderr)")
        #expect(try logged("tls-system").isEmpty, "a session was authorized on an unverified certificate")
        // A missing authorities file and sslrootcert without verify-full are refused before connecting.
        let missing = try status(host: "localhost", "sslmode=verify-full&sslrootcert=\(dir)/none.pem")
        #expect(missing.status == 3)
        #expect(missing.stderr.contains("sslrootcert \(dir)/none.pem"), "\(missing.stderr)")
        let loose = try status("sslmode=require&sslrootcert=\(tls)/ca.crt")
        #expect(loose.status == 2)
        #expect(loose.stderr.contains("only used with sslmode=verify-full"), "\(loose.stderr)")
    }

    @Test func workerNumbersOutOfRangeAreUsageErrors() throws {
        for arguments in [
            ["--lease", "1"], ["--lease", "99999"], ["--claim", "-1"], ["--claim", "10001"], ["--workers", "-2"],
        ] {
            let r = try CLI.quire(["worker", "--ledger", "postgres://quire@127.0.0.1:1/quire"] + arguments)
            #expect(r.status == 2, "\(arguments): \(r.stderr)")
        }
    }
}
