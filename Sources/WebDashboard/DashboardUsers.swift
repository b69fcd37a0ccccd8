import Crypto
import Foundation
import HummingbirdBcrypt
public import QuireCore
import Synchronization

/// What an account may do on the dashboard.
public enum DashboardRole: String, Sendable, CaseIterable, Comparable {
    /// Reads every page and the API.
    case viewer
    /// Reads, and records the visual check's marks.
    case auditor

    /// A viewer may do less than an auditor.
    public static func < (a: DashboardRole, b: DashboardRole) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Someone the dashboard knows: a name and a role.
public struct DashboardUser: Sendable, Equatable {
    /// The account name.
    public var name: String
    /// What it may do.
    public var role: DashboardRole

    /// Makes a user.
    public init(name: String, role: DashboardRole) {
        self.name = name
        self.role = role
    }

    /// Who uses a dashboard served on loopback without accounts: the machine's own user, who may do everything.
    public static let local = DashboardUser(name: "local", role: .auditor)
}

/// The accounts of `--users FILE`: one `NAME:ROLE:BCRYPT-HASH` per line (`#` comments and blank lines skipped),
/// ROLE `viewer` or `auditor`, the hash as `htpasswd -B` or any bcrypt tool writes it (`$2a$`, `$2b$`, `$2y$`).
///
/// A password is checked with bcrypt once; a success is remembered for a few minutes under the SHA-256 of name and
/// password (never the password itself), so a browser's requests (pages, live updates, images) do not each pay
/// bcrypt's cost.
public final class DashboardUsers: Sendable {
    private struct Account: Sendable {
        var role: DashboardRole
        var hash: String
    }

    private let accounts: [String: Account]
    private let verified = Mutex<[Data: ContinuousClock.Instant]>([:])
    /// How long a checked password is remembered.
    static let remembered: Duration = .seconds(300)

    /// The names of the accounts, sorted.
    public var names: [String] { accounts.keys.sorted() }

    /// Parses `text` (the contents of `file`); an error names the file, the line and what is wrong with it.
    public init(parsing text: String, file: String) throws(QuireError) {
        var accounts: [String: Account] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            func bad(_ why: String) -> QuireError {
                QuireError(
                    .usage, stage: .serve, file: file, line: index + 1, message: why,
                    fix: "write NAME:ROLE:HASH, ROLE viewer or auditor, HASH from `htpasswd -nbB NAME PASSWORD` (after the colon)"
                )
            }
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3 else { throw bad("expected NAME:ROLE:HASH") }
            let (name, roleText, hashText) = (parts[0], parts[1], parts[2])
            guard !name.isEmpty, name.count <= 64,
                name.unicodeScalars.allSatisfy({
                    $0.isASCII && ($0.properties.isAlphabetic || "0123456789._-".unicodeScalars.contains($0))
                })
            else { throw bad("the name must be 1–64 letters, digits, '.', '_' or '-'") }
            guard let role = DashboardRole(rawValue: roleText) else {
                throw bad("unknown role '\(roleText)' (viewer or auditor)")
            }
            guard let hash = Self.bcryptHash(hashText) else {
                throw bad("the hash of '\(name)' is not a bcrypt hash ($2a$, $2b$ or $2y$, cost 04–31, 53 characters after it)")
            }
            guard accounts[name] == nil else { throw bad("'\(name)' is listed twice") }
            accounts[name] = Account(role: role, hash: hash)
        }
        guard !accounts.isEmpty else {
            throw QuireError(
                .usage, stage: .serve, file: file, message: "no accounts in the users file", fix: "add NAME:ROLE:HASH lines")
        }
        self.accounts = accounts
    }

    /// Reads the users file at `path`.
    public convenience init(contentsOf path: String) throws(QuireError) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw QuireError(
                .usage, stage: .serve, file: path, message: "cannot read the users file: \(error.localizedDescription)")
        }
        try self.init(parsing: text, file: path)
    }

    /// The hash as the bcrypt library takes it (`$2y$`, PHP's name for the same algorithm, read as `$2b$`), or nil
    /// when `text` is no bcrypt hash.
    static func bcryptHash(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count == 60, text.hasPrefix("$2"), ["a", "b", "y"].contains(String(text.dropFirst(2).prefix(1))),
            bytes[3] == UInt8(ascii: "$"), bytes[6] == UInt8(ascii: "$"), let cost = Int(String(text.dropFirst(4).prefix(2))),
            (4...31).contains(cost)
        else { return nil }
        let alphabet = Set("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        guard bytes[7...].allSatisfy(alphabet.contains) else { return nil }
        return text.hasPrefix("$2y$") ? "$2b$" + text.dropFirst(4) : text
    }

    /// The user whose password this is, or nil. Blocking (bcrypt) on a first check: call it off the event loop.
    public func authenticate(name: String, password: String) -> DashboardUser? {
        guard let account = accounts[name] else {
            // The same cost as a wrong password, so a name's existence does not show in the time taken.
            _ = Bcrypt.verify(password, hash: Self.decoy)
            return nil
        }
        let key = Data(SHA256.hash(data: Data((name + "\u{0}" + password).utf8)))
        let now = ContinuousClock.now
        if let until = verified.withLock({ $0[key] }), until > now { return DashboardUser(name: name, role: account.role) }
        guard Bcrypt.verify(password, hash: account.hash) else { return nil }
        verified.withLock { cache in
            if cache.count > 1024 { cache = cache.filter { $0.value > now } }
            cache[key] = now.advanced(by: Self.remembered)
        }
        return DashboardUser(name: name, role: account.role)
    }

    /// A bcrypt hash (cost 10) of no password anyone uses, checked against for unknown names.
    private static let decoy = "$2b$10$C6UzMDM.H6dfI/f/IKcEeO5uUhcEEBrnqk0V0rFq/sPfWcRC1T3cS"
}
