public import QuotaSettings
public import Foundation
public import Catalog

/// Every archive's progress against its digitization quota as of a day, computed from the holdings
/// register, the quota rules and the verified records — pure arithmetic, no ledger access.
///
/// - digitized = the register's prior counts + every verified event of the archive dated on or before
///   the as-of day (events after it are ignored, so a past as-of day reproduces that day's figures;
///   events with `verified == false` are ignored);
/// - percent = digitized ÷ baseline × 100, both in 卷 + 件;
/// - recent rate = 卷 + 件 of the events in the `recent_weeks` × 7 days ending on the as-of day (inclusive),
///   ÷ `recent_weeks`, per week;
/// - gap, projected date and status as ``GoalProgress`` describes;
/// - burn-up: cumulative 卷 + 件 at the end of each week, the weeks ending on the as-of day and going back
///   to before the first verified event (at most ``maximumWeeks``).
///
/// ```swift
/// let report = QuotaReport.compute(register: register, rules: .default, events: events,
///                                  asOf: QuotaDay("2018-06-30")!)
/// report.archives[0].percent          // 64.0
/// report.archives[0].goal?.projected  // .date(2018-09-08)
/// print(report.terminalTable())
/// ```
public struct QuotaReport: Sendable, Hashable {
    /// The day the figures are as of.
    public var asOf: QuotaDay
    /// The rules applied.
    public var rules: QuotaRules
    /// The register's source (file path), if known.
    public var registerSource: String?
    /// Every register row in register order, archives and units alike.
    public var archives: [ArchiveProgress]
    /// Digital archive rooms among units.
    public var units: UnitRoomSummary
    /// The sum over the archives that have a target.
    public var total: TotalProgress
    /// The ends of the burn-up weeks, oldest first; the last is the as-of day.
    public var weeks: [QuotaDay]
    /// Verified events naming ids that are not in the register.
    public var unregistered: [UnregisteredArchive]
    /// Events ignored because their package failed verification.
    public var unverifiedEvents: Int
    /// Verified events ignored because they are dated after the as-of day.
    public var laterEvents: Int
    /// Register rows left out of every figure, with their lines and reasons (the register's ``HoldingsRegister/errors``).
    public var registerErrors: [CSVRowError] = []

    /// China Standard Time, the default zone events' moments are dated in.
    public static let chinaTimeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    /// The most burn-up weeks a report holds (ten years).
    public static let maximumWeeks = 520

    /// Makes a report from computed parts (``compute(register:rules:events:asOf:)`` is the usual way).
    public init(
        asOf: QuotaDay, rules: QuotaRules, registerSource: String?, archives: [ArchiveProgress],
        units: UnitRoomSummary, total: TotalProgress, weeks: [QuotaDay], unregistered: [UnregisteredArchive],
        unverifiedEvents: Int, laterEvents: Int
    ) {
        self.asOf = asOf
        self.rules = rules
        self.registerSource = registerSource
        self.archives = archives
        self.units = units
        self.total = total
        self.weeks = weeks
        self.unregistered = unregistered
        self.unverifiedEvents = unverifiedEvents
        self.laterEvents = laterEvents
    }

    /// The progress of the archive with this id.
    public subscript(id: String) -> ArchiveProgress? {
        archives.first { $0.id == id }
    }

