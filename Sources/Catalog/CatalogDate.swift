/// A calendar date from a catalog (日期), normalised to YYYYMMDD.
///
/// Accepted spellings: `19980312` (the standard form), `1998-03-12`, `1998.03.12`, `1998/03/12`; with a
/// separator, month and day may have one digit (`1998/3/12`, as Excel writes dates). The date must exist
/// (no 19980230).
public struct CatalogDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The year.
    public let year: Int
    /// The month, 1–12.
    public let month: Int
    /// The day of the month, 1–31.
    public let day: Int

    /// Makes a date; nil when it does not exist.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses one of the accepted spellings; nil when the text is not a date.
    public init?(parsing text: String) {
        switch Self.parse(text) {
        case .success(let date): self = date
        case .failure: return nil
        }
    }

    /// The standard form, `YYYYMMDD`.
    public var compact: String { pad(year, 4) + pad(month, 2) + pad(day, 2) }

    /// ISO 8601, `YYYY-MM-DD`.
    public var iso8601: String { pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) }

    /// The standard form, `YYYYMMDD` (``compact``).
    public var description: String { compact }

    /// Chronological order.
    public static func < (lhs: CatalogDate, rhs: CatalogDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Decodes from the compact form (or any accepted spelling).
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        switch Self.parse(text) {
        case .success(let date): self = date
        case .failure(let problem):
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: problem.reason))
        }
    }

    /// Encodes as `YYYYMMDD`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(compact)
    }

    // MARK: - Parsing

    struct Problem: Error { let reason: String }

    static func parse(_ raw: String) -> Result<CatalogDate, Problem> {
        let text = raw.trimmingWhitespace()
        let formats = "YYYYMMDD, YYYY-MM-DD or YYYY.MM.DD"
        let scalars = Array(text.unicodeScalars)
        let parts: [String]
        if scalars.count == 8, scalars.allSatisfy(\.isASCIIDigit) {
            parts = [String(text.prefix(4)), String(text.dropFirst(4).prefix(2)), String(text.suffix(2))]
        } else {
            guard let separator = scalars.first(where: { !$0.isASCIIDigit }), ["-", ".", "/"].contains(separator) else {
                return .failure(Problem(reason: "'\(raw)' is not a date (\(formats))"))
            }
            parts = text.split(separator: Character(separator), omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count),
                (1...2).contains(parts[2].count),
                parts.allSatisfy({ $0.unicodeScalars.allSatisfy(\.isASCIIDigit) })
            else {
                return .failure(Problem(reason: "'\(raw)' is not a date (\(formats))"))
            }
        }
        // The parts are ASCII digits of bounded length, so Int() succeeds.
        let year = Int(parts[0]) ?? 0, month = Int(parts[1]) ?? 0, day = Int(parts[2]) ?? 0
        guard year >= 1 else {
            return .failure(Problem(reason: "'\(raw)' is not a date: year 0000 is out of range"))
        }
        guard (1...12).contains(month) else {
            return .failure(Problem(reason: "'\(raw)' is not a date: month \(month) is out of range"))
        }
        guard let date = CatalogDate(year: year, month: month, day: day) else {
            return .failure(Problem(reason: "'\(raw)' is not a date: \(pad(year, 4))-\(pad(month, 2)) has no day \(day)"))
        }
        return .success(date)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

extension Unicode.Scalar {
    var isASCIIDigit: Bool { (0x30...0x39).contains(value) }
}
