/// Stable ids of the findings about one page after import (the ledger's page checks): with ``Severity/error`` the
/// page has no master, with ``Severity/warning`` it is kept and flagged for a person to look at.
public enum PageCheckRule: String, Sendable, Codable, CaseIterable, CodingKeyRepresentable, CustomStringConvertible {
    /// The source cannot be read (gone, no permission).
    case sourceUnreadable = "source_unreadable"
    /// The source's bytes differ from those registered at import.
    case sourceChanged = "source_changed"
    /// Normalizing the page needs more memory than the budget allows.
    case tooLarge = "too_large"
    /// The source no longer decodes.
    case decodeFailed = "decode_failed"
    /// The decode worked around a fault without losing a pixel (extraneous bytes, a broken ICC profile).
    case decodeWarning = "decode_warning"
    /// No stated resolution and none assumed, or less than the policy's minimum.
    case lowResolution = "low_resolution"
    /// Skew above the tolerance remains after deskewing.
    case skew
    /// The page looks blank.
    case blankPage = "blank_page"
    /// An output could not be written because the disk is full (the run stops; the page is not at fault).
    case diskFull = "disk_full"
    /// An output could not be written for another reason.
    case writeFailed = "write_failed"
    /// Every worker that claimed the page (``PageClaim/attemptLimit`` of them) stopped, was killed or lost its lease
    /// before finishing it: a page that crashes or wedges whatever works it is given up, not claimed forever.
    case abandoned

    /// The stored spelling.
    public var description: String { rawValue }
}
