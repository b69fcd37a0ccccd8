import QuotaSettings
import Foundation
import Quota
import Testing

@Suite struct QuotaReportTests {
    @Test func cityArchiveOnTrack() throws {
        let report = try Fixtures.report()
        let c01 = try #require(report["C01"])
        // Digitized = prior 6000 + 100 (06-02) + 200 (06-03) + 200 (06-30) = 6500; the unverified 300 件
        // (06-15) and the 999 卷 of 07-01 (after as-of) do not count.
        #expect(c01.digitized.total == 6500)
        #expect(c01.digitized.volumes == 3600 + 100 + 150 + 200)  // 4050
        #expect(c01.digitized.items == 2400 + 50)  // 2450
        #expect(c01.digitized.pages == 8000 + 20000 + 16000)  // 44000
        #expect(c01.digitized.gigabytes == 4.0)  // 0.5 + 2.5 + 1.0 GB
        // 6500 / 10000 = 65%.
        #expect(c01.percent == 65.0)
        let goal = try #require(c01.goal)
        // Target 70% of 10000 = 7000 by 2018-12-31; gap 7000 − 6500 = 500.
        #expect(goal.targetCount == 7000)
        #expect(goal.target.percent == 70.0)
        #expect(goal.gap == 500)
        // Window: the 28 days 2018-06-03 … 2018-06-30. 06-02 is just outside; 06-03 (200) and 06-30 (200)
        // inside: 400 卷+件 in 4 weeks = 100 per week.
        #expect(c01.recentCount == 400)
        #expect(c01.recentRate == 100.0)
        // 500 at 100/week = 5 weeks = 35 days: 2018-06-30 + 35 = 2018-08-04, before the deadline: on track.
        #expect(goal.projected == .date(day("2018-08-04")))
        #expect(goal.status == .onTrack)
        #expect(c01.completion == nil)  // only county archives have the 2025 completion target
    }

    @Test func countyWithNoRecentProgressNeverMeetsItsTarget() throws {
        let report = try Fixtures.report()
        let x01 = try #require(report["X01"])
        // Baseline 4000, prior 1500, no events: 37.5%; target 50% = 2000, gap 500.
        #expect(x01.digitized.total == 1500)
        #expect(x01.percent == 37.5)
        let goal = try #require(x01.goal)
        #expect(goal.targetCount == 2000)
        #expect(goal.gap == 500)
        // No progress in the last four weeks: rate 0, projected "never" (no division by zero), behind.
        #expect(x01.recentRate == 0)
        #expect(goal.projected == .never)
        #expect(goal.projected.description == "never")
        #expect(goal.status == .behind)
        // 2025 completion: 100% of 4000, gap 2500, never, behind.
        let completion = try #require(x01.completion)
        #expect(completion.targetCount == 4000)
        #expect(completion.gap == 2500)
        #expect(completion.projected == .never)
        #expect(completion.status == .behind)
    }

    @Test func districtArchiveThatMetItsTarget() throws {
        let report = try Fixtures.report()
        let x02 = try #require(report["X02"])
        #expect(x02.archive.level == .county)  // "district" reads as county
        // Baseline 2000, prior 400 + 700 (06-10) = 1100: 55% ≥ 50%: met, gap 0, projected = as-of.
        #expect(x02.digitized.total == 1100)
        #expect(x02.percent == 55.0)
        let goal = try #require(x02.goal)
        #expect(goal.targetCount == 1000)
        #expect(goal.gap == 0)
        #expect(goal.status == .met)
        #expect(goal.projected == .date(day("2018-06-30")))
        // Rate 700 / 4 = 175 per week. Completion: 2000 − 1100 = 900 to go: ⌈900 × 28 / 700⌉ = 36 days,
        // 2018-06-30 + 36 = 2018-08-05, well before 2025-12-31: on track.
        #expect(x02.recentRate == 175.0)
        let completion = try #require(x02.completion)
        #expect(completion.gap == 900)
        #expect(completion.projected == .date(day("2018-08-05")))
        #expect(completion.status == .onTrack)
    }

    @Test func totalsOverTheTargetedArchives() throws {
        let report = try Fixtures.report()
        let total = report.total
        // C01 + X01 + X02 (units have no target): baseline 10000 + 4000 + 2000 = 16000.
        #expect(total.archives == 3)
        #expect(total.baseline == 16000)
        #expect(total.baselineVolumes == 6000 + 3000 + 2000)
        #expect(total.baselineItems == 4000 + 1000)
        #expect(total.baselinePages == 500_000 + 80000)
        // Digitized 6500 + 1500 + 1100 = 9100: 56.875%.
        #expect(total.digitized.total == 9100)
        #expect(total.percent == 56.875)
        // Targets 7000 + 2000 + 1000 = 10000 (62.5%); gaps 500 + 500 + 0 = 1000 (X02's surplus does not
        // offset the others' gaps).
        #expect(total.targetCount == 10000)
        #expect(total.targetPercent == 62.5)
        #expect(total.gap == 1000)
        // X01 is behind, so the total is behind and, X01 never finishing, so is the total.
        #expect(total.status == .behind)
        #expect(total.projected == .never)
        #expect(total.recentRate == 100 + 0 + 175)
        #expect(total.digitized.gigabytes == 7.0)
    }

