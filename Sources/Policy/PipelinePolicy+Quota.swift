public import QuotaSettings
import Foundation
import Yams

extension PipelinePolicy {
    /// Loads a quota rules file (`quire quota --rules FILE`): the keys of a pipeline's `quota:` section at
    /// the top level, as `pipelines/quota-rules.yaml` writes them; missing keys keep the policy's values.
    ///
    /// Errors name the file, line and key (`rules.yaml:2:9: city.target: …`), as for a pipeline file.
    public static func loadQuotaRules(path: String) throws(PolicyError) -> QuotaRules {
        try parseQuotaRules(yaml: readText(path, what: "the quota rules file", option: "--rules"), file: path)
    }

    /// Parses a quota rules file's YAML; `file` names it in errors. An empty file gives the defaults.
    public static func parseQuotaRules(yaml: String, file: String = "<quota rules>") throws(PolicyError) -> QuotaRules {
        let root = try compose(yaml: yaml, file: file)
        guard let root, !NodeReader(file: file).isNull(root) else { return QuotaRules() }
        return try readQuota(root, NodeReader(file: file), path: "")
    }

    // MARK: - The section

    /// Reads quota rules from a mapping node at `path` (`quota` in a pipeline, empty for a rules file).
    static func readQuota(_ node: Node, _ r: NodeReader, path: String) throws(PolicyError) -> QuotaRules {
        let mapping = try r.mapping(node, path: path, allowed: Set(QuotaRules.keys))
        var values: [String: Any] = [:]
        for (key, value) in mapping { values[key] = plainValue(value) }
        do {
            return try QuotaRules(dictionary: values)
        } catch {
            // Point at the deepest node the key names (`county.deadline`, else `county`, else the section).
            let components = (error.key ?? "").split(separator: ".").map(String.init)
            var at = node
            for component in components {
                guard case .mapping(let children) = at, let child = children[component] else { break }
                at = child
            }
            let key = ([path] + components).filter { !$0.isEmpty }.joined(separator: ".")
            throw r.error(at, key, error.reason)
        }
    }

    /// A YAML node as `QuotaRules(dictionary:)` takes it: mappings as `[String: Any]`, null as `NSNull`,
    /// resolved integers, floats and booleans as such, anything else (days, "70%") as its text.
    private static func plainValue(_ node: Node) -> Any {
        switch node {
        case .mapping(let mapping):
            var out: [String: Any] = [:]
            for (key, value) in mapping { out[key.string ?? ""] = plainValue(value) }
            return out
        case .sequence(let sequence):
            return sequence.map(plainValue)
        case .scalar(let scalar):
            switch node.tag {
            case Tag(.null): return NSNull()
            case Tag(.int): return node.int ?? scalar.string
            case Tag(.float): return node.float ?? scalar.string
            case Tag(.bool): return node.bool ?? scalar.string
            default: return scalar.string
            }
        case .alias:
            return node.string ?? ""
        }
    }
}
