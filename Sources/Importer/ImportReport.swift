public import Ledger
public import QuireCore

/// The outcome of an import, cumulative for the batch (a re-run reports the same findings).
public struct ImportReport: Sendable, Codable {
    /// One quarantined file, path relative to the delivery.
    public struct Quarantined: Sendable, Codable, Equatable {
        /// The file's path, relative to the delivery folder.
        public var path: String
        /// The stable reason code it was held back for.
        public var reason: QuarantineReason
        /// What exactly is wrong, in words.
        public var detail: String
    }

    /// The batch id.
    public var batch: String
    /// The delivery folder.
    public var delivery: String
    /// Pages accepted in the batch (all runs).
    public var accepted: Int
    /// Pages newly registered by this run.
    public var registeredThisRun: Int
    /// Files seen in this run that were already in the ledger, unchanged.
    public var unchanged: Int
    /// Records (档号) seen.
    public var records: Int
    /// Quarantined files with their reasons.
    public var quarantined: [Quarantined]
    /// Records with problems across their pages (gaps in numbering).
    public var flaggedRecords: [RecordFlag]
    /// Registered files whose bytes changed afterwards: reported, not replaced.
    public var changed: [ChangedFile]
    /// Pages decoded by this run.
    public var decoded: Int
    /// Bytes decoded by this run.
    public var decodedBytes: Int64
    /// Wall-clock seconds of this run.
    public var seconds: Double
    /// The process's peak resident memory in MB, when the caller measured it (`quire import --json`).
    public var peakRSSMB: Double?

    /// Whether the batch has nothing wrong.
    public var isClean: Bool { quarantined.isEmpty && flaggedRecords.isEmpty && changed.isEmpty }

    enum CodingKeys: String, CodingKey {
        case batch, delivery, accepted, quarantined, changed, records, seconds, decoded, unchanged
        case registeredThisRun = "registered_this_run"
        case flaggedRecords = "flagged_records"
        case decodedBytes = "decoded_bytes"
        case peakRSSMB = "peak_rss_mb"
    }
}
