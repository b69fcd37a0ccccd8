/// The character encoding of a catalog file.
///
/// Excel exports catalogs either as "CSV UTF-8" (with a byte-order mark) or, on Chinese Windows, in the
/// system code page, GB18030 (a superset of GBK and GB2312).
public enum CatalogEncoding: String, Sendable, Codable, CaseIterable {
    /// UTF-8, with or without a byte-order mark.
    case utf8 = "utf-8"
    /// GB18030 (GB 18030-2005 mapping; GBK and GB2312 files are valid GB18030).
    case gb18030
}
