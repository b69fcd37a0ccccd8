/// The checks binding applies to each catalog record (DA/T 31-2017: image count equals 页数, no missing,
/// duplicated or extra pages).
public enum BindingRule: String, Sendable, Codable, CaseIterable, CodingKeyRepresentable, CustomStringConvertible {
    /// The number of accepted images differs from 页数 (quarantined files do not count).
    case pageCountMismatch = "page_count_mismatch"
    /// Page numbers are missing among the accepted images (from 1 to the larger of 页数 and the highest page).
    case pageGap = "page_gap"
    /// Two or more accepted images claim the same page number.
    case duplicatePage = "duplicate_page"
    /// The record has no image at all, accepted or quarantined.
    case noImages = "no_images"
    /// Some of the record's files were quarantined.
    case quarantinedPages = "quarantined_pages"
    /// Some of the record's pages were accepted but no preservation master could be made of them.
    case failedPages = "failed_pages"
    /// An auditor's visual check (DA/T 31 acceptance) failed one of the record's pages.
    case visualCheckFailed = "visual_check_failed"

    /// The stored spelling.
    public var description: String { rawValue }
}
