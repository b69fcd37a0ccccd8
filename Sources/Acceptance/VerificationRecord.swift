public import Audit
import Foundation
public import Ledger
public import QuireCore

/// Writes `quire verify`'s outcomes into the ledger of the workspace the bags came from: a bag that passes a full
/// verification keeps its records `verified` (they count toward quotas); a bag that fails, at any depth, moves
/// its records to `invalid` with the rules it broke.
public enum VerificationRecord {
    /// Records each result whose bag the workspace's ledger knows; other bags are left alone. Takes the workspace's
    /// writer lock while it writes.
    public static func store(_ results: [Auditor.Result], in workspace: Workspace, tool: String) throws(QuireError) {
        let ledger = try workspace.openLedger(create: false)
        let lock = try workspace.lock()
        defer { withExtendedLifetime(lock) {} }
        // A failure is recorded whatever the depth; only a full pass (archival rules included) makes a record verified.
        for r in results where r.mode == .full || !r.valid {
            let absolute = r.bag.hasPrefix("/") ? r.bag : FileManager.default.currentDirectoryPath + "/" + r.bag
            let path = (absolute as NSString).standardizingPath
            guard let owner = try ledger.recordForBag(path) else { continue }
            let failed = r.problems.filter { $0.severity == .error }.map(\.rule.rawValue)
            try ledger.markRecord(
                batch: owner.batch, code: owner.code, state: r.valid ? .verified : .invalid, bag: nil,
                detail: r.valid ? "quire verify" : failurePrefix + Set(failed).sorted().joined(separator: ", "), tool: tool)
        }
    }

    /// How the event of a failed verification begins; the rule ids follow, comma-separated.
    static let failurePrefix = "quire verify failed: "

    /// The rule ids a verification event's detail names as broken (none for a pass or another detail).
    public static func failedRules(inDetail detail: String) -> [String] {
        guard let start = detail.range(of: failurePrefix) else { return [] }
        return detail[start.upperBound...].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
