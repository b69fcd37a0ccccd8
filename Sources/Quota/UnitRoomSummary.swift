/// The unit section of the report: digital archive rooms among city units and county units.
public struct UnitRoomSummary: Sendable, Hashable {
    /// Units whose parent is a city archive (required share 80% by default).
    public var city: UnitRoomProgress
    /// Units whose parent is a county or district archive (required share 50% by default).
    public var county: UnitRoomProgress
    /// Units without a `parent`, which therefore count toward neither share.
    public var unassigned: [String]

    /// Makes a summary.
    public init(city: UnitRoomProgress, county: UnitRoomProgress, unassigned: [String]) {
        self.city = city
        self.county = county
        self.unassigned = unassigned
    }
}
