public import QuotaSettings
/// Progress toward one target: how many 卷 + 件 it takes, how many remain, and when they will be done.
///
/// - `gap` = target count − digitized, never negative; the target count is `target × baseline` rounded up.
/// - `projected`: the as-of day when the gap is 0; ``QuotaProjection/never`` when the recent rate is 0;
///   otherwise as-of + ⌈gap ÷ rate⌉ in days, i.e. ⌈gap × window days ÷ 卷+件 in the window⌉.
/// - `status`: met when the gap is 0, on track when the projected day is on or before the deadline,
///   behind otherwise.
public struct GoalProgress: Sendable, Hashable {
    /// The target.
    public var target: QuotaTarget
    /// The 卷 + 件 the target takes.
    public var targetCount: Int
    /// The 卷 + 件 still to do (0 when met).
    public var gap: Int
    /// Met, on track or behind.
    public var status: QuotaStatus
    /// When the target will be reached at the recent rate.
    public var projected: QuotaProjection

    /// Makes a progress value.
    public init(target: QuotaTarget, targetCount: Int, gap: Int, status: QuotaStatus, projected: QuotaProjection) {
        self.target = target
        self.targetCount = targetCount
        self.gap = gap
        self.status = status
        self.projected = projected
    }

    /// Evaluates a target for an archive with `baseline` 卷 + 件, `digitized` done by `asOf`, and
    /// `recentCount` 卷 + 件 done in the `recentDays` days ending on `asOf`.
    public static func evaluate(
        _ target: QuotaTarget, baseline: Int, digitized: Int, recentCount: Int,
        recentDays: Int, asOf: QuotaDay
    ) -> GoalProgress {
        let targetCount = target.count(ofBaseline: baseline)
        let gap = max(0, targetCount - digitized)
        let projected: QuotaProjection
        if gap == 0 {
            projected = .date(asOf)
        } else if recentCount <= 0 || recentDays <= 0 {
            projected = .never
        } else {
            let product = gap.multipliedReportingOverflow(by: recentDays)
            let days = product.overflow ? Int.max / 2 : (product.partialValue + recentCount - 1) / recentCount
            projected = days > 3_650_000 ? .never : .date(asOf.adding(days: days))
        }
        let status: QuotaStatus
        if gap == 0 {
            status = .met
        } else if let day = projected.day, day <= target.deadline {
            status = .onTrack
        } else {
            status = .behind
        }
        return GoalProgress(target: target, targetCount: targetCount, gap: gap, status: status, projected: projected)
    }
}
