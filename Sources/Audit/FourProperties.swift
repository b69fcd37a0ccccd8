import Packaging
import QuireCore

/// The four properties DA/T 70-2018 checks on a transferred package (四性检测), and which of `quire verify`'s
/// rules stand for each, so an auditor can read a bag's result the way the transfer form asks for it.
///
/// | property | rules |
/// | --- | --- |
/// | authenticity 真实性 (digests valid, metadata well-formed, 档号 conforms, no duplicates, files match their metadata) | `payload.digest`, `tagmanifest.digest`, `manifest.format`, `manifest.path.duplicate`, `taginfo.format`, `fetch.format`, `archival.code`, `archival.resolution`, `archival.colour` |
/// | integrity 完整性 (counts and bytes, mandatory metadata, numbering without gaps, content complete) | `payload.missing`, `payload.extra`, `payload.directory`, `taginfo.oxum`, `manifest.missing`, `manifest.incomplete`, `tagmanifest.missing-file`, `tagmanifest.incomplete`, `tagmanifest.lists-payload`, `tagmanifest.lists-tagmanifest`, `fetch.present`, `archival.metadata.missing`, `archival.page-count` |
/// | usability 可用性 (metadata parses, formats open and readable) | `bagit.*`, `encoding`, `file.unreadable`, `manifest.unverifiable`, `manifest.algorithm.unsupported`, `manifest.weak-algorithm`, `manifest.legacy`, `archival.metadata.invalid`, `archival.decode`, `archival.decode.skipped`, `archival.schema.unchecked`, `archival.not-applicable` |
/// | security 安全性 (nothing reaches outside the package) | `manifest.path.escape`, `manifest.path.outside-data`, `payload.symlink` (any file or folder of the bag that a link takes outside, never read), `payload.special` |
///
/// Quire does not scan for viruses or audit the vendor's process controls (the rest of 安全性): the result
/// says so, and those checks stay with the archive's own tools.
public enum FourProperty: String, Sendable, Codable, CaseIterable {
    case authenticity, integrity, usability, security

    /// The property's name in the standard.
    public var chineseName: String {
        switch self {
        case .authenticity: "真实性"
        case .integrity: "完整性"
        case .usability: "可用性"
        case .security: "安全性"
        }
    }

    /// The property a rule stands for.
    public init(rule: AuditRule) {
        switch rule {
        case .bag(let rule): self.init(bagRule: rule)
        case .archival(let rule): self.init(archivalRule: rule)
        }
    }

    private init(bagRule rule: BagRule) {
        switch rule {
        case .payloadDigest, .tagmanifestDigest, .manifestFormat, .manifestPathDuplicate, .taginfoFormat, .fetchFormat:
            self = .authenticity
        case .manifestPathEscape, .manifestPathOutsideData, .payloadSymlink, .payloadSpecial:
            self = .security
        case .bagitMissing, .bagitBOM, .bagitFormat, .bagitVersionUnsupported, .encoding, .fileUnreadable,
            .manifestUnverifiable, .manifestAlgorithmUnsupported, .manifestWeakAlgorithm, .manifestLegacy:
            self = .usability
        case .payloadDirectory, .payloadMissing, .payloadExtra, .manifestMissing, .manifestIncomplete,
            .tagmanifestMissingFile, .tagmanifestIncomplete, .tagmanifestListsPayload, .tagmanifestListsTagmanifest,
            .taginfoOxum, .fetchPresent:
            self = .integrity
        }
    }

    private init(archivalRule rule: ArchivalRule) {
        switch rule {
        case .code, .resolution, .colour: self = .authenticity
        case .metadataMissing, .pageCount: self = .integrity
        case .metadataInvalid, .decode, .decodeSkipped, .schemaUnchecked, .notApplicable: self = .usability
        }
    }
}

/// One bag's result read as the four properties: for each, whether it passed (no error among its rules),
/// and the rule ids that fired, errors and warnings apart.
public struct FourPropertiesSummary: Sendable, Codable, Equatable {
    /// One property's outcome: it passed when no error rule of its fired.
    public struct Outcome: Sendable, Codable, Equatable {
        /// Whether no error rule of this property fired.
        public var passed: Bool { errors.isEmpty }
        /// Rule ids of its errors, sorted, each once.
        public var errors: [AuditRule]
        /// Rule ids of its warnings, sorted, each once.
        public var warnings: [AuditRule]

        enum CodingKeys: String, CodingKey { case passed, errors, warnings }

        init(errors: [AuditRule], warnings: [AuditRule]) {
            self.errors = errors
            self.warnings = warnings
        }

        /// Decodes `errors` and `warnings`; `passed` is derived from them, not read.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            errors = try c.decode([AuditRule].self, forKey: .errors)
            warnings = try c.decode([AuditRule].self, forKey: .warnings)
        }

        /// Encodes `passed` beside `errors` and `warnings`.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(passed, forKey: .passed)
            try c.encode(errors, forKey: .errors)
            try c.encode(warnings, forKey: .warnings)
        }
    }

    /// 真实性: digests match, manifests and tag files well-formed, 档号 valid, masters match their metadata.
    public var authenticity: Outcome
    /// 完整性: payload and tag files complete and as counted (Payload-Oxum), metadata present, page counts as declared.
    public var integrity: Outcome
    /// 可用性: files readable, tag files and metadata parse, masters decode.
    public var usability: Outcome
    /// 安全性: nothing in the bag leads outside it (virus scan and process controls are not checked).
    public var security: Outcome
    /// What the property checks leave to other tools.
    public var notChecked: String

    /// Sorts `problems` into the four properties.
    public init(_ problems: [Auditor.Problem]) {
        func outcome(_ property: FourProperty) -> Outcome {
            let mine = problems.filter { FourProperty(rule: $0.rule) == property }
            func rules(_ severity: Severity) -> [AuditRule] {
                Array(Set(mine.filter { $0.severity == severity }.map(\.rule))).sorted()
            }
            return Outcome(errors: rules(.error), warnings: rules(.warning))
        }
        authenticity = outcome(.authenticity)
        integrity = outcome(.integrity)
        usability = outcome(.usability)
        security = outcome(.security)
        notChecked = "security: virus scan and process controls are not checked by quire"
    }

    /// The outcome of one property.
    public subscript(_ property: FourProperty) -> Outcome {
        switch property {
        case .authenticity: authenticity
        case .integrity: integrity
        case .usability: usability
        case .security: security
        }
    }
}
