import Foundation
import Policy
import Testing

@Suite struct PipelinePolicyTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func shippedDAT31FileLoadsAndEqualsTheBuiltInDefaults() throws {
        let path = Self.repoRoot.appendingPathComponent("pipelines/dat31.yaml").path
        var loaded = try PipelinePolicy.load(path: path)
        #expect(loaded.resolution.minimumDPI == 200)
        #expect(loaded.resolution.ocrMinimumDPI == 300)
        #expect(loaded.master.bitonal == "g4")
        #expect(loaded.access.quality == 85 && loaded.access.longestSide == 2000)
        #expect(loaded.thumbnail.longestSide == 256)
        #expect(loaded.intake.namingForms == ["{code}/{page}", "{code}-{page}"])
        #expect(loaded.archive == nil)
        loaded.description = PipelinePolicy().description
        #expect(loaded == PipelinePolicy())
    }

    @Test func aPartialFileOverridesOnlyWhatItNames() throws {
        let policy = try PipelinePolicy.parse(yaml: """
            name: county
            resolution:
              minimum_dpi: 300
            fixity:
              algorithms: [sha256, sm3, md5]
            """)
        #expect(policy.name == "county")
        #expect(policy.resolution.minimumDPI == 300)
        #expect(policy.resolution.ocrMinimumDPI == 300)
        #expect(policy.fixity.algorithms == ["sha256", "sm3", "md5"])
        #expect(policy.master == PipelinePolicy().master)
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
        ]
        for (yaml, key, line) in cases {
            let error = #expect(throws: PolicyError.self, "\(key)") { try PipelinePolicy.parse(yaml: yaml) }
            #expect(error?.key == key, "\(yaml)")
            #expect(error?.line == line, "\(yaml)")
        }
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
