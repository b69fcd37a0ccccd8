import QuotaSettings
public import Foundation

// MARK: - JSON

extension QuotaReport {
    /// The report as JSON: keys sorted, two-space indentation, stable for the same inputs.
    ///
    /// The contract (counts in 卷 + 件 as national statistics give them, with 卷, 件, pages and GB beside):
    ///
    /// ```
    /// {"as_of": "2018-06-30",
    ///  "archives": [{"id", "name", "level", "parent", "has_digital_room",
    ///                "baseline", "baseline_volumes", "baseline_items", "baseline_pages",
    ///                "prior", "digitized", "digitized_volumes", "digitized_items", "digitized_pages", "digitized_gb",
    ///                "percent", "target_percent", "target", "deadline", "gap", "status",
    ///                "recent_rate", "projected_date",
    ///                "completion": null | {"target_percent", "target", "deadline", "gap", "status", "projected_date"},
    ///                "holdings": null | {"current", "growth", "growth_target", "growth_met",
    ///                                    "livelihood", "livelihood_percent", "livelihood_target_percent", "livelihood_met"},
    ///                "burn_up": [{"week_ending", "digitized"}]}],
    ///  "units": {"city": {"units", "with_room", "without_room": [id], "percent", "target_percent", "required",
    ///                     "gap", "met", "deadline"},
    ///            "county": {…}, "unassigned": [id]},
    ///  "total": {"archives", "baseline", …, "gap", "status", "recent_rate", "projected_date", "burn_up"},
    ///  "unregistered": [{"id", "events", "digitized", …}], "ignored": {"unverified", "after_as_of"},
    ///  "rules": {…the rules, as configured…}, "register": "holdings.csv",
    ///  "register_errors": [{"line", "reason"}] (rows left out of every figure)}
    /// ```
    ///
    /// `status` is `met`, `on_track`, `behind` or `no_target` (a level without a target: its `target`,
    /// `target_percent`, `gap`, `deadline` and `projected_date` are null). `projected_date` is a day or
    /// `"never"`. `percent` is null for a zero baseline. Percentages and rates have 2 decimals, GB 3.
    public func jsonString() -> String {
        jsonValue().serialized()
    }

    /// ``jsonString()`` as UTF-8 bytes.
    public func jsonData() -> Data {
        Data(jsonString().utf8)
    }

    /// The report as a JSON tree (what ``jsonString()`` writes and the HTML report annotates).
    func jsonValue() -> JSONValue {
        .object([
            "as_of": .string(asOf.description),
            "register": JSONValue.optional(registerSource) { .string($0) },
            "archives": .array(archives.map(json)),
            "units": .object([
                "city": json(units.city),
                "county": json(units.county),
                "unassigned": .array(units.unassigned.map { .string($0) }),
            ]),
            "total": json(total),
            "unregistered": .array(
                unregistered.map { stray in
                    .object(
                        Self.digitizedFields(stray.digitized).merging([
                            "id": .string(stray.id),
                            "events": .int(stray.events),
                        ]) { first, _ in first })
                }),
            "ignored": .object(["unverified": .int(unverifiedEvents), "after_as_of": .int(laterEvents)]),
            "rules": json(rules),
            "register_errors": .array(registerErrors.map { .object(["line": .int($0.line), "reason": .string($0.reason)]) }),
        ])
    }

    private func json(_ progress: ArchiveProgress) -> JSONValue {
        let archive = progress.archive
        var fields: [String: JSONValue] = [
            "id": .string(archive.id),
            "name": .string(archive.name),
            "level": .string(archive.level.rawValue),
            "parent": JSONValue.optional(archive.parent) { .string($0) },
            "has_digital_room": .bool(archive.hasDigitalRoom),
            "baseline": .int(archive.baseline),
            "baseline_volumes": .int(archive.baselineVolumes),
            "baseline_items": .int(archive.baselineItems),
            "baseline_pages": JSONValue.optional(archive.baselinePages) { .int($0) },
            "prior": .int(archive.prior),
            "percent": Self.percent(progress.percent),
            "recent_rate": .number(progress.recentRate, decimals: QuotaNumberFormat.percentDecimals),
            "status": .string(progress.status.rawValue),
            "completion": JSONValue.optional(progress.completion) { .object(Self.goalFields($0)) },
            "holdings": JSONValue.optional(progress.holdings, Self.json),
            "burn_up": burnUp(progress.burnUp),
        ]
        fields.merge(Self.digitizedFields(progress.digitized)) { first, _ in first }
        if let goal = progress.goal {
            fields.merge(Self.goalFields(goal)) { first, _ in first }
        } else {
            for key in ["target", "target_percent", "deadline", "gap", "projected_date"] { fields[key] = .null }
        }
        return .object(fields)
    }

