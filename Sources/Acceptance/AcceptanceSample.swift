public import QuireCore

/// A DA/T 31 acceptance sample (验收抽检): a share of the bags drawn by a seed, so another person can draw and
/// review the same ones, and the batch's verdict once they are checked.
///
/// ```swift
/// var sample = AcceptanceSample(bags: all, percent: 5, seed: 20261125, passPercent: 95)
/// let results = await auditor.audit(bags: sample.drawn, depth: .full)
/// sample.judge(passed: results.filter(\.valid).count, checked: results.count)
/// sample.accepted   // true when at least 95% of the drawn bags pass
/// ```
public struct AcceptanceSample: Sendable, Equatable, Encodable {
    /// Share of the bags drawn, in percent (0, 100].
    public var percent: Double
    /// The seed of the draw.
    public var seed: UInt64
    /// Bags the sample was drawn from.
    public var population: Int
    /// The bags drawn, sorted: at least one, and `percent` of the population rounded up.
    public var drawn: [String]
    /// Share of the drawn bags that must pass, in percent.
    public var passPercent: Double
    /// Share of the drawn bags that passed, once judged.
    public var passedPercent: Double = 0
    /// Whether the batch is accepted, once judged.
    public var accepted: Bool = false

    enum CodingKeys: String, CodingKey {
        case percent, seed, population, drawn, accepted
        case passPercent = "pass_percent"
        case passedPercent = "passed_percent"
    }

    /// Draws `percent` of `bags` (at least one) with `seed`; the same bags and seed always draw the same sample.
    public init(bags: [String], percent: Double, seed: UInt64, passPercent: Double) {
        let count = max(1, Int((Double(bags.count) * percent / 100).rounded(.up)))
        var rng = SplitMix(seed: seed)
        self.percent = percent
        self.seed = seed
        self.population = bags.count
        self.drawn = Array(bags.shuffled(using: &rng).prefix(count)).sorted()
        self.passPercent = passPercent
    }

    /// Records how many of the `checked` drawn bags passed: the batch is accepted when their share reaches
    /// ``passPercent``.
    public mutating func judge(passed: Int, checked: Int) {
        passedPercent = 100 * Double(passed) / Double(checked)
        accepted = passedPercent >= passPercent
    }
}
