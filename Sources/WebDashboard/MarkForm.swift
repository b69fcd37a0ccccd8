import Foundation
import Hummingbird
import Ledger
import QuireCore

/// The visual check's form post: `code`, `page`, `seed`, `verdict` (`pass` or `fail`), `reason` (one of
/// ``VisualCheckReason``, kept for a fail only) and `note`.
struct MarkForm: Decodable {
    var code: String
    var page: Int
    var seed: UInt64
    var verdict: String
    var reason: String?
    var note: String?

    /// Reads the form from the request body (at most 16 KiB); a malformed form is a 400.
    static func read(_ request: Request) async throws -> MarkForm {
        let body = try await request.body.collect(upTo: 16 << 10)
        do {
            return try URLEncodedFormDecoder().decode(MarkForm.self, from: String(buffer: body))
        } catch {
            throw HTTPError(.badRequest, message: "the mark form is incomplete or malformed")
        }
    }

    /// The mark it asks for; a 400 names what is wrong.
    func mark(batch: String, auditor: String) throws -> VisualCheckMark {
        guard let verdict = VisualVerdict(rawValue: verdict) else {
            throw HTTPError(.badRequest, message: "verdict must be pass or fail")
        }
        var why: VisualCheckReason?
        if verdict == .fail {
            guard let reason, let known = VisualCheckReason(rawValue: reason) else {
                throw HTTPError(
                    .badRequest,
                    message: "a failed page needs a reason: \(VisualCheckReason.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            why = known
        }
        let note = (note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= 2000 else { throw HTTPError(.badRequest, message: "the note is longer than 2,000 characters") }
        guard page >= 1, !code.isEmpty else { throw HTTPError(.badRequest, message: "the form names no page") }
        return VisualCheckMark(
            batch: batch, code: code, page: page, verdict: verdict, reason: why, note: note, auditor: auditor, seed: seed)
    }
}
