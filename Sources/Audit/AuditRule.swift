public import Packaging
public import QuireCore

/// The stable id of one archival rule `quire verify` checks beyond BagIt (the table on ``Auditor``); the raw value
/// is what reports carry.
public enum ArchivalRule: String, Sendable, Codable, CaseIterable {
    case metadataMissing = "archival.metadata.missing"
    case metadataInvalid = "archival.metadata.invalid"
    case schemaUnchecked = "archival.schema.unchecked"
    case notApplicable = "archival.not-applicable"
    case code = "archival.code"
    case pageCount = "archival.page-count"
    case decode = "archival.decode"
    case decodeSkipped = "archival.decode.skipped"
    case resolution = "archival.resolution"
    case colour = "archival.colour"
}

/// Any rule of `quire verify`: a BagIt rule (``BagRule``) or an archival one (``ArchivalRule``). Encoded as its id
/// (`payload.digest`, `archival.decode`), the text scripts and dashboards match on.
public enum AuditRule: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    case bag(BagRule)
    case archival(ArchivalRule)

    /// Every rule, BagIt's first.
    public static let allCases: [AuditRule] = BagRule.allCases.map(AuditRule.bag) + ArchivalRule.allCases.map(AuditRule.archival)

    /// The rule's id.
    public var rawValue: String {
        switch self {
        case .bag(let rule): rule.rawValue
        case .archival(let rule): rule.rawValue
        }
    }

    /// The rule with this id, or nil for an unknown id.
    public init?(rawValue: String) {
        if let rule = BagRule(rawValue: rawValue) {
            self = .bag(rule)
        } else if let rule = ArchivalRule(rawValue: rawValue) {
            self = .archival(rule)
        } else {
            return nil
        }
    }

    /// The rule's id.
    public var description: String { rawValue }

    /// Orders rules by their id text.
    public static func < (lhs: AuditRule, rhs: AuditRule) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Decodes a rule from its id; an unknown id is a decoding error naming it.
    public init(from decoder: any Decoder) throws {
        let id = try decoder.singleValueContainer().decode(String.self)
        guard let rule = AuditRule(rawValue: id) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown rule id \(id)"))
        }
        self = rule
    }

    /// Encodes the rule's id.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}
