public import Catalog
import Foundation
import Yams

/// Reads a delivery's process metadata file (`process.yaml`: vendor, scanner, software, operator, scan date).
///
/// ```yaml
/// vendor: 华文数字档案技术有限公司
/// scanner: {make: Fujitsu, model: fi-7160}
/// software: {name: ScanSoft, version: "1.0"}
/// operator: 李晓梅
/// scan_date: 2026-11-02
/// ```
public enum ProcessFile {
    static let keys: Set<String> = ["vendor", "scanner", "software", "operator", "scan_date"]

    /// Loads the file; errors name it and the line.
    public static func load(_ path: String) throws(BindError) -> ProcessMetadata {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .process(file: path, reason: "cannot read the process metadata file")
        }
        return try parse(text, file: path)
    }

    /// Parses the file's text; errors name `path` and the line.
    public static func parse(_ text: String, file path: String) throws(BindError) -> ProcessMetadata {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch { throw .process(file: path, reason: "not valid YAML: \(error)") }
        guard let root, case .mapping(let mapping) = root else {
            throw .process(file: path, reason: "must be a mapping of vendor, scanner, software, operator, scan_date")
        }
        var process = ProcessMetadata()
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let line = keyNode.mark?.line ?? 0
            guard keys.contains(key) else {
                throw .process(
                    file: path, reason: "line \(line): unknown key '\(key)'; allowed: \(keys.sorted().joined(separator: ", "))")
            }
            switch key {
            case "vendor": process.vendor = value.string
            case "operator": process.operatorName = value.string
            case "scan_date": process.scanDate = value.string
            case "scanner":
                guard let make = value["make"]?.string, let model = value["model"]?.string else {
                    throw .process(file: path, reason: "line \(line): scanner needs make and model")
                }
                process.scanner = ScannerInfo(make: make, model: model)
            case "software":
                guard let name = value["name"]?.string else {
                    throw .process(file: path, reason: "line \(line): software needs a name")
                }
                process.software = SoftwareInfo(name: name, version: value["version"]?.string)
            default: break
            }
        }
        return process
    }
}
