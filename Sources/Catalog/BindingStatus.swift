/// Whether a catalog record was linked to its images.
public enum BindingStatus: String, Sendable, Codable, CaseIterable {
    /// Every check passed: the record is linked (挂接) and counts as digitized.
    case bound
    /// At least one problem: not linked, not counted, sent back for rework.
    case held
}
