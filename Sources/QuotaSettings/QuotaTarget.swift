/// A digitization target: a share of the 2010 holdings (卷 + 件) to reach by a deadline.
///
/// In configuration: `{target: 0.70, deadline: 2018-12-31}` (the target may also be written `"70%"`).
public struct QuotaTarget: Sendable, Hashable {
    /// The share of the baseline, 0…1 (0.70 for 70%).
    public var fraction: Double
    /// The last day by which the share must be reached.
    public var deadline: QuotaDay

    /// Makes a target.
    public init(fraction: Double, deadline: QuotaDay) {
        self.fraction = fraction
        self.deadline = deadline
    }

    /// The target as a percentage (70.0 for 0.70).
    public var percent: Double { fraction * 100 }

    /// The whole number of 卷 + 件 that reaching `fraction` of `baseline` takes (rounded up).
    public func count(ofBaseline baseline: Int) -> Int {
        guard baseline > 0, fraction > 0 else { return 0 }
        // Guard against binary fractions: 0.7 × 10000 must be 7000, not 7001.
        let count = (fraction * Double(baseline) - 1e-9).rounded(.up)
        return count.isFinite && count < 9.0e18 ? Int(count) : Int.max
    }
}

// MARK: - Codable

extension QuotaTarget: Codable {
    enum CodingKeys: String, CodingKey { case target, deadline }

    /// Decodes `{target, deadline}`; the target is a fraction (0.70) or a percentage string ("70%").
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fraction = try QuotaFraction.decode(container, forKey: .target)
        deadline = try container.decode(QuotaDay.self, forKey: .deadline)
    }

    /// Encodes `{target, deadline}` with the target as a fraction.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fraction, forKey: .target)
        try container.encode(deadline, forKey: .deadline)
    }
}
