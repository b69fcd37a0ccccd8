public import QuotaSettings
/// When a target will be reached at the recent rate.
public enum QuotaProjection: Sendable, Hashable, CustomStringConvertible {
    /// On this day (the as-of day when already reached).
    case date(QuotaDay)
    /// Never: something remains and there was no progress in the recent weeks.
    case never

    /// The day, or nil for ``never``.
    public var day: QuotaDay? {
        if case .date(let day) = self { return day }
        return nil
    }

    /// `YYYY-MM-DD` or `never`.
    public var description: String {
        switch self {
        case .date(let day): day.description
        case .never: "never"
        }
    }
}
