import Foundation
import Packaging

/// The parsers the harness fuzzes, by the name QUIRE_FUZZ_TARGET and scripts/fuzz.sh use; each case's
/// seed corpus is Tests/Fuzz/corpus/<name>/ and its dictionary, if any, Tests/Fuzz/dict/<name>.dict.
enum FuzzTarget: String, CaseIterable {
    /// `ImageDecoder.decode(_:as: .tiff)` and `ImageDecoder.check`: the shim's libtiff path.
    case tiff
    /// `ImageDecoder.decode(_:as: .png)` and `check`: the shim's libpng path.
    case png
    /// `ImageDecoder.decode(_:as: .jpeg)` and `check`: the shim's libjpeg path.
    case jpeg
    /// `CatalogReader.read`: catalog CSV, its encodings, columns, dates and 档号.
    case catalog
    /// `HoldingsRegister.read`: the holdings register CSV.
    case register
    /// `HoldingsRegister.read` then `QuotaReport.compute`: every number in a register through the quota
    /// arithmetic. Not in CI's short run while the Int64 overflow of issue 12 item 2 is open.
    case quotaReport = "quota-report"
    /// `PipelinePolicy.parse` (pipeline YAML through Yams), then the naming rule it declares.
    case policy
    /// `PipelinePolicy.parseQuotaRules`: quota rules YAML.
    case quotaRules = "quota-rules"
    /// `BagVerifier.verify` on a bag whose tag files come from the input: bagit.txt, bag-info.txt,
    /// payload and tag manifests, fetch.txt.
    case bag
    /// The tag-text parsers on their own (encodings, lines, bag-info elements, manifest paths).
    case bagText = "bag-text"
    /// `ArchivalCode.parse`, with the round trip of its canonical form.
    case archivalCode = "archival-code"
    /// `ArchivalCode.parse`: a code that parses is one path component. Not in CI's short run while issue 12
    /// item 3 (validation on grapheme clusters lets a `/` through) is open.
    case codePath = "code-path"
    /// `NamingRule(forms:)` and `NamingRule.map`.
    case naming

    /// One-time set-up before the first input.
    func prepare() {
        if self == .bag { BagFuzzing.prepare() }
    }

    /// Feeds one input to the parser; returns normally for every input that does not crash.
    func run(_ data: Data) {
        switch self {
        case .tiff: ImageFuzzing.run(data, as: .tiff)
        case .png: ImageFuzzing.run(data, as: .png)
        case .jpeg: ImageFuzzing.run(data, as: .jpeg)
        case .catalog: CSVFuzzing.catalog(data)
        case .register: CSVFuzzing.register(data)
        case .quotaReport: CSVFuzzing.quotaReport(data)
        case .policy: YAMLFuzzing.policy(data)
        case .quotaRules: YAMLFuzzing.quotaRules(data)
        case .bag: BagFuzzing.run(data)
        case .bagText: sink(TagTextFuzzing.parseAll(data))
        case .archivalCode: CodeFuzzing.code(data)
        case .codePath: CodeFuzzing.codePath(data)
        case .naming: CodeFuzzing.naming(data)
        }
    }
}

/// Keeps a result alive so the optimiser cannot drop the work that made it.
@inline(never) func sink<T>(_ value: T) { withExtendedLifetime(value) {} }
