public import QuotaSettings
/// One row of the holdings register: an archive or unit, its 2010 holdings and what was digitized
/// before Quire.
///
/// Counts are in 卷 (volumes, for records arranged in volumes) and 件 (items, for records arranged by
/// item since DA/T 22-2000); national statistics add them together ("万卷、件").
public struct RegisteredArchive: Sendable, Hashable, Codable, Identifiable {
    /// The register id, which digitization events name (a pipeline's `archive:`).
    public var id: String
    /// The archive's name, e.g. 某某市档案馆.
    public var name: String
    /// City archive, county/district archive, or unit.
    public var level: ArchiveLevel
    /// The id of the archive this row belongs to (a unit's receiving archive, a county's city), if given.
    public var parent: String?
    /// 2010 holdings in 卷.
    public var baselineVolumes: Int
    /// 2010 holdings in 件.
    public var baselineItems: Int
    /// 2010 holdings in pages, where known.
    public var baselinePages: Int?
    /// 卷 digitized before Quire.
    public var priorVolumes: Int
    /// 件 digitized before Quire.
    public var priorItems: Int
    /// Pages digitized before Quire (optional column `prior_pages`; 0 when absent).
    public var priorPages: Int
    /// Bytes digitized before Quire (optional column `prior_gb`, in GB of 10⁹ bytes; 0 when absent).
    public var priorBytes: Int64
    /// Whether the row has a basic digital archive room (数字档案室).
    public var hasDigitalRoom: Bool
    /// Current holdings in 卷 (optional column `current_volumes`), for the doubling rule.
    public var currentVolumes: Int?
    /// Current holdings in 件 (optional column `current_items`), for the doubling rule.
    public var currentItems: Int?
    /// Livelihood (民生) records in 卷 (optional column `livelihood_volumes`).
    public var livelihoodVolumes: Int?
    /// Livelihood (民生) records in 件 (optional column `livelihood_items`).
    public var livelihoodItems: Int?
    /// The line of the register the row starts on (0 for rows made in code).
    public var line: Int

    /// The largest count a register cell may state (10¹², a thousand times the holdings of every archive in
    /// China): with at most ``HoldingsRegister/maxRows`` rows, every total stays far inside `Int`.
    public static let maxCount = 1_000_000_000_000
    /// The largest `prior_gb` a register cell may state (10⁶ GB, a petabyte).
    public static let maxGigabytes = 1_000_000.0

    /// Makes a row.
    public init(
        id: String, name: String, level: ArchiveLevel, parent: String? = nil,
        baselineVolumes: Int, baselineItems: Int, baselinePages: Int? = nil,
        priorVolumes: Int = 0, priorItems: Int = 0, priorPages: Int = 0, priorBytes: Int64 = 0,
        hasDigitalRoom: Bool = false, currentVolumes: Int? = nil, currentItems: Int? = nil,
        livelihoodVolumes: Int? = nil, livelihoodItems: Int? = nil, line: Int = 0
    ) {
        self.id = id
        self.name = name
        self.level = level
        self.parent = parent
        self.baselineVolumes = baselineVolumes
        self.baselineItems = baselineItems
        self.baselinePages = baselinePages
        self.priorVolumes = priorVolumes
        self.priorItems = priorItems
        self.priorPages = priorPages
        self.priorBytes = priorBytes
        self.hasDigitalRoom = hasDigitalRoom
        self.currentVolumes = currentVolumes
        self.currentItems = currentItems
        self.livelihoodVolumes = livelihoodVolumes
        self.livelihoodItems = livelihoodItems
        self.line = line
    }

    /// 2010 holdings in 卷 + 件.
    public var baseline: Int { baselineVolumes + baselineItems }

    /// Digitized before Quire, in 卷 + 件.
    public var prior: Int { priorVolumes + priorItems }

    /// Current holdings in 卷 + 件, when the register gives either.
    public var current: Int? {
        if currentVolumes == nil && currentItems == nil { return nil }
        return (currentVolumes ?? 0) + (currentItems ?? 0)
    }

    /// Livelihood records in 卷 + 件, when the register gives either.
    public var livelihood: Int? {
        if livelihoodVolumes == nil && livelihoodItems == nil { return nil }
        return (livelihoodVolumes ?? 0) + (livelihoodItems ?? 0)
    }
}
