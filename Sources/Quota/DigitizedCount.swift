/// What has been digitized: 卷, 件, pages and bytes, side by side as national statistics report them.
public struct DigitizedCount: Sendable, Hashable, Codable {
    /// 卷 digitized.
    public var volumes: Int
    /// 件 digitized.
    public var items: Int
    /// Pages digitized.
    public var pages: Int
    /// Bytes of digitized copies.
    public var bytes: Int64

    /// Makes a count.
    public init(volumes: Int = 0, items: Int = 0, pages: Int = 0, bytes: Int64 = 0) {
        self.volumes = volumes
        self.items = items
        self.pages = pages
        self.bytes = bytes
    }

    /// 卷 + 件, the figure quotas are measured in.
    public var total: Int { volumes + items }

    /// Gigabytes (10⁹ bytes), rounded to 3 decimals.
    public var gigabytes: Double { (Double(bytes) / 1e6).rounded() / 1000 }

    /// Adds another count.
    public static func + (lhs: DigitizedCount, rhs: DigitizedCount) -> DigitizedCount {
        DigitizedCount(
            volumes: lhs.volumes + rhs.volumes, items: lhs.items + rhs.items,
            pages: lhs.pages + rhs.pages, bytes: lhs.bytes + rhs.bytes)
    }

    /// Adds another count in place.
    public static func += (lhs: inout DigitizedCount, rhs: DigitizedCount) {
        lhs = lhs + rhs
    }
}
