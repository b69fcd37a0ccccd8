import Foundation

/// The quota rules: what share of its 2010 holdings each level of archive must digitize by when, and the
/// other targets reported beside it. Configuration, not code — the defaults are the policy.
///
/// | key | default | rule |
/// | --- | --- | --- |
/// | `city` | 0.70 by 2018-12-31 | the city archive digitizes 70% of its 2010 holdings (卷 + 件) |
/// | `county` | 0.50 by 2018-12-31 | county and district archives digitize 50% |
/// | `unit` | none | units have no digitization target by default |
/// | `county_completion` | 1.00 by 2025-12-31 | county digital archives "basically complete" by 2025 (`null` turns it off) |
/// | `city_unit_rooms` | 0.80 | share of city units (transferring records) with a basic digital archive room |
/// | `county_unit_rooms` | 0.50 | share of county units with one |
/// | `unit_room_deadline` | 2018-12-31 | when the unit room shares are due |
/// | `holdings_growth` | 2.0 | holdings double against 2010 (reported where the register has current holdings) |
/// | `livelihood_share` | 0.60 | livelihood (民生) records at least 60% of holdings (where the register has them) |
/// | `recent_weeks` | 4 | the weeks of ledger history the recent rate is measured over |
///
/// Shares are fractions (`0.70`) or percentage strings (`"70%"`); days are `YYYY-MM-DD`. Every key is
/// optional; a missing one keeps its default. In a pipeline YAML:
///
/// ```yaml
/// quota:
///   city: {target: 0.70, deadline: 2018-12-31}
///   county: {target: "50%", deadline: 2018-12-31}
///   county_completion: {target: 1.0, deadline: 2025-12-31}
///   city_unit_rooms: 0.80
///   county_unit_rooms: 0.50
/// ```
///
/// `quire quota` takes them from `--rules FILE` (these keys at the top level, as in
/// `pipelines/quota-rules.yaml`), else from the pipeline's `quota:` section (both read by the `Policy`
/// module, whose errors name the file, line and key), else ``default``. Load them with any `Decoder`
/// (`YAMLDecoder().decode(QuotaRules.self, from:)`), or from an already parsed mapping with
/// ``init(dictionary:)``.
public struct QuotaRules: Sendable, Hashable {
    /// The city archive's target.
    public var city: QuotaTarget
    /// The county and district archives' target.
    public var county: QuotaTarget
    /// The units' digitization target, if any.
    public var unit: QuotaTarget?
    /// The county archives' completion target (digital archive basically complete), if any.
    public var countyCompletion: QuotaTarget?
    /// The share of city units that must have a basic digital archive room.
    public var cityUnitRooms: Double
    /// The share of county units that must have one.
    public var countyUnitRooms: Double
    /// When the unit room shares are due.
    public var unitRoomDeadline: QuotaDay
    /// The factor holdings must grow by against 2010.
    public var holdingsGrowth: Double
    /// The share of holdings that must be livelihood (民生) records.
    public var livelihoodShare: Double
    /// The weeks of history the recent rate is measured over.
    public var recentWeeks: Int

    /// The policy's rules.
    public static let `default` = QuotaRules()

    /// Makes rules; every argument defaults to the policy.
    public init(
        city: QuotaTarget = QuotaTarget(fraction: 0.70, deadline: QuotaDay(year: 2018, month: 12, day: 31)!),
        county: QuotaTarget = QuotaTarget(fraction: 0.50, deadline: QuotaDay(year: 2018, month: 12, day: 31)!),
        unit: QuotaTarget? = nil,
        countyCompletion: QuotaTarget? = QuotaTarget(fraction: 1.0, deadline: QuotaDay(year: 2025, month: 12, day: 31)!),
        cityUnitRooms: Double = 0.80, countyUnitRooms: Double = 0.50,
        unitRoomDeadline: QuotaDay = QuotaDay(year: 2018, month: 12, day: 31)!,
        holdingsGrowth: Double = 2.0, livelihoodShare: Double = 0.60, recentWeeks: Int = 4
    ) {
        self.city = city
        self.county = county
        self.unit = unit
        self.countyCompletion = countyCompletion
        self.cityUnitRooms = cityUnitRooms
        self.countyUnitRooms = countyUnitRooms
        self.unitRoomDeadline = unitRoomDeadline
        self.holdingsGrowth = holdingsGrowth
        self.livelihoodShare = livelihoodShare
        self.recentWeeks = max(1, recentWeeks)
    }

    /// The digitization target of a level, if it has one.
    public func target(for level: ArchiveLevel) -> QuotaTarget? {
        switch level {
        case .city: city
        case .county: county
        case .unit: unit
        }
    }

    /// The share of units under an archive of `level` that must have a digital archive room.
    public func unitRoomShare(underParent level: ArchiveLevel) -> Double? {
        switch level {
        case .city: cityUnitRooms
        case .county: countyUnitRooms
        case .unit: nil
        }
    }

    /// The days the recent rate is measured over (`recentWeeks` × 7).
    public var recentDays: Int { recentWeeks * 7 }

    /// The configuration keys, in the order of the table above (`city`, `county`, … `recent_weeks`).
    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    // MARK: - From a parsed mapping