    @Test func unitsHaveNoTargetButCountRooms() throws {
        let report = try Fixtures.report()
        let unit = try #require(report["U001"])
        #expect(unit.goal == nil)
        #expect(unit.status == .noTarget)
        // City units: U001 (room), U002 (none): 1 of 2 = 50%; 80% of 2 = 1.6 → 2 needed; 1 more to go.
        let city = report.units.city
        #expect(city.units == ["U001", "U002"])
        #expect(city.withRoom == 1)
        #expect(city.percent == 50.0)
        #expect(city.targetPercent == 80.0)
        #expect(city.required == 2)
        #expect(city.gap == 1)
        #expect(!city.met)
        #expect(city.withoutRoom == ["U002"])
        // County units: U003 under X01 (room), U004 under X02 (none): 1 of 2 = 50% ≥ 50%: met.
        let county = report.units.county
        #expect(county.units == ["U003", "U004"])
        #expect(county.withRoom == 1)
        #expect(county.required == 1)
        #expect(county.gap == 0)
        #expect(county.met)
        #expect(report.units.unassigned.isEmpty)
    }

    @Test func failedVerificationDoesNotCount() throws {
        let register = try Fixtures.register()
        let passed = DigitizationEvent(archive: "X01", day: day("2018-06-20"), items: 10, pages: 100, bytes: 1000)
        var failed = passed
        failed.verified = false
        let withFailure = QuotaReport.compute(register: register, events: [passed, failed, failed], asOf: day("2018-06-30"))
        let without = QuotaReport.compute(register: register, events: [passed], asOf: day("2018-06-30"))
        #expect(withFailure["X01"]?.digitized.total == 1510)
        #expect(withFailure["X01"]?.recentCount == 10)
        #expect(withFailure.archives == without.archives)
        #expect(withFailure.total == without.total)
        #expect(withFailure.unverifiedEvents == 2)
        // In the fixture, the 300 件 of 06-15 failed verification: C01 stays at 6500.
        let report = try Fixtures.report()
        #expect(report["C01"]?.digitized.items == 2450)
        #expect(report.unverifiedEvents == 1)
    }

    @Test func pastAsOfReproducesThatDay() throws {
        let full = try Fixtures.report(asOf: "2018-06-09")
        let c01 = try #require(full["C01"])
        // As of 2018-06-09: 6000 + 100 (06-02) + 200 (06-03) = 6300, 63%; gap 700.
        #expect(c01.digitized.total == 6300)
        #expect(c01.percent == 63.0)
        #expect(c01.goal?.gap == 700)
        // Window 2018-05-13 … 2018-06-09 holds 300: 75 per week; ⌈700 × 28 / 300⌉ = 66 days:
        // 2018-06-09 + 66 = 2018-08-14.
        #expect(c01.recentRate == 75.0)
        #expect(c01.goal?.projected == .date(day("2018-08-14")))
        // X02's 700 卷 of 06-10 are in the future: 400 of 2000 = 20%, no recent progress: never, behind.
        let x02 = try #require(full["X02"])
        #expect(x02.digitized.total == 400)
        #expect(x02.goal?.projected == .never)
        #expect(x02.goal?.status == .behind)
        // 06-10 (X02), 06-20 (Z99), 06-30 and 07-01 (C01) are after as-of.
        #expect(full.laterEvents == 4)
        #expect(full.unregistered.isEmpty)

        // The same figures as a report computed that day, when the later events did not exist yet.
        let thatDay = QuotaReport.compute(
            register: try Fixtures.register(),
            events: Fixtures.events.filter { $0.day <= day("2018-06-09") },
            asOf: day("2018-06-09"))
        #expect(thatDay.archives == full.archives)
        #expect(thatDay.total == full.total)
        #expect(thatDay.units == full.units)
        #expect(thatDay.weeks == full.weeks)
        #expect(thatDay.laterEvents == 0)
    }

