/// One archive's (or unit's) progress as of a day: baseline, digitized, percentage, target, gap,
/// status, recent rate and projected date, with pages and GB beside.
public struct ArchiveProgress: Sendable, Hashable, Identifiable {
    /// The register row.
    public var archive: RegisteredArchive
    /// Digitized by the as-of day: the register's prior counts plus verified records up to that day.
    public var digitized: DigitizedCount
    /// 卷 + 件 verified in the recent window (the `recent_weeks` × 7 days ending on the as-of day).
    public var recentCount: Int
    /// The recent rate, 卷 + 件 per week (`recentCount` ÷ weeks).
    public var recentRate: Double
    /// Progress toward the level's target (nil when the level has none, as units by default).
    public var goal: GoalProgress?
    /// Progress toward completion (county archives: digital archive basically complete by 2025).
    public var completion: GoalProgress?
    /// The holdings rules, when the register has current holdings or livelihood figures.
    public var holdings: HoldingsProgress?
    /// Cumulative 卷 + 件 digitized at the end of each of the report's ``QuotaReport/weeks``.
    public var burnUp: [Int]

    /// Makes a progress value.
    public init(
        archive: RegisteredArchive, digitized: DigitizedCount, recentCount: Int, recentRate: Double,
        goal: GoalProgress?, completion: GoalProgress?, holdings: HoldingsProgress?, burnUp: [Int]
    ) {
        self.archive = archive
        self.digitized = digitized
        self.recentCount = recentCount
        self.recentRate = recentRate
        self.goal = goal
        self.completion = completion
        self.holdings = holdings
        self.burnUp = burnUp
    }

    /// The register id.
    public var id: String { archive.id }
    /// 2010 holdings, 卷 + 件.
    public var baseline: Int { archive.baseline }
    /// Digitized as a percentage of the 2010 holdings (nil when the baseline is 0).
    public var percent: Double? {
        archive.baseline > 0 ? Double(digitized.total) * 100 / Double(archive.baseline) : nil
    }
    /// The status against the level's target (``QuotaStatus/noTarget`` without one).
    public var status: QuotaStatus { goal?.status ?? .noTarget }
}
