/// The figures over every archive that has a target (by default the city and county archives).
///
/// Baselines, digitized counts, target counts, gaps and rates are sums (an archive ahead of its target
/// does not make up for one behind: the gap is the sum of the archives' gaps). The status is met when
/// every archive has met its target, behind when any is behind, on track otherwise; the projected date is
/// the latest of the archives' (never if any is never).
public struct TotalProgress: Sendable, Hashable {
    /// How many archives are summed.
    public var archives: Int
    /// 2010 holdings in 卷.
    public var baselineVolumes: Int
    /// 2010 holdings in 件.
    public var baselineItems: Int
    /// 2010 holdings in pages, summed over the archives that give them (nil when none does).
    public var baselinePages: Int?
    /// Digitized by the as-of day.
    public var digitized: DigitizedCount
    /// The 卷 + 件 the archives' targets take together.
    public var targetCount: Int
    /// The 卷 + 件 still to do.
    public var gap: Int
    /// Met, on track or behind.
    public var status: QuotaStatus
    /// 卷 + 件 per week over the recent window.
    public var recentRate: Double
    /// When every target will be reached at the recent rates.
    public var projected: QuotaProjection
    /// Cumulative 卷 + 件 at the end of each of the report's weeks.
    public var burnUp: [Int]

    /// Makes a total.
    public init(
        archives: Int, baselineVolumes: Int, baselineItems: Int, baselinePages: Int?, digitized: DigitizedCount,
        targetCount: Int, gap: Int, status: QuotaStatus, recentRate: Double, projected: QuotaProjection, burnUp: [Int]
    ) {
        self.archives = archives
        self.baselineVolumes = baselineVolumes
        self.baselineItems = baselineItems
        self.baselinePages = baselinePages
        self.digitized = digitized
        self.targetCount = targetCount
        self.gap = gap
        self.status = status
        self.recentRate = recentRate
        self.projected = projected
        self.burnUp = burnUp
    }

    /// 2010 holdings, 卷 + 件.
    public var baseline: Int { baselineVolumes + baselineItems }
    /// Digitized as a percentage of the baseline (nil when it is 0).
    public var percent: Double? { baseline > 0 ? Double(digitized.total) * 100 / Double(baseline) : nil }
    /// The combined target as a percentage of the baseline (nil when it is 0).
    public var targetPercent: Double? { baseline > 0 ? Double(targetCount) * 100 / Double(baseline) : nil }
}
