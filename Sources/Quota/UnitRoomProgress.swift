public import QuotaSettings
/// The units under archives of one level and how many have a basic digital archive room, against the
/// required share (≥ 80% of city units, ≥ 50% of county units).
public struct UnitRoomProgress: Sendable, Hashable {
    /// The level of the archives the units belong to (`parent` column).
    public var parentLevel: ArchiveLevel
    /// The units' register ids.
    public var units: [String]
    /// The ids of those without a digital archive room.
    public var withoutRoom: [String]
    /// The required share, 0…1.
    public var requiredShare: Double
    /// When the share is due.
    public var deadline: QuotaDay

    /// Makes a progress value.
    public init(parentLevel: ArchiveLevel, units: [String], withoutRoom: [String], requiredShare: Double, deadline: QuotaDay) {
        self.parentLevel = parentLevel
        self.units = units
        self.withoutRoom = withoutRoom
        self.requiredShare = requiredShare
        self.deadline = deadline
    }

    /// Units counted.
    public var count: Int { units.count }
    /// Units with a room.
    public var withRoom: Int { units.count - withoutRoom.count }
    /// Percentage with a room (nil when there are no units).
    public var percent: Double? { units.isEmpty ? nil : Double(withRoom) * 100 / Double(units.count) }
    /// The required share as a percentage.
    public var targetPercent: Double { requiredShare * 100 }
    /// Units that must have a room (the share of the count, rounded up).
    public var required: Int {
        units.isEmpty ? 0 : Int((requiredShare * Double(units.count) - 1e-9).rounded(.up))
    }
    /// Units that still need a room to meet the share.
    public var gap: Int { max(0, required - withRoom) }
    /// Whether the share is met.
    public var met: Bool { gap == 0 }
}
