/// The columns of a holdings register, by their headings.
enum RegisterColumn: String, CaseIterable, Sendable {
    case id, name, level
    case baselineVolumes = "baseline_volumes"
    case baselineItems = "baseline_items"
    case baselinePages = "baseline_pages"
    case priorVolumes = "prior_volumes"
    case priorItems = "prior_items"
    case hasDigitalRoom = "has_digital_room"
    case parent
    case priorPages = "prior_pages"
    case priorGB = "prior_gb"
    case livelihoodVolumes = "livelihood_volumes"
    case livelihoodItems = "livelihood_items"
    case currentVolumes = "current_volumes"
    case currentItems = "current_items"

    /// The columns every register must have.
    static let required: [RegisterColumn] = [
        .id, .name, .level, .baselineVolumes, .baselineItems, .baselinePages, .priorVolumes, .priorItems, .hasDigitalRoom,
    ]

    /// The column a heading names (case and surrounding space ignored; `-` and space read as `_`).
    init?(heading: String) {
        let key = heading.trimmingWhitespace().lowercased()
            .replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "_")
        self.init(rawValue: key)
    }
}
