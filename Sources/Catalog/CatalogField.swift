/// A catalog column Quire understands.
///
/// Item catalogs (卷内文件目录 / 归档文件目录, DA/T 22-2015) have 序号, 档号, 文号, 责任者, 题名, 日期, 密级,
/// 页数, 备注; volume catalogs (案卷目录, GB/T 9705-2008) have 档号, 案卷题名, 起止日期, 件数, 页数, 保管期限,
/// 全宗名称, 类目名称. The raw value is a stable English key used in JSON and XML; ``header`` is the
/// standard Chinese column heading.
public enum CatalogField: String, Sendable, Codable, CaseIterable {
    /// 序号 (running number).
    case serial
    /// 档号 (archival reference code).
    case code
    /// 文号 (document number, e.g. 市档发〔1998〕7号).
    case documentNumber = "document_number"
    /// 责任者 (responsible party, author).
    case responsibleParty = "responsible_party"
    /// 题名 (title of the item).
    case title
    /// 日期 (date of the item, YYYYMMDD).
    case date
    /// 密级 (security classification).
    case classification
    /// 页数 (page count).
    case pageCount = "page_count"
    /// 备注 (remarks).
    case remarks
    /// 案卷题名 (title of the volume).
    case volumeTitle = "volume_title"
    /// 起止日期 (date range of a volume, e.g. 19980312-19981230).
    case dateRange = "date_range"
    /// 件数 (number of items in a volume).
    case itemCount = "item_count"
    /// 保管期限 (retention period).
    case retention
    /// 全宗名称 (fonds name).
    case fondsName = "fonds_name"
    /// 类目名称 (category name).
    case categoryName = "category_name"

    /// The standard Chinese column heading.
    public var header: String {
        switch self {
        case .serial: "序号"
        case .code: "档号"
        case .documentNumber: "文号"
        case .responsibleParty: "责任者"
        case .title: "题名"
        case .date: "日期"
        case .classification: "密级"
        case .pageCount: "页数"
        case .remarks: "备注"
        case .volumeTitle: "案卷题名"
        case .dateRange: "起止日期"
        case .itemCount: "件数"
        case .retention: "保管期限"
        case .fondsName: "全宗名称"
        case .categoryName: "类目名称"
        }
    }
}
