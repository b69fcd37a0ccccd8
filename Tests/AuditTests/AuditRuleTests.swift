import Audit
import Foundation
import Packaging
import QuireCore
import Testing

/// The rule ids `quire verify` reports are stable text: every typed rule encodes to its id and back, and the four
/// properties (DA/T 70 四性) place every rule the way `FourProperty`'s table says.
struct AuditRuleTests {
    @Test func everyRuleRoundTripsThroughItsId() throws {
        let ids = AuditRule.allCases.map(\.rawValue)
        #expect(Set(ids).count == ids.count, "\(ids)")
        #expect(ids.count == BagRule.allCases.count + ArchivalRule.allCases.count)
        for rule in AuditRule.allCases {
            #expect(AuditRule(rawValue: rule.rawValue) == rule)
            let json = try JSONEncoder().encode([rule])
            #expect(String(decoding: json, as: UTF8.self) == "[\"\(rule.rawValue)\"]")
            #expect(try JSONDecoder().decode([AuditRule].self, from: json) == [rule])
        }
        #expect(AuditRule(rawValue: "archival.nonsense") == nil)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([AuditRule].self, from: Data(#"["payload.digests"]"#.utf8))
        }
    }

    @Test func fourPropertiesPlaceRulesAsTheTableSays() {
        let expected: [String: FourProperty] = [
            "payload.digest": .authenticity, "tagmanifest.digest": .authenticity, "archival.code": .authenticity,
            "archival.colour": .authenticity, "payload.missing": .integrity, "taginfo.oxum": .integrity,
            "archival.page-count": .integrity, "archival.metadata.missing": .integrity, "bagit.missing": .usability,
            "bagit.bom": .usability, "archival.decode": .usability, "manifest.legacy": .usability,
            "payload.symlink": .security, "manifest.path.escape": .security, "payload.special": .security,
        ]
        for (id, property) in expected {
            #expect(AuditRule(rawValue: id).map(FourProperty.init(rule:)) == property, "\(id)")
        }
        let problems = [
            Auditor.Problem(rule: .bag(.payloadDigest), severity: .error, file: "data/a.tif", message: "differs"),
            Auditor.Problem(rule: .archival(.colour), severity: .warning, file: "data/a.tif", message: "gray"),
            Auditor.Problem(rule: .bag(.payloadDigest), severity: .error, file: "data/b.tif", message: "differs"),
        ]
        let summary = FourPropertiesSummary(problems)
        #expect(summary.authenticity.errors == [.bag(.payloadDigest)] && summary.authenticity.warnings == [.archival(.colour)])
        #expect(!summary.authenticity.passed && summary.integrity.passed && summary.usability.passed)
    }
}
