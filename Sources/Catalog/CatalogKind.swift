/// Whether a catalog lists items (件) or volumes (卷).
public enum CatalogKind: String, Sendable, Codable, CaseIterable {
    /// An item catalog (归档文件目录 / 卷内文件目录, DA/T 22-2015): 题名, 日期, 页数 per item.
    case item
    /// A volume catalog (案卷目录, GB/T 9705-2008): 案卷题名, 起止日期, 件数, 页数 per volume.
    case volume

    /// The kind a set of columns suggests: volume when 案卷题名, 起止日期 or 件数 is present, else item.
    public static func inferred(from fields: some Sequence<CatalogField>) -> CatalogKind {
        fields.contains { $0 == .volumeTitle || $0 == .dateRange || $0 == .itemCount } ? .volume : .item
    }
}
