/// Where an archive stands against its target.
public enum QuotaStatus: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// The target is reached (percent ≥ target).
    case met
    /// Not reached, but at the recent rate it will be by the deadline.
    case onTrack = "on_track"
    /// Not reached and, at the recent rate, not by the deadline (or never: no recent progress).
    case behind
    /// The archive's level has no target.
    case noTarget = "no_target"

    /// English and Chinese label, e.g. "on track 进度正常".
    public var label: String {
        switch self {
        case .met: "met 已完成"
        case .onTrack: "on track 进度正常"
        case .behind: "behind 滞后"
        case .noTarget: "no target 无指标"
        }
    }

    /// The English words ("on track").
    public var description: String {
        switch self {
        case .met: "met"
        case .onTrack: "on track"
        case .behind: "behind"
        case .noTarget: "no target"
        }
    }
}
