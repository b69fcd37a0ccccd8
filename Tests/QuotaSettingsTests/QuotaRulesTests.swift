import QuotaSettings
import Foundation
import Testing

@Suite struct QuotaRulesTests {
    @Test func defaultsAreThePolicy() {
        let rules = QuotaRules.default
        #expect(rules.city == QuotaTarget(fraction: 0.70, deadline: day("2018-12-31")))
        #expect(rules.county == QuotaTarget(fraction: 0.50, deadline: day("2018-12-31")))
        #expect(rules.unit == nil)
        #expect(rules.countyCompletion == QuotaTarget(fraction: 1.0, deadline: day("2025-12-31")))
        #expect(rules.cityUnitRooms == 0.80)
        #expect(rules.countyUnitRooms == 0.50)
        #expect(rules.holdingsGrowth == 2.0)
        #expect(rules.livelihoodShare == 0.60)
        #expect(rules.recentWeeks == 4)
        #expect(rules.target(for: .city)?.count(ofBaseline: 10000) == 7000)
        #expect(rules.target(for: .county)?.count(ofBaseline: 3) == 2)  // 1.5 rounds up
    }

    @Test func fromAParsedMapping() throws {
        let rules = try QuotaRules(dictionary: [
            "city": ["target": "75%", "deadline": "2019-06-30"],
            "county": ["target": 0.6, "deadline": Date(timeIntervalSince1970: 1_546_214_400)],  // 2018-12-31 UTC
            "county_completion": NSNull(),
            "city_unit_rooms": 0.9,
            "recent_weeks": 8,
        ])
        #expect(rules.city == QuotaTarget(fraction: 0.75, deadline: day("2019-06-30")))
        #expect(rules.county == QuotaTarget(fraction: 0.6, deadline: day("2018-12-31")))
        #expect(rules.countyCompletion == nil)
        #expect(rules.cityUnitRooms == 0.9)
        #expect(rules.countyUnitRooms == 0.5)
        #expect(rules.recentWeeks == 8)
        #expect(rules.recentDays == 56)
    }

    @Test func badMappingsSayWhichKey() {
        #expect(
            throws: QuotaRulesError(
                key: "cty",
                reason:
                    "unknown key (known: city, county, unit, county_completion, city_unit_rooms, county_unit_rooms, unit_room_deadline, holdings_growth, livelihood_share, recent_weeks)"
            )
        ) {
            try QuotaRules(dictionary: ["cty": 0.7])
        }
        let tooBig = #expect(throws: QuotaRulesError.self) {
            try QuotaRules(dictionary: ["city": ["target": 70, "deadline": "2018-12-31"]])
        }
        #expect(tooBig?.key == "city.target")
        let badDay = #expect(throws: QuotaRulesError.self) {
            try QuotaRules(dictionary: ["county": ["target": 0.5, "deadline": "2018-02-30"]])
        }
        #expect(badDay?.key == "county.deadline")
    }

    @Test func decodesAndEncodesJSON() throws {
        let json = """
            {"county": {"target": "55%", "deadline": "2019-12-31"}, "unit": {"target": 0.3, "deadline": "2020-12-31"},
             "livelihood_share": 0.5}
            """
        let rules = try JSONDecoder().decode(QuotaRules.self, from: Data(json.utf8))
        #expect(rules.city == QuotaRules.default.city)
        #expect(abs(rules.county.fraction - 0.55) < 1e-12)
        #expect(rules.unit == QuotaTarget(fraction: 0.3, deadline: day("2020-12-31")))
        #expect(rules.livelihoodShare == 0.5)
        let roundTrip = try JSONDecoder().decode(QuotaRules.self, from: JSONEncoder().encode(rules))
        #expect(roundTrip == rules)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(QuotaRules.self, from: Data(#"{"city": {"target": 1.5, "deadline": "2018-12-31"}}"#.utf8))
        }
    }
}
