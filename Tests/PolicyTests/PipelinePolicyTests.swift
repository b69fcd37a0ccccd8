import QuotaSettings
import Foundation
import Policy
import QuireCore
import Testing

@Suite struct PipelinePolicyTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func shippedDAT31FileLoadsAndEqualsTheBuiltInDefaults() throws {
        let path = Self.repoRoot.appendingPathComponent("pipelines/dat31.yaml").path
        var loaded = try PipelinePolicy.load(path: path)
        #expect(loaded.resolution.minimumDPI == 200)
        #expect(loaded.resolution.ocrMinimumDPI == 300)
        #expect(loaded.master.bitonal == .g4)
        #expect(loaded.access.quality == 85 && loaded.access.longestSide == 2000)
        #expect(loaded.thumbnail.longestSide == 256)
        #expect(loaded.intake.namingForms == ["{code}/{page}", "{code}-{page}"])
        #expect(loaded.archive == nil)
        // The shipped pipeline states the quota defaults; a pipeline without a quota section has none.
        #expect(loaded.quota == QuotaRules.default)
        #expect(PipelinePolicy().quota == nil)
        loaded.quota = nil
        loaded.description = PipelinePolicy().description
        #expect(loaded == PipelinePolicy())
    }

    @Test func aPartialFileOverridesOnlyWhatItNames() throws {
        let policy = try PipelinePolicy.parse(
            yaml: """
                name: county
                resolution:
                  minimum_dpi: 300
                fixity:
                  algorithms: [sha256, sm3, md5]
                """)
        #expect(policy.name == "county")
        #expect(policy.resolution.minimumDPI == 300)
        #expect(policy.resolution.ocrMinimumDPI == 300)
        #expect(policy.fixity.algorithms == [.sha256, .sm3, .md5])
        #expect(policy.master == PipelinePolicy().master)
    }

    @Test func deflateEffortIsHuffmanByDefaultOrALevel() throws {
        #expect(PipelinePolicy().master.deflate == .huffmanOnly)
        #expect(try PipelinePolicy.parse(yaml: "master:\n  deflate_level: huffman\n").master.deflate == .huffmanOnly)
        #expect(try PipelinePolicy.parse(yaml: "master:\n  deflate_level: 6\n").master.deflate == .level(6))
    }

    @Test func unknownKeyIsReportedWithLineAndSuggestion() {
        let error = #expect(throws: PolicyError.self) {
            try PipelinePolicy.parse(yaml: "name: x\nmaster:\n  compresion:\n    gray: lzw\n", file: "my.yaml")
        }
        #expect(error?.line == 3)
        #expect(error?.key == "master.compresion")
        #expect(error?.message.contains("did you mean 'compression'") == true)
        #expect(error?.description.hasPrefix("my.yaml:3:") == true)
    }

    @Test func wrongValuesNameTheKeyAndLine() {
        let cases: [(String, String, Int)] = [
            ("access:\n  quality: 150\n", "access.quality", 2),
            ("access:\n  quality: high\n", "access.quality", 2),
            ("master:\n  compression:\n    gray: jpeg2000\n", "master.compression.gray", 3),
            ("import:\n  multi_page: maybe\n", "import.multi_page", 2),
            ("fixity:\n  algorithms: [sha256, sha1]\n", "fixity.algorithms", 2),
            ("fixity:\n  algorithms: [sha256, sha256]\n", "fixity.algorithms", 2),
            ("import:\n  naming:\n    forms: [\"{code}\"]\n", "import.naming.forms", 3),
            ("resolution:\n  minimum_dpi: 300\n  ocr_minimum_dpi: 200\n", "resolution.ocr_minimum_dpi", 3),
            ("processing:\n  deskew:\n    enabled: perhaps\n", "processing.deskew.enabled", 3),
            ("master:\n  deflate_level: 13\n", "master.deflate_level", 2),
            ("master:\n  deflate_level: fastest\n", "master.deflate_level", 2),
            ("master:\n  deflate_level: -1\n", "master.deflate_level", 2),
            ("master:\n  deflate_level: 99999999999999999999999\n", "master.deflate_level", 2),
            ("master:\n  deflate_level: [huffman]\n", "master.deflate_level", 2),
            ("master:\n  deflate_level: Huffman\n", "master.deflate_level", 2),
        ]
        for (yaml, key, line) in cases {
            let error = #expect(throws: PolicyError.self, "\(key)") { try PipelinePolicy.parse(yaml: yaml) }
            #expect(error?.key == key, "\(yaml)")
            #expect(error?.line == line, "\(yaml)")
        }
    }

    /// Every choice is parsed into its type at load time: the stages get `MasterCompression`, `DigestAlgorithm`,
    /// `BagScope`… and never parse a string again.
    @Test func choicesAreParsedIntoTheirTypes() throws {
        let policy = try PipelinePolicy.parse(
            yaml: """
                import:
                  formats: [tiff, jpeg]
                  multi_page: accept
                master:
                  compression: {bitonal: lzw, gray: packbits, colour: none}
                fixity:
                  algorithms: [sm3, md5]
                package:
                  bag_per: batch
                  manifests: [sha512]
                  tag_manifests: [md5, sha256]
                  serialization: tar
                  payload: copy
                """)
        #expect(policy.intake.formats == [.tiff, .jpeg])
        #expect(policy.intake.multiPage == .accept)
        #expect(
            policy.master.bitonal == .lzw && policy.master.gray == .packbits && policy.master.colour == MasterCompression.none)
        #expect(policy.fixity.algorithms == [.sm3, .md5])
        #expect(policy.package.bagPer == .batch)
        #expect(policy.package.manifests == [.sha512])
        #expect(policy.package.tagManifests == [.md5, .sha256])
        #expect(policy.package.serialization == .tar)
        #expect(policy.package.payload == .copy)
    }

    /// An unknown algorithm, compression, scope or other choice is a load error naming the file, the line and the
    /// key, and listing what is allowed there — never silently dropped or replaced by a default.
    @Test func unknownChoicesAreErrorsWithFileLineKeyAndTheAllowedValues() {
        let cases: [(yaml: String, key: String, line: Int, allowed: String)] = [
            ("fixity:\n  algorithms:\n    - sha256\n    - sha1\n", "fixity.algorithms", 4, "sha256, sha512, md5, sm3"),
            ("package:\n  manifests: [sha265]\n", "package.manifests", 2, "sha256, sha512, md5, sm3"),
            ("package:\n  tag_manifests: [sha256, SM3]\n", "package.tag_manifests", 2, "sha256, sha512, md5, sm3"),
            ("master:\n  compression:\n    bitonal: g3\n", "master.compression.bitonal", 3, "g4, lzw, deflate, packbits, none"),
            ("master:\n  compression:\n    colour: jpeg\n", "master.compression.colour", 3, "lzw, deflate, packbits, none"),
            // G4 is for bilevel pages only.
            ("master:\n  compression:\n    gray: g4\n", "master.compression.gray", 3, "lzw, deflate, packbits, none"),
            ("name: x\npackage:\n  bag_per: volume\n", "package.bag_per", 3, "record, batch"),
            ("package:\n  payload: symlink\n", "package.payload", 2, "link, copy"),
            ("package:\n  serialization: zip\n", "package.serialization", 2, "none, tar"),
            ("import:\n  formats: [tiff, gif]\n", "import.formats", 2, "tiff, png, jpeg"),
        ]
        for c in cases {
            let error = #expect(throws: PolicyError.self, "\(c.key)") {
                try PipelinePolicy.parse(yaml: c.yaml, file: "typo.yaml")
            }
            #expect(error?.key == c.key, "\(c.yaml)")
            #expect(error?.line == c.line, "\(c.yaml)")
            #expect(error?.message.contains("is not one of \(c.allowed)") == true, "\(error?.message ?? "")")
            #expect(error?.description.hasPrefix("typo.yaml:\(c.line):") == true, "\(error?.description ?? "")")
            // As the CLI reports it: a usage error (exit 2) of the policy stage, same text.
            let reported = error?.quireError
            #expect(reported?.kind == .usage && reported?.stage == .policy && reported?.file == "typo.yaml")
            #expect(reported?.line == c.line)
            #expect(reported?.description == error?.description)
        }
    }

    @Test func quotaSectionOverridesOnlyWhatItNames() throws {
        let policy = try PipelinePolicy.parse(
            yaml: """
                name: city
                quota:
                  city: {target: "60%", deadline: 2019-06-30}
                  unit: {target: 0.10, deadline: 2020-12-31}
                  county_completion: null
                  county_unit_rooms: 0.4
                  recent_weeks: 2
                """)
        let quota = try #require(policy.quota)
        #expect(quota.city == QuotaTarget(fraction: 0.60, deadline: QuotaDay(year: 2019, month: 6, day: 30)!))
        #expect(quota.unit == QuotaTarget(fraction: 0.10, deadline: QuotaDay(year: 2020, month: 12, day: 31)!))
        #expect(quota.countyCompletion == nil)
        #expect(quota.countyUnitRooms == 0.4)
        #expect(quota.recentWeeks == 2)
        #expect(quota.county == QuotaRules.default.county)
        #expect(quota.cityUnitRooms == QuotaRules.default.cityUnitRooms)
        #expect(try PipelinePolicy.parse(yaml: "name: x\nquota: null\n").quota == nil)
    }

    @Test func badQuotaValuesNameTheFileKeyAndLine() {
        let cases: [(String, String, Int, String)] = [
            ("quota:\n  city: {target: 1.5, deadline: 2018-12-31}\n", "quota.city.target", 2, "not a share between 0 and 1"),
            ("quota:\n  county: {target: 0.5, deadline: 2018-02-30}\n", "quota.county.deadline", 2, "not a day"),
            ("quota:\n  county:\n    target: 0.5\n", "quota.county.deadline", 3, "missing"),
            ("quota:\n  county: {target: 0.5, deadline: 2018-12-31, by: x}\n", "quota.county.by", 2, "unknown key"),
            ("name: x\nquota:\n  citty: {target: 0.5, deadline: 2018-12-31}\n", "quota.citty", 3, "did you mean 'city'"),
            ("quota:\n  recent_weeks: 0\n", "quota.recent_weeks", 2, "whole number of weeks"),
            ("quota:\n  holdings_growth: -2\n", "quota.holdings_growth", 2, "not a positive number"),
            ("quota:\n  city: 0.7\n", "quota.city", 2, "expected {target: 0.70, deadline: YYYY-MM-DD}"),
            ("quota: 0.7\n", "quota", 1, "must be a mapping"),
        ]
        for (yaml, key, line, message) in cases {
            let error = #expect(throws: PolicyError.self, "\(key)") { try PipelinePolicy.parse(yaml: yaml, file: "p.yaml") }
            #expect(error?.key == key, "\(yaml)")
            #expect(error?.line == line, "\(yaml)")
            #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
            #expect(error?.description.hasPrefix("p.yaml:\(line):") == true, "\(error?.description ?? "")")
        }
    }

    @Test func quotaRulesFileHasTheSectionsKeysAtTheTop() throws {
        let shipped = Self.repoRoot.appendingPathComponent("pipelines/quota-rules.yaml").path
        #expect(try PipelinePolicy.loadQuotaRules(path: shipped) == QuotaRules.default)
        let rules = try PipelinePolicy.parseQuotaRules(yaml: "county: {target: \"40%\", deadline: 2018-12-31}\n")
        #expect(rules.county.fraction == 0.40)
        #expect(rules.city == QuotaRules.default.city)
        let error = #expect(throws: PolicyError.self) {
            try PipelinePolicy.parseQuotaRules(yaml: "city_unit_rooms: 0.8\ncounty_unit_rooms: lots\n", file: "r.yaml")
        }
        #expect(error?.key == "county_unit_rooms")
        #expect(error?.line == 2)
        #expect(error?.description.hasPrefix("r.yaml:2:") == true)
        let missing = #expect(throws: PolicyError.self) { try PipelinePolicy.loadQuotaRules(path: "/nonexistent/r.yaml") }
        #expect(missing?.message.contains("--rules") == true)
    }

    @Test func yamlSyntaxErrorsCarryTheLine() {
        let error = #expect(throws: PolicyError.self) {
            try PipelinePolicy.parse(yaml: "name: x\naccess:\n  quality: [85\n  longest_side: 10\n", file: "bad.yaml")
        }
        #expect(error?.line != nil)
        #expect(error?.message.contains("YAML syntax") == true)
    }

    @Test func missingFileSaysSo() {
        let error = #expect(throws: PolicyError.self) { try PipelinePolicy.load(path: "/nonexistent/p.yaml") }
        #expect(error?.message.contains("cannot read") == true)
    }

    @Test func ignoreGlobs() {
        let intake = PipelinePolicy().intake
        #expect(intake.ignores(fileName: ".DS_Store"))
        #expect(intake.ignores(fileName: "Thumbs.db"))
        #expect(intake.ignores(fileName: "notes.txt"))
        #expect(!intake.ignores(fileName: "0001.tif"))
    }

    @Test func namingRuleComesFromThePolicy() throws {
        var policy = PipelinePolicy()
        policy.intake.pageDigits = 3
        let rule = try policy.intake.namingRule()
        #expect((try rule.map("0026-003-0045/007.tif")).page == 7)
    }
}
