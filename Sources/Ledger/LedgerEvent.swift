import Foundation
package import QuireCore

/// One entry of the ledger's append-only history.
public struct LedgerEvent: Sendable, Equatable, Codable {
    /// When (ISO 8601, UTC, milliseconds).
    public var at: String
    /// The batch, when the event belongs to one.
    public var batch: String?
    /// What it is about: a file's path, a record's 档号, a delivery folder.
    public var subject: String
    /// What happened, `<kind>.<what>`: `batch.open`, `page.decoded`, `file.quarantined`, `record.packaged`,
    /// `fixity.drift`…
    public var action: String
    /// The particulars (digests, reasons, processing steps as JSON…).
    public var detail: String?
    /// The program that did it (`quire 0.1.0`).
    public var tool: String

    /// Makes an event.
    public init(at: String, batch: String?, subject: String, action: String, detail: String?, tool: String) {
        self.at = at
        self.batch = batch
        self.subject = subject
        self.action = action
        self.detail = detail
        self.tool = tool
    }
}

// MARK: - What each write logs, the same in every backend

extension LedgerEvent {
    /// Current time as the ledger writes it: ISO 8601 UTC with milliseconds.
    package static func now() -> String {
        Date().formatted(
            .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true).timeSeparator(.colon)
                .timeZone(separator: .omitted))
    }

    private init(_ batch: String?, _ subject: String, _ action: String, _ detail: String?, _ tool: String) {
        self.init(at: Self.now(), batch: batch, subject: subject, action: action, detail: detail, tool: tool)
    }

    /// A batch created.
    package static func batchOpened(_ batch: BatchInfo) -> LedgerEvent {
        LedgerEvent(batch.id, batch.delivery, "batch.open", batch.pipeline, "quire")
    }

    /// A quarantined file forgotten because it changed and is examined again.
    package static func quarantineReleased(batch: String, path: String, tool: String) -> LedgerEvent {
        LedgerEvent(batch, path, "quarantine.release", "file changed; examined again", tool)
    }

    /// A page registered.
    package static func pageRegistered(_ page: PageRecord, batch: String, tool: String) -> LedgerEvent {
        LedgerEvent(
            batch, page.path, "page.\(page.state.rawValue)", "sha256=\(page.sha256) code=\(page.code) page=\(page.page)", tool)
    }

    /// A file quarantined.
    package static func fileQuarantined(_ file: QuarantineRecord, batch: String, tool: String) -> LedgerEvent {
        LedgerEvent(batch, file.path, "file.quarantined", "\(file.reason.rawValue): \(file.detail)", tool)
    }

    /// A registered file found changed.
    package static func fileChanged(_ change: ChangedFile, batch: String, tool: String) -> LedgerEvent {
        LedgerEvent(
            batch, change.path, "file.changed",
            "registered sha256=\(change.registeredSHA256) found sha256=\(change.foundSHA256)", tool)
    }

    /// A failed page forgotten for a rescan.
    package static func pageReleased(path: String, sha256: String?, batch: String, tool: String) -> LedgerEvent {
        LedgerEvent(
            batch, path, "page.release",
            "normalization had failed and the file was replaced (was sha256=\(sha256 ?? "?")); examined again", tool)
    }

    /// A page given up after its claims lapsed unfinished ``PageClaim/attemptLimit`` times.
    package static func pageAbandoned(path: String, batch: String, detail: String) -> LedgerEvent {
        LedgerEvent(batch, path, "page.abandoned", detail, "quire ledger")
    }

    /// The check recorded on an abandoned page.
    package static func abandonedDetail(claims: Int) -> String {
        "claimed \(claims) times and never finished: every worker that took it stopped, was killed or lost its lease first (a page that crashes or wedges the decoder?); examine the file, replace it and run again"
    }

    /// A page's normalization recorded.
    package static func pageNormalized(_ result: NormalizedPage, batch: String, tool: String) -> LedgerEvent {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let steps = String(decoding: (try? encoder.encode(result.steps)) ?? Data("[]".utf8), as: UTF8.self)
        return LedgerEvent(batch, result.path, result.outputs.isEmpty ? "page.normalize-failed" : "page.normalized", steps, tool)
    }

    /// A file's digests recorded.
    package static func fixityRecorded(_ record: FixityRecord, batch: String, tool: String) -> LedgerEvent {
        let digests = record.digests.map { ($0.key.rawValue, $0.value) }.sorted { $0.0 < $1.0 }
        return LedgerEvent(batch, record.path, "fixity.recorded", digests.map { "\($0.0)=\($0.1)" }.joined(separator: " "), tool)
    }

    /// A file's fixity checked.
    package static func fixityChecked(_ record: FixityRecord, status: FixityStatus, tool: String) -> LedgerEvent {
        LedgerEvent(record.batch, record.path, "fixity.\(status.rawValue)", nil, tool)
    }

    /// A packaged record demoted because one of its files drifted or went missing.
    package static func recordInvalidated(code: String, by record: FixityRecord, status: FixityStatus, tool: String)
        -> LedgerEvent
    {
        LedgerEvent(
            record.batch, code, "record.invalid",
            "fixity \(status.rawValue): \(record.root == .delivery ? "source " : "")\(record.path)", tool)
    }

    /// A record's binding stored.
    package static func recordBound(_ row: RecordRow, batch: String, tool: String) -> LedgerEvent {
        LedgerEvent(batch, row.code, "record.\(row.state.rawValue)", BindingProblem.storedText(row.problems), tool)
    }

    /// A record moved to a state.
    package static func recordMarked(
        code: String, state: RecordState, bag: String?, detail: String?, batch: String, tool: String
    ) -> LedgerEvent {
        LedgerEvent(batch, code, "record.\(state.rawValue)", detail ?? bag, tool)
    }

    /// A page's visual-check mark.
    package static func visualCheck(_ mark: VisualCheckMark, tool: String) -> LedgerEvent {
        LedgerEvent(
            mark.batch, "\(mark.code)/\(mark.page)", "page.visual_\(mark.verdict.rawValue)",
            [mark.reason?.rawValue, mark.note.isEmpty ? nil : mark.note, "by \(mark.auditor)"].compactMap { $0 }.joined(
                separator: ": "), tool)
    }
}

// MARK: - Rules every backend applies

extension FixityRecord {
    /// The record (档号) a file belongs to when its drift demotes one: for Quire's outputs, the folder under the
    /// output kind (`masters/<档号>/0001.tif`); for a source, `sourceCode` (its page's code). A `drift` always
    /// counts; a `missing` only for Quire's own outputs (deliveries are often archived away once packaged).
    package func demotedCode(status: FixityStatus, sourceCode: () throws -> String?) rethrows -> String? {
        guard status == .drift || (status == .missing && root == .workspace) else { return nil }
        switch root {
        case .workspace:
            let parts = path.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
            return parts.count == 3 ? String(parts[1]) : nil
        case .delivery:
            return try sourceCode()
        }
    }
}

extension BindingProblem {
    /// The problems as the ledger stores them (and logs them): JSON, `[{"detail": …, "rule": …}]`, keys sorted;
    /// nil for none.
    package static func storedText(_ problems: [BindingProblem]) -> String? {
        guard !problems.isEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(problems)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// The problems from their stored text (nil or empty: none); nil when the text is not such JSON.
    package static func fromStoredText(_ text: String?) -> [BindingProblem]? {
        guard let text, !text.isEmpty else { return [] }
        return try? JSONDecoder().decode([BindingProblem].self, from: Data(text.utf8))
    }
}
