import Foundation
import Policy

/// Feeds fuzz input to the pipeline and quota-rules YAML loaders (Yams/libyaml, then Quire's validation).
enum YAMLFuzzing {
    /// `PipelinePolicy.parse`; for a policy that loads, the naming rule it declares and a file-name check.
    static func policy(_ data: Data) {
        guard let policy = try? PipelinePolicy.parse(yaml: String(decoding: data, as: UTF8.self), file: "fuzz.yaml") else {
            return
        }
        if let rule = try? policy.intake.namingRule() {
            sink(try? rule.map("0026-003-0045/0001.tif"))
        }
        sink(policy.intake.ignores(fileName: "Thumbs.db"))
    }

    /// `PipelinePolicy.parseQuotaRules`.
    static func quotaRules(_ data: Data) {
        sink(try? PipelinePolicy.parseQuotaRules(yaml: String(decoding: data, as: UTF8.self), file: "fuzz.yaml"))
    }
}
