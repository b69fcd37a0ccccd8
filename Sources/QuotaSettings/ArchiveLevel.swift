import Foundation
/// The level of a holdings-register row: a city archive, a county or district archive, or a unit that
/// transfers records (立档单位).
///
/// In the register the level is written `city`, `county` or `unit`; `district` and the Chinese
/// names (市, 市级, 市档案馆; 县, 区, 县级, 区级, 县区, 县档案馆, 区档案馆; 单位, 立档单位) are accepted too.
public enum ArchiveLevel: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// A city (市级) archive.
    case city
    /// A county or district (县区级) archive.
    case county
    /// A unit with a duty to transfer records (立档单位).
    case unit

    /// The level a register cell names, or nil.
    public init?(registerText text: String) {
        switch text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() {
        case "city", "市", "市级", "市档案馆", "市级档案馆": self = .city
        case "county", "district", "县", "区", "县级", "区级", "县区", "县区级", "县档案馆", "区档案馆", "县级档案馆", "区级档案馆":
            self = .county
        case "unit", "单位", "立档单位", "机关", "机关单位": self = .unit
        default: return nil
        }
    }

    /// The level's name in Chinese.
    public var chineseName: String {
        switch self {
        case .city: "市级"
        case .county: "县区级"
        case .unit: "立档单位"
        }
    }

    /// The register spelling: `city`, `county` or `unit`.
    public var description: String { rawValue }
}
