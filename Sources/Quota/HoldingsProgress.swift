public import QuotaSettings
/// The holdings rules, where the register has the data: holdings double against 2010, and livelihood
/// (民生) records make up at least 60% of holdings.
public struct HoldingsProgress: Sendable, Hashable {
    /// 2010 holdings, 卷 + 件.
    public var baseline: Int
    /// Current holdings, 卷 + 件, if the register gives them.
    public var current: Int?
    /// Current ÷ 2010 holdings (nil without current holdings or with a 0 baseline).
    public var growth: Double?
    /// The factor holdings must grow by (2.0).
    public var growthTarget: Double
    /// Whether holdings have grown enough (nil when unknown).
    public var growthMet: Bool?
    /// Livelihood records, 卷 + 件, if the register gives them.
    public var livelihood: Int?
    /// Livelihood records as a percentage of current holdings (nil when either is unknown or holdings are 0).
    public var livelihoodPercent: Double?
    /// The percentage livelihood records must reach (60.0).
    public var livelihoodTargetPercent: Double
    /// Whether livelihood records are a large enough share (nil when unknown).
    public var livelihoodMet: Bool?

    /// Evaluates the holdings rules for a register row; nil when it has neither current holdings nor
    /// livelihood figures.
    public init?(archive: RegisteredArchive, rules: QuotaRules) {
        guard archive.current != nil || archive.livelihood != nil else { return nil }
        baseline = archive.baseline
        current = archive.current
        growthTarget = rules.holdingsGrowth
        livelihood = archive.livelihood
        livelihoodTargetPercent = rules.livelihoodShare * 100
        if let current, baseline > 0 {
            growth = Double(current) / Double(baseline)
            growthMet = Double(current) >= rules.holdingsGrowth * Double(baseline) - 1e-9
        }
        if let livelihood, let current, current > 0 {
            livelihoodPercent = Double(livelihood) * 100 / Double(current)
            livelihoodMet = Double(livelihood) >= rules.livelihoodShare * Double(current) - 1e-9
        }
    }
}