    private func json(_ total: TotalProgress) -> JSONValue {
        var fields: [String: JSONValue] = [
            "archives": .int(total.archives),
            "baseline": .int(total.baseline),
            "baseline_volumes": .int(total.baselineVolumes),
            "baseline_items": .int(total.baselineItems),
            "baseline_pages": JSONValue.optional(total.baselinePages) { .int($0) },
            "percent": Self.percent(total.percent),
            "target": .int(total.targetCount),
            "target_percent": Self.percent(total.targetPercent),
            "gap": .int(total.gap),
            "status": .string(total.status.rawValue),
            "recent_rate": .number(total.recentRate, decimals: QuotaNumberFormat.percentDecimals),
            "projected_date": .string(total.projected.description),
            "burn_up": burnUp(total.burnUp),
        ]
        fields.merge(Self.digitizedFields(total.digitized)) { first, _ in first }
        return .object(fields)
    }

    private func json(_ rooms: UnitRoomProgress) -> JSONValue {
        .object([
            "units": .int(rooms.count),
            "with_room": .int(rooms.withRoom),
            "without_room": .array(rooms.withoutRoom.map { .string($0) }),
            "percent": Self.percent(rooms.percent),
            "target_percent": Self.percent(rooms.targetPercent),
            "required": .int(rooms.required),
            "gap": .int(rooms.gap),
            "met": .bool(rooms.met),
            "deadline": .string(rooms.deadline.description),
        ])
    }

    private func json(_ rules: QuotaRules) -> JSONValue {
        func target(_ target: QuotaTarget?) -> JSONValue {
            JSONValue.optional(target) {
                .object(["target": .number($0.fraction, decimals: 4), "deadline": .string($0.deadline.description)])
            }
        }
        return .object([
            "city": target(rules.city),
            "county": target(rules.county),
            "unit": target(rules.unit),
            "county_completion": target(rules.countyCompletion),
            "city_unit_rooms": .number(rules.cityUnitRooms, decimals: 4),
            "county_unit_rooms": .number(rules.countyUnitRooms, decimals: 4),
            "unit_room_deadline": .string(rules.unitRoomDeadline.description),
            "holdings_growth": .number(rules.holdingsGrowth, decimals: 4),
            "livelihood_share": .number(rules.livelihoodShare, decimals: 4),
            "recent_weeks": .int(rules.recentWeeks),
        ])
    }

    private static func json(_ holdings: HoldingsProgress) -> JSONValue {
        .object([
            "current": JSONValue.optional(holdings.current) { .int($0) },
            "growth": JSONValue.optional(holdings.growth) { .number($0, decimals: QuotaNumberFormat.percentDecimals) },
            "growth_target": .number(holdings.growthTarget, decimals: QuotaNumberFormat.percentDecimals),
            "growth_met": JSONValue.optional(holdings.growthMet) { .bool($0) },
            "livelihood": JSONValue.optional(holdings.livelihood) { .int($0) },
            "livelihood_percent": percent(holdings.livelihoodPercent),
            "livelihood_target_percent": percent(holdings.livelihoodTargetPercent),
            "livelihood_met": JSONValue.optional(holdings.livelihoodMet) { .bool($0) },
        ])
    }

    private func burnUp(_ values: [Int]) -> JSONValue {
        .array(
            zip(weeks, values).map { week, value in
                .object(["week_ending": .string(week.description), "digitized": .int(value)])
            })
    }

    private static func goalFields(_ goal: GoalProgress) -> [String: JSONValue] {
        [
            "target": .int(goal.targetCount),
            "target_percent": percent(goal.target.percent),
            "deadline": .string(goal.target.deadline.description),
            "gap": .int(goal.gap),
            "status": .string(goal.status.rawValue),
            "projected_date": .string(goal.projected.description),
        ]
    }

    private static func digitizedFields(_ count: DigitizedCount) -> [String: JSONValue] {
        [
            "digitized": .int(count.total),
            "digitized_volumes": .int(count.volumes),
            "digitized_items": .int(count.items),
            "digitized_pages": .int(count.pages),
            "digitized_gb": .number(count.gigabytes, decimals: QuotaNumberFormat.gigabyteDecimals),
        ]
    }

    private static func percent(_ value: Double?) -> JSONValue {
        JSONValue.optional(value) { .number($0, decimals: QuotaNumberFormat.percentDecimals) }
    }
}
