public import Foundation

/// A calendar day (proleptic Gregorian), the unit of every date in quota reporting.
///
/// Quota figures are counted per day: an event belongs to the day it happened on in the archive's time
/// zone, and `--as-of` names a day. Days are plain numbers underneath (days since 1970-01-01), so
/// arithmetic is exact and needs no calendar or time zone.
///
/// ```swift
/// let day = QuotaDay("2018-12-31")!
/// day.adding(days: 1).description   // "2019-01-01"
/// QuotaDay(year: 2019, month: 1, day: 1)! - day   // 1
/// ```
public struct QuotaDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before).
    public var ordinal: Int

    /// The day `ordinal` days after 1970-01-01.
    public init(ordinal: Int) {
        self.ordinal = ordinal
    }

    /// The day with this year, month (1–12) and day of month, or nil when there is no such day.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= QuotaDay.daysIn(month: month, year: year) else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        ordinal = era * 146_097 + doe - 719_468
    }

    /// Parses `YYYY-MM-DD` (also `YYYY/MM/DD` and `YYYYMMDD`); nil when it is not a real day.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits: [Int]
        let parts = trimmed.split(whereSeparator: { $0 == "-" || $0 == "/" }).map(String.init)
        if parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count) {
            digits = parts.compactMap { part in part.allSatisfy(QuotaDay.isDigit) ? Int(part) : nil }
        } else if parts.count == 1, trimmed.count == 8, trimmed.allSatisfy(QuotaDay.isDigit) {
            let scalars = Array(trimmed)
            digits = [Int(String(scalars[0..<4]))!, Int(String(scalars[4..<6]))!, Int(String(scalars[6..<8]))!]
        } else {
            return nil
        }
        guard digits.count == 3 else { return nil }
        self.init(year: digits[0], month: digits[1], day: digits[2])
    }

    /// The day `date` falls on in `timeZone`.
    public init(_ date: Date, timeZone: TimeZone) {
        let seconds = Int((date.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: date))).rounded(.down))
        ordinal = seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
    }

    /// Year, month (1–12) and day of month.
    public var components: (year: Int, month: Int, day: Int) {
        // Howard Hinnant's civil_from_days.
        let z = ordinal + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The day `days` later (earlier when negative).
    public func adding(days: Int) -> QuotaDay {
        QuotaDay(ordinal: ordinal + days)
    }

    /// The number of days from `rhs` to `lhs`.
    public static func - (lhs: QuotaDay, rhs: QuotaDay) -> Int {
        lhs.ordinal - rhs.ordinal
    }

    /// Earlier days come first.
    public static func < (lhs: QuotaDay, rhs: QuotaDay) -> Bool {
        lhs.ordinal < rhs.ordinal
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let (year, month, day) = components
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(abs(value))
            return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    private static func isDigit(_ character: Character) -> Bool {
        ("0"..."9").contains(character)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

// MARK: - Codable

extension QuotaDay: Codable {
    /// Decodes `YYYY-MM-DD`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let day = QuotaDay(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a day (YYYY-MM-DD)")
        }
        self = day
    }

    /// Encodes `YYYY-MM-DD`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