    /// Rules from a mapping as a YAML or JSON parser returns it (`[String: Any]` with numbers, strings,
    /// `Date`s and nested mappings); missing keys keep the defaults, unknown keys are errors.
    public init(dictionary: [String: Any]) throws(QuotaRulesError) {
        self.init()
        for (key, value) in dictionary {
            switch CodingKeys(rawValue: key) {
            case .city?: city = try Self.target(value, key: key)
            case .county?: county = try Self.target(value, key: key)
            case .unit?: unit = value is NSNull ? nil : try Self.target(value, key: key)
            case .countyCompletion?: countyCompletion = value is NSNull ? nil : try Self.target(value, key: key)
            case .cityUnitRooms?: cityUnitRooms = try Self.share(value, key: key)
            case .countyUnitRooms?: countyUnitRooms = try Self.share(value, key: key)
            case .unitRoomDeadline?: unitRoomDeadline = try Self.day(value, key: key)
            case .holdingsGrowth?: holdingsGrowth = try Self.positive(value, key: key)
            case .livelihoodShare?: livelihoodShare = try Self.share(value, key: key)
            case .recentWeeks?:
                guard let weeks = value as? Int, weeks >= 1 else {
                    throw QuotaRulesError(key: key, reason: "\(value) is not a whole number of weeks (1 or more)")
                }
                recentWeeks = weeks
            case nil:
                let known = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")
                throw QuotaRulesError(key: key, reason: "unknown key (known: \(known))")
            }
        }
    }

    private static func target(_ value: Any, key: String) throws(QuotaRulesError) -> QuotaTarget {
        guard let mapping = value as? [String: Any] else {
            throw QuotaRulesError(key: key, reason: "expected {target: 0.70, deadline: YYYY-MM-DD}")
        }
        for name in mapping.keys where name != "target" && name != "deadline" {
            throw QuotaRulesError(key: "\(key).\(name)", reason: "unknown key (known: target, deadline)")
        }
        guard let rawTarget = mapping["target"] else {
            throw QuotaRulesError(key: "\(key).target", reason: "missing; write {target: 0.70, deadline: YYYY-MM-DD}")
        }
        guard let rawDeadline = mapping["deadline"] else {
            throw QuotaRulesError(key: "\(key).deadline", reason: "missing; write {target: 0.70, deadline: YYYY-MM-DD}")
        }
        return QuotaTarget(
            fraction: try share(rawTarget, key: "\(key).target"), deadline: try day(rawDeadline, key: "\(key).deadline"))
    }

    private static func share(_ value: Any, key: String) throws(QuotaRulesError) -> Double {
        switch QuotaFraction.parse(value) {
        case .success(let share): return share
        case .failure(let error): throw QuotaRulesError(key: key, reason: error.reason)
        }
    }

    private static func positive(_ value: Any, key: String) throws(QuotaRulesError) -> Double {
        let number: Double? =
            switch value {
            case let double as Double: double
            case let int as Int: Double(int)
            case let string as String: Double(string.trimmingCharacters(in: .whitespacesAndNewlines))
            default: nil
            }
        guard let number, number.isFinite, number > 0 else {
            throw QuotaRulesError(key: key, reason: "\(value) is not a positive number")
        }
        return number
    }

    private static func day(_ value: Any, key: String) throws(QuotaRulesError) -> QuotaDay {
        if let date = value as? Date { return QuotaDay(date, timeZone: TimeZone(identifier: "UTC")!) }
        if let text = value as? String, let day = QuotaDay(text) { return day }
        throw QuotaRulesError(key: key, reason: "\(value) is not a day (YYYY-MM-DD)")
    }
}

// MARK: - Codable

extension QuotaRules: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case city, county, unit
        case countyCompletion = "county_completion"
        case cityUnitRooms = "city_unit_rooms"
        case countyUnitRooms = "county_unit_rooms"
        case unitRoomDeadline = "unit_room_deadline"
        case holdingsGrowth = "holdings_growth"
        case livelihoodShare = "livelihood_share"
        case recentWeeks = "recent_weeks"
    }

    /// Decodes rules; a missing key keeps its default, `unit` and `county_completion` may be null.
    public init(from decoder: any Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        city = try container.decodeIfPresent(QuotaTarget.self, forKey: .city) ?? city
        county = try container.decodeIfPresent(QuotaTarget.self, forKey: .county) ?? county
        if container.contains(.unit) { unit = try container.decodeIfPresent(QuotaTarget.self, forKey: .unit) }
        if container.contains(.countyCompletion) {
            countyCompletion = try container.decodeIfPresent(QuotaTarget.self, forKey: .countyCompletion)
        }
        if container.contains(.cityUnitRooms) { cityUnitRooms = try QuotaFraction.decode(container, forKey: .cityUnitRooms) }
        if container.contains(.countyUnitRooms) {
            countyUnitRooms = try QuotaFraction.decode(container, forKey: .countyUnitRooms)
        }
        unitRoomDeadline = try container.decodeIfPresent(QuotaDay.self, forKey: .unitRoomDeadline) ?? unitRoomDeadline
        holdingsGrowth = try container.decodeIfPresent(Double.self, forKey: .holdingsGrowth) ?? holdingsGrowth
        if container.contains(.livelihoodShare) {
            livelihoodShare = try QuotaFraction.decode(container, forKey: .livelihoodShare)
        }
        recentWeeks = max(1, try container.decodeIfPresent(Int.self, forKey: .recentWeeks) ?? recentWeeks)
    }

    /// Encodes every key.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(city, forKey: .city)
        try container.encode(county, forKey: .county)
        try container.encode(unit, forKey: .unit)
        try container.encode(countyCompletion, forKey: .countyCompletion)
        try container.encode(cityUnitRooms, forKey: .cityUnitRooms)
        try container.encode(countyUnitRooms, forKey: .countyUnitRooms)
        try container.encode(unitRoomDeadline, forKey: .unitRoomDeadline)
        try container.encode(holdingsGrowth, forKey: .holdingsGrowth)
        try container.encode(livelihoodShare, forKey: .livelihoodShare)
        try container.encode(recentWeeks, forKey: .recentWeeks)
    }
}
