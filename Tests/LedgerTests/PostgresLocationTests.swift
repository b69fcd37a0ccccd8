import LedgerPostgres
import QuireCore
import Testing

/// The ledger URL is input like any other: every part is checked, and the password never shows.
@Suite struct PostgresLocationTests {
    @Test func aGoodURLParsesAndPrintsWithoutItsPassword() throws {
        let location = try PostgresLocation(
            url: "postgres://quire:s3cret@db.lan:6543/archive?sslmode=verify-full&schema=city_2026")
        #expect(location.host == "db.lan" && location.port == 6543 && location.user == "quire" && location.database == "archive")
        #expect(location.password == "s3cret" && location.tls == .verifyFull && location.schema == "city_2026")
        #expect(location.redacted == "postgres://quire:***@db.lan:6543/archive?sslmode=verify-full&schema=city_2026")
        #expect(try PostgresLocation(url: "postgresql://quire@db/quire").port == 5432)
    }

    @Test(arguments: [
        ("postgres://quire:pw@db/quire?sslmode=yes", "sslmode 'yes'"),
        ("postgres://quire:pw@db/quire?sslmode=require&sslmode=disable", "given twice"),
        ("postgres://quire:pw@db/quire?password=x", "unknown parameter"),
        ("postgres://quire:pw@db/quire?schema=a;DROP%20TABLE%20page", "schema"),
        ("postgres://quire:pw@db/quire?schema=\(String(repeating: "a", count: 64))", "schema"),
        ("postgres://quire:pw@db/quire?schema=Public", "schema"),
        ("postgres://quire:pw@db/quire?connect_timeout=-1", "connect_timeout"),
        ("postgres://quire:pw@db/quire?connect_timeout=99999999999999999999", "connect_timeout"),
        ("postgres://quire:pw@db:0/quire", "port 0"),
        ("postgres://quire:pw@/quire", "no host"),
        ("postgres://db/quire", "no user"),
        ("postgres://quire:pw@db/", "no database"),
        ("postgres://quire:pw@db/a/b", "no database"),
        ("postgres://quire:pw@db/quire\u{0}x", "control characters"),
        ("postgres://quire:pw@db/" + String(repeating: "q", count: 5000), "too long"),
        ("mysql://quire:pw@db/quire", "must start with postgres://"),
        ("postgres://quire:pw@db/quire?sslmode=verify-full&sslrootcert=", "sslrootcert must name a PEM file"),
        (
            "postgres://quire:pw@db/quire?sslmode=verify-full&sslrootcert=/" + String(repeating: "c", count: 1024),
            "sslrootcert must name a PEM file"
        ),
        ("postgres://quire:pw@db/quire?sslmode=prefer&sslrootcert=/etc/ca.pem", "only used with sslmode=verify-full"),
    ])
    func aHostileURLIsRefusedNamingThePartAndNotThePassword(_ url: String, _ why: String) {
        let error = #expect(throws: QuireError.self) { try PostgresLocation(url: url) }
        #expect(error?.kind == .usage)
        #expect(error?.message.contains(why) == true, "\(error?.message ?? "")")
        #expect(!(error?.description.contains(":pw@") ?? true), "\(error?.description ?? "")")
    }

    @Test func redactionMasksWhatDoesNotParseToo() {
        #expect(PostgresLocation.redact("postgres://u:p@ss:w@rd@h/d?x") == "postgres://u:***@h/d?x")
        #expect(PostgresLocation.redact("no url here") == "no url here")
    }
}