    @Test func burnUpByWeek() throws {
        let report = try Fixtures.report()
        // First counted event 2018-06-02, as-of 2018-06-30: weeks ending 05-26 (before it) … 06-30.
        #expect(
            report.weeks.map(\.description) == [
                "2018-05-26", "2018-06-02", "2018-06-09", "2018-06-16", "2018-06-23", "2018-06-30",
            ])
        #expect(report["C01"]?.burnUp == [6000, 6100, 6300, 6300, 6300, 6500])
        #expect(report["X01"]?.burnUp == [1500, 1500, 1500, 1500, 1500, 1500])
        #expect(report["X02"]?.burnUp == [400, 400, 400, 1100, 1100, 1100])
        #expect(report.total.burnUp == [7900, 8000, 8200, 8900, 8900, 9100])
        #expect(report.total.burnUp.last == report.total.digitized.total)
    }

    @Test func unregisteredArchivesAreReportedNotCounted() throws {
        let report = try Fixtures.report()
        #expect(report.unregistered.map(\.id) == ["Z99"])
        #expect(report.unregistered.first?.digitized.items == 5)
        #expect(report.total.digitized.total == 9100)
    }

    @Test func emptyLedgerAndZeroBaseline() throws {
        let register = HoldingsRegister(archives: [
            RegisteredArchive(id: "C", name: "City", level: .city, baselineVolumes: 0, baselineItems: 0),
            RegisteredArchive(id: "K", name: "County", level: .county, baselineVolumes: 100, baselineItems: 0),
        ])
        let report = QuotaReport.compute(register: register, events: [], asOf: day("2019-01-01"))
        // A zero baseline: nothing to do, met, no percentage (no division by zero).
        #expect(report["C"]?.percent == nil)
        #expect(report["C"]?.status == .met)
        // 0 of 100 with no events, after the deadline: behind, never.
        #expect(report["K"]?.goal?.gap == 50)
        #expect(report["K"]?.goal?.projected == .never)
        #expect(report["K"]?.status == .behind)
        #expect(report.weeks == [day("2019-01-01")])
        #expect(report["K"]?.burnUp == [0])
        // Every renderer copes.
        #expect(report.jsonString().contains("\"projected_date\": \"never\""))
        #expect(!report.terminalTable().isEmpty)
        #expect(report.csvString().hasPrefix("id,"))
        #expect(report.html().contains("</html>"))
    }

    @Test func onTrackTurnsBehindWhenTheRateIsTooSlow() throws {
        let register = HoldingsRegister(archives: [
            RegisteredArchive(id: "C", name: "City", level: .city, baselineVolumes: 1000, baselineItems: 0)
        ])
        // 4 items in the last 4 weeks: 1 per week; 700 to go = 4900 days after 2018-06-30 — past 2018-12-31.
        let events = (0..<4).map { DigitizationEvent(archive: "C", day: day("2018-06-30").adding(days: -7 * $0), items: 1) }
        let report = QuotaReport.compute(register: register, events: events, asOf: day("2018-06-30"))
        let goal = try #require(report["C"]?.goal)
        #expect(goal.gap == 696)
        // ⌈696 × 28 / 4⌉ = 4872 days.
        #expect(goal.projected == .date(day("2018-06-30").adding(days: 4872)))
        #expect(goal.status == .behind)
    }

    @Test func holdingsDoublingAndLivelihood() throws {
        let csv = """
            id,name,level,baseline_volumes,baseline_items,baseline_pages,prior_volumes,prior_items,has_digital_room,current_volumes,current_items,livelihood_items
            C01,市馆,city,6000,4000,,0,0,yes,15000,6000,12000
            X01,县馆,county,3000,1000,,0,0,no,5000,2000,5000
            X02,区馆,county,100,0,,0,0,no,,,
            """
        let register = try HoldingsRegister.read(data: Data(csv.utf8), source: "h.csv")
        let report = QuotaReport.compute(register: register, events: [], asOf: day("2018-06-30"))
        // C01: 21000 / 10000 = ×2.1 ≥ ×2: met; livelihood 12000 / 21000 = 57.14% < 60%: not met.
        let c01 = try #require(report["C01"]?.holdings)
        #expect(c01.current == 21000)
        #expect(c01.growth == 2.1)
        #expect(c01.growthMet == true)
        #expect(abs((c01.livelihoodPercent ?? 0) - 57.142857) < 1e-5)
        #expect(c01.livelihoodMet == false)
        // X01: 7000 / 4000 = ×1.75: not met; 5000 / 7000 = 71.43%: met.
        let x01 = try #require(report["X01"]?.holdings)
        #expect(x01.growthMet == false)
        #expect(x01.livelihoodMet == true)
        // X02 has no figures: not reported.
        #expect(report["X02"]?.holdings == nil)
    }

    @Test func configuredRulesChangeTargets() throws {
        var rules = QuotaRules.default
        rules.city = QuotaTarget(fraction: 0.80, deadline: day("2020-12-31"))
        rules.cityUnitRooms = 0.5
        let report = QuotaReport.compute(
            register: try Fixtures.register(), rules: rules, events: Fixtures.events,
            asOf: day("2018-06-30"))
        // 80% of 10000 = 8000; 6500 done: gap 1500 at 100/week = 15 weeks = 105 days → 2018-10-13.
        #expect(report["C01"]?.goal?.gap == 1500)
        #expect(report["C01"]?.goal?.projected == .date(day("2018-10-13")))
        #expect(report.units.city.met)
    }
}
