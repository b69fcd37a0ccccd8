import ArchivalCode
public import QuotaSettings
public import Foundation

/// One record whose bag was packaged and verified: the fact quota figures are counted from.
///
/// The ledger query produces one event per record (a 卷 is `volumes: 1`, a 件 is `items: 1`), dated the
/// day the record was verified. Only events with ``verified`` true count: a record packaged but failing
/// verification is not digitized (checked and linked, 挂接, is what counts).
///
/// ```swift
/// DigitizationEvent(archive: "C01", day: QuotaDay("2018-06-04")!, volumes: 1, pages: 86, bytes: 1_930_000_000)
/// ```
public struct DigitizationEvent: Sendable, Hashable, Codable {
    /// The register id of the archive the record counts toward.
    public var archive: String
    /// The day the record was verified.
    public var day: QuotaDay
    /// 卷 this record is (usually 0 or 1).
    public var volumes: Int
    /// 件 this record is (usually 0 or 1).
    public var items: Int
    /// Pages in the record.
    public var pages: Int
    /// Bytes of the record's package.
    public var bytes: Int64
    /// Whether the package passed verification; false events are ignored.
    public var verified: Bool

    /// Makes an event for a day.
    public init(
        archive: String, day: QuotaDay, volumes: Int = 0, items: Int = 0, pages: Int = 0, bytes: Int64 = 0,
        verified: Bool = true
    ) {
        self.archive = archive
        self.day = day
        self.volumes = volumes
        self.items = items
        self.pages = pages
        self.bytes = bytes
        self.verified = verified
    }

    /// Makes an event for a moment, dated the day it falls on in `timeZone` (China Standard Time by
    /// default, where the archives are).
    public init(
        archive: String, date: Date, timeZone: TimeZone = QuotaReport.chinaTimeZone, volumes: Int = 0,
        items: Int = 0, pages: Int = 0, bytes: Int64 = 0, verified: Bool = true
    ) {
        self.init(
            archive: archive, day: QuotaDay(date, timeZone: timeZone), volumes: volumes, items: items,
            pages: pages, bytes: bytes, verified: verified)
    }

    /// The events of records the ledger lists as packaged and verified: a volume-style 档号 counts as one 卷, an
    /// item-style one as one 件 (a code that parses as neither counts as neither, but its pages and bytes count);
    /// each dated by its `verifiedAt` (ISO 8601 with fractional seconds, as the ledger writes it). A record without
    /// an archive or a readable time counts toward no archive and gives no event.
    public static func events(verified records: some Sequence<some VerifiedRecord>) -> [DigitizationEvent] {
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return records.compactMap { record in
            guard let archive = record.archive, let date = parser.date(from: record.verifiedAt) else { return nil }
            let style = (try? ArchivalCode.parse(record.code))?.style
            return DigitizationEvent(
                archive: archive, date: date, volumes: style == .volume ? 1 : 0,
                items: style == .item ? 1 : 0, pages: record.pages, bytes: record.bytes)
        }
    }

    /// The event's 卷 + 件.
    public var count: Int { volumes + items }
}

/// A record whose bag was packaged and verified, as the ledger lists it: what ``DigitizationEvent/events(verified:)``
/// counts (the ledger's `DigitizedRecord` is one).
public protocol VerifiedRecord {
    /// The record's 档号.
    var code: String { get }
    /// Holdings register id of its batch, when set.
    var archive: String? { get }
    /// When its bag last verified (ISO 8601 with fractional seconds).
    var verifiedAt: String { get }
    /// Pages in the record.
    var pages: Int { get }
    /// Bytes of the record's masters.
    var bytes: Int64 { get }
}