    /// Computes the report.
    public static func compute(
        register: HoldingsRegister, rules: QuotaRules = .default,
        events: [DigitizationEvent], asOf: QuotaDay
    ) -> QuotaReport {
        let ids = Set(register.archives.map(\.id))
        var unverified = 0, later = 0
        var counted: [String: [DigitizationEvent]] = [:]
        var strays: [String: UnregisteredArchive] = [:]
        for event in events {
            guard event.verified else { unverified += 1; continue }
            guard event.day <= asOf else { later += 1; continue }
            if ids.contains(event.archive) {
                counted[event.archive, default: []].append(event)
            } else {
                var stray =
                    strays[event.archive] ?? UnregisteredArchive(id: event.archive, events: 0, digitized: DigitizedCount())
                stray.events += 1
                stray.digitized += DigitizedCount(
                    volumes: event.volumes, items: event.items, pages: event.pages, bytes: event.bytes)
                strays[event.archive] = stray
            }
        }

        // The burn-up weeks: ending on the as-of day, back to just before the first counted event.
        var weekCount = 1
        if let first = counted.values.lazy.flatMap({ $0 }).map(\.day).min() {
            weekCount = min(maximumWeeks, (asOf - first) / 7 + 2)
        }
        let weeks = (0..<weekCount).reversed().map { asOf.adding(days: -7 * $0) }

        let windowStart = asOf.adding(days: -(rules.recentDays - 1))
        var archives: [ArchiveProgress] = []
        for archive in register.archives {
            let own = (counted[archive.id] ?? []).sorted { $0.day < $1.day }
            var digitized = DigitizedCount(
                volumes: archive.priorVolumes, items: archive.priorItems,
                pages: archive.priorPages, bytes: archive.priorBytes)
            var recent = 0
            for event in own {
                digitized += DigitizedCount(volumes: event.volumes, items: event.items, pages: event.pages, bytes: event.bytes)
                if event.day >= windowStart { recent += event.count }
            }
            var burnUp: [Int] = []
            var running = archive.prior
            var index = 0
            for week in weeks {
                while index < own.count, own[index].day <= week {
                    running += own[index].count
                    index += 1
                }
                burnUp.append(running)
            }
            let goal = rules.target(for: archive.level).map {
                GoalProgress.evaluate(
                    $0, baseline: archive.baseline, digitized: digitized.total, recentCount: recent,
                    recentDays: rules.recentDays, asOf: asOf)
            }
            let completion =
                archive.level == .county
                ? rules.countyCompletion.map {
                    GoalProgress.evaluate(
                        $0, baseline: archive.baseline, digitized: digitized.total, recentCount: recent,
                        recentDays: rules.recentDays, asOf: asOf)
                } : nil
            archives.append(
                ArchiveProgress(
                    archive: archive, digitized: digitized, recentCount: recent,
                    recentRate: Double(recent) / Double(rules.recentWeeks), goal: goal,
                    completion: completion, holdings: HoldingsProgress(archive: archive, rules: rules),
                    burnUp: burnUp))
        }

        var report = QuotaReport(
            asOf: asOf, rules: rules, registerSource: register.source, archives: archives,
            units: unitRooms(register: register, rules: rules),
            total: total(of: archives, weekCount: weeks.count, asOf: asOf),
            weeks: weeks, unregistered: strays.values.sorted { $0.id < $1.id },
            unverifiedEvents: unverified, laterEvents: later)
        report.registerErrors = register.errors
        return report
    }

    private static func unitRooms(register: HoldingsRegister, rules: QuotaRules) -> UnitRoomSummary {
        let levels = Dictionary(register.archives.map { ($0.id, $0.level) }, uniquingKeysWith: { first, _ in first })
        let units = register.archives.filter { $0.level == .unit }
        func progress(_ level: ArchiveLevel) -> UnitRoomProgress {
            let mine = units.filter { $0.parent.flatMap { levels[$0] } == level }
            return UnitRoomProgress(
                parentLevel: level, units: mine.map(\.id),
                withoutRoom: mine.filter { !$0.hasDigitalRoom }.map(\.id),
                requiredShare: rules.unitRoomShare(underParent: level) ?? 0,
                deadline: rules.unitRoomDeadline)
        }
        return UnitRoomSummary(
            city: progress(.city), county: progress(.county),
            unassigned: units.filter { $0.parent.flatMap { levels[$0] } == nil }.map(\.id))
    }

    private static func total(of archives: [ArchiveProgress], weekCount: Int, asOf: QuotaDay) -> TotalProgress {
        let targeted = archives.filter { $0.goal != nil }
        let goals = targeted.compactMap(\.goal)
        let pages = targeted.compactMap(\.archive.baselinePages)
        let gap = goals.reduce(0) { $0 + $1.gap }
        let status: QuotaStatus =
            if goals.allSatisfy({ $0.status == .met }) {
                .met
            } else if goals.contains(where: { $0.status == .behind }) {
                .behind
            } else {
                .onTrack
            }
        let projected: QuotaProjection
        if gap == 0 {
            projected = .date(asOf)
        } else if goals.contains(where: { $0.projected == .never }) {
            projected = .never
        } else {
            projected = .date(goals.compactMap(\.projected.day).max() ?? asOf)
        }
        var burnUp = Array(repeating: 0, count: weekCount)
        for archive in targeted {
            for (index, value) in archive.burnUp.enumerated() { burnUp[index] += value }
        }
        return TotalProgress(
            archives: targeted.count,
            baselineVolumes: targeted.reduce(0) { $0 + $1.archive.baselineVolumes },
            baselineItems: targeted.reduce(0) { $0 + $1.archive.baselineItems },
            baselinePages: pages.isEmpty ? nil : pages.reduce(0, +),
            digitized: targeted.reduce(DigitizedCount()) { $0 + $1.digitized },
            targetCount: goals.reduce(0) { $0 + $1.targetCount }, gap: gap, status: status,
            recentRate: targeted.reduce(0) { $0 + $1.recentRate }, projected: projected, burnUp: burnUp)
    }
}
