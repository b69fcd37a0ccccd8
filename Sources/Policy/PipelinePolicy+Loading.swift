import Foundation
public import QuireCore
import Yams

extension PipelinePolicy {
    /// Loads and validates a pipeline file.
    public static func load(path: String) throws(PolicyError) -> PipelinePolicy {
        try parse(yaml: readText(path, what: "the pipeline file", option: "--pipeline"), file: path)
    }

    /// The text of a YAML file, or an error naming it, what it is and the option that named it.
    static func readText(_ path: String, what: String, option: String) throws(PolicyError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PolicyError(
                file: path, key: "", message: "cannot read \(what) (\(Self.reason(error))); check the path given with \(option)")
        }
    }

    /// The YAML node tree of `yaml`, or a syntax error naming `file`, line and column.
    static func compose(yaml: String, file: String) throws(PolicyError) -> Node? {
        do {
            return try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw PolicyError(file: file, key: "", message: "not valid YAML: \(error)")
        }
    }

    /// Parses and validates pipeline YAML; `file` names it in errors.
    public static func parse(yaml: String, file: String = "<pipeline>") throws(PolicyError) -> PipelinePolicy {
        let root = try compose(yaml: yaml, file: file)
        var policy = PipelinePolicy()
        guard let root else { return policy }
        let r = NodeReader(file: file)
        let top = try r.mapping(
            root, path: "",
            allowed: [
                "name", "standard", "description", "archive", "import",
                "resolution", "colour", "master", "access", "thumbnail",
                "processing", "fixity", "package", "acceptance", "quota",
            ])
        if let n = top["name"] { policy.name = try r.string(n, "name") }
        if let n = top["standard"] { policy.standard = try r.string(n, "standard") }
        if let n = top["description"] { policy.description = try r.string(n, "description") }
        if let n = top["archive"] { policy.archive = try r.optionalString(n, "archive") }
        if let n = top["import"] { try readImport(n, r, into: &policy.intake) }
        if let n = top["resolution"] { try readResolution(n, r, into: &policy.resolution) }
        if let n = top["colour"] { try readColour(n, r, into: &policy.colour) }
        if let n = top["master"] { try readMaster(n, r, into: &policy.master) }
        if let n = top["access"] { try readDerivative(n, r, "access", into: &policy.access) }
        if let n = top["thumbnail"] { try readDerivative(n, r, "thumbnail", into: &policy.thumbnail) }
        if let n = top["processing"] { try readProcessing(n, r, into: &policy.processing) }
        if let n = top["fixity"] {
            let m = try r.mapping(n, path: "fixity", allowed: ["algorithms"])
            if let a = m["algorithms"] {
                policy.fixity.algorithms = try r.choices(a, "fixity.algorithms", nonEmpty: true)
            }
        }
        if let n = top["package"] { try readPackage(n, r, into: &policy.package) }
        if let n = top["acceptance"] {
            let m = try r.mapping(n, path: "acceptance", allowed: ["sample_percent", "pass_percent"])
            if let v = m["sample_percent"] {
                policy.acceptance.samplePercent = try r.number(v, "acceptance.sample_percent", in: 0.01...100)
            }
            if let v = m["pass_percent"] {
                policy.acceptance.passPercent = try r.number(v, "acceptance.pass_percent", in: 0...100)
            }
        }
        if let n = top["quota"], !r.isNull(n) { policy.quota = try readQuota(n, r, path: "quota") }
        return policy
    }

    /// Digest algorithms a pipeline may list.
    public static let digestAlgorithms = DigestAlgorithm.allCases

    // MARK: - Sections

    private static func readImport(_ node: Node, _ r: NodeReader, into s: inout Intake) throws(PolicyError) {
        let m = try r.mapping(
            node, path: "import",
            allowed: [
                "naming", "code", "formats", "multi_page",
                "max_megapixels", "ignore", "workers",
            ])
        if let n = m["naming"] {
            let naming = try r.mapping(n, path: "import.naming", allowed: ["forms", "page_digits"])
            if let v = naming["forms"] {
                s.namingForms = try r.stringList(v, "import.naming.forms", nonEmpty: true)
                for form in s.namingForms where !form.contains("{code}") || !form.contains("{page}") {
                    throw r.error(v, "import.naming.forms", "form '\(form)' needs both {code} and {page}")
                }
            }
            if let v = naming["page_digits"] { s.pageDigits = try r.integer(v, "import.naming.page_digits", in: 1...8) }
        }
        if let n = m["code"] {
            let code = try r.mapping(n, path: "import.code", allowed: ["max_fonds_length", "retention_codes", "item_digits"])
            if let v = code["max_fonds_length"] {
                s.maxFondsLength = try r.integer(v, "import.code.max_fonds_length", in: 1...32)
            }
            if let v = code["retention_codes"] {
                s.retentionCodes = try r.stringList(v, "import.code.retention_codes", nonEmpty: true)
            }
            if let v = code["item_digits"] {
                s.itemDigits = r.isNull(v) ? nil : try r.integer(v, "import.code.item_digits", in: 1...8)
            }
        }
        if let v = m["formats"] { s.formats = try r.choices(v, "import.formats", nonEmpty: true) }
        if let v = m["multi_page"] { s.multiPage = try r.choice(v, "import.multi_page") }
        if let v = m["max_megapixels"] { s.maxMegapixels = try r.integer(v, "import.max_megapixels", in: 1...10_000) }
        if let v = m["ignore"] { s.ignore = try r.stringList(v, "import.ignore", nonEmpty: false) }
        if let v = m["workers"] { s.workers = try r.integer(v, "import.workers", in: 0...256) }
    }

    private static func readResolution(_ node: Node, _ r: NodeReader, into s: inout ResolutionRules) throws(PolicyError) {
        let m = try r.mapping(
            node, path: "resolution", allowed: ["minimum_dpi", "ocr_minimum_dpi", "facsimile_dpi", "assume_dpi"])
        if let v = m["minimum_dpi"] { s.minimumDPI = try r.integer(v, "resolution.minimum_dpi", in: 1...10_000) }
        if let v = m["ocr_minimum_dpi"] { s.ocrMinimumDPI = try r.integer(v, "resolution.ocr_minimum_dpi", in: 1...10_000) }
        if let v = m["facsimile_dpi"] { s.facsimileDPI = try r.integer(v, "resolution.facsimile_dpi", in: 1...10_000) }
        if let v = m["assume_dpi"] { s.assumeDPI = r.isNull(v) ? nil : try r.integer(v, "resolution.assume_dpi", in: 1...10_000) }
        if s.ocrMinimumDPI < s.minimumDPI {
            throw r.error(
                m["ocr_minimum_dpi"] ?? node, "resolution.ocr_minimum_dpi",
                "is \(s.ocrMinimumDPI), below minimum_dpi \(s.minimumDPI)")
        }
    }

    private static func readColour(_ node: Node, _ r: NodeReader, into s: inout ColourRules) throws(PolicyError) {
        let m = try r.mapping(
            node, path: "colour",
            allowed: ["allow_bitonal", "allow_gray", "keep_colour_for_red", "red_fraction", "reduce_plain_colour"])
        if let v = m["allow_bitonal"] { s.allowBitonal = try r.bool(v, "colour.allow_bitonal") }
        if let v = m["allow_gray"] { s.allowGray = try r.bool(v, "colour.allow_gray") }
        if let v = m["keep_colour_for_red"] { s.keepColourForRed = try r.bool(v, "colour.keep_colour_for_red") }
        if let v = m["red_fraction"] { s.redFraction = try r.number(v, "colour.red_fraction", in: 0...1) }
        if let v = m["reduce_plain_colour"] { s.reducePlainColour = try r.bool(v, "colour.reduce_plain_colour") }
    }

    private static func readMaster(_ node: Node, _ r: NodeReader, into s: inout Master) throws(PolicyError) {
        let m = try r.mapping(node, path: "master", allowed: ["format", "compression", "predictor", "deflate_level"])
        if let v = m["format"] { _ = try r.choice(v, "master.format", from: ["tiff"]) }
        if let n = m["compression"] {
            let c = try r.mapping(n, path: "master.compression", allowed: ["bitonal", "gray", "colour"])
            if let v = c["bitonal"] { s.bitonal = try r.choice(v, "master.compression.bitonal", from: MasterCompression.bitonal) }
            if let v = c["gray"] { s.gray = try r.choice(v, "master.compression.gray", from: MasterCompression.continuousTone) }
            if let v = c["colour"] {
                s.colour = try r.choice(v, "master.compression.colour", from: MasterCompression.continuousTone)
            }
        }
        if let v = m["predictor"] { s.predictor = try r.bool(v, "master.predictor") }
        if let v = m["deflate_level"] {
            guard case .scalar = v, let text = v.string, let effort = DeflateEffort(text) else {
                throw r.error(
                    v, "master.deflate_level", "must be huffman or a level 1…12, found '\(v.string ?? "a collection")'")
            }
            s.deflate = effort
        }
    }

    private static func readDerivative(_ node: Node, _ r: NodeReader, _ key: String, into s: inout Derivative) throws(PolicyError)
    {
        let m = try r.mapping(node, path: key, allowed: ["format", "quality", "longest_side"])
        if let v = m["format"] { _ = try r.choice(v, "\(key).format", from: ["jpeg"]) }
        if let v = m["quality"] { s.quality = try r.integer(v, "\(key).quality", in: 1...100) }
        if let v = m["longest_side"] { s.longestSide = try r.integer(v, "\(key).longest_side", in: 16...20_000) }
    }

    private static func readProcessing(_ node: Node, _ r: NodeReader, into s: inout Processing) throws(PolicyError) {
        let m = try r.mapping(node, path: "processing", allowed: ["deskew", "border_crop", "blank_detection"])
        if let n = m["deskew"] {
            let d = try r.mapping(
                n, path: "processing.deskew", allowed: ["enabled", "threshold_degrees", "max_degrees", "tolerance_degrees"])
            if let v = d["enabled"] { s.deskew = try r.bool(v, "processing.deskew.enabled") }
            if let v = d["threshold_degrees"] {
                s.deskewThreshold = try r.number(v, "processing.deskew.threshold_degrees", in: 0...45)
            }
            if let v = d["max_degrees"] { s.deskewMaxAngle = try r.number(v, "processing.deskew.max_degrees", in: 0.5...45) }
            if let v = d["tolerance_degrees"] {
                s.skewTolerance = try r.number(v, "processing.deskew.tolerance_degrees", in: 0...45)
            }
        }
        if let n = m["border_crop"] {
            let d = try r.mapping(n, path: "processing.border_crop", allowed: ["enabled"])
            if let v = d["enabled"] { s.borderCrop = try r.bool(v, "processing.border_crop.enabled") }
        }
        if let n = m["blank_detection"] {
            let d = try r.mapping(n, path: "processing.blank_detection", allowed: ["enabled", "ink_fraction"])
            if let v = d["enabled"] { s.blankDetection = try r.bool(v, "processing.blank_detection.enabled") }
            if let v = d["ink_fraction"] {
                s.blankInkFraction = try r.number(v, "processing.blank_detection.ink_fraction", in: 0...1)
            }
        }
    }

    private static func readPackage(_ node: Node, _ r: NodeReader, into s: inout Package) throws(PolicyError) {
        let m = try r.mapping(
            node, path: "package",
            allowed: ["bag_per", "manifests", "tag_manifests", "serialization", "source_organization", "payload"])
        if let v = m["bag_per"] { s.bagPer = try r.choice(v, "package.bag_per") }
        if let v = m["manifests"] { s.manifests = try r.choices(v, "package.manifests", nonEmpty: true) }
        if let v = m["tag_manifests"] { s.tagManifests = try r.choices(v, "package.tag_manifests", nonEmpty: true) }
        if let v = m["serialization"] { s.serialization = try r.choice(v, "package.serialization") }
        if let v = m["payload"] { s.payload = try r.choice(v, "package.payload") }
        if let v = m["source_organization"] { s.sourceOrganization = try r.string(v, "package.source_organization") }
    }

    // MARK: - Errors

    static func syntaxError(_ error: YamlError, file: String) -> PolicyError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return PolicyError(file: file, line: mark.line, column: mark.column, key: "", message: "YAML syntax: \(problem)")
        default:
            return PolicyError(file: file, key: "", message: "not valid YAML: \(error)")
        }
    }

    static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
            let text = strerror(Int32(underlying.code))
        {
            return String(cString: text)
        }
        return ns.localizedDescription
    }
}

/// Reads typed values out of a YAML node tree, naming the line and key of anything wrong.
struct NodeReader {
    let file: String

    func error(_ node: Node, _ key: String, _ message: String) -> PolicyError {
        PolicyError(file: file, line: node.mark?.line, column: node.mark?.column, key: key, message: message)
    }

    func isNull(_ node: Node) -> Bool {
        if case .scalar = node { return node.tag == Tag(.null) }
        return false
    }

    func mapping(_ node: Node, path: String, allowed: Set<String>) throws(PolicyError) -> [String: Node] {
        guard case .mapping(let mapping) = node else {
            throw error(node, path, path.isEmpty ? "the file must be a mapping of sections" : "must be a mapping of keys")
        }
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { throw error(keyNode, path, "keys must be plain strings") }
            let full = path.isEmpty ? key : "\(path).\(key)"
            guard allowed.contains(key) else {
                var message = "unknown key '\(key)'"
                if let close = allowed.min(by: { editDistance($0, key) < editDistance($1, key) }), editDistance(close, key) <= 3 {
                    message += "; did you mean '\(close)'?"
                } else {
                    message += "; allowed here: \(allowed.sorted().joined(separator: ", "))"
                }
                throw error(keyNode, full, message)
            }
            if result[key] != nil { throw error(keyNode, full, "key appears twice") }
            result[key] = value
        }
        return result
    }

    func string(_ node: Node, _ key: String) throws(PolicyError) -> String {
        guard case .scalar(let s) = node else { throw error(node, key, "must be a text value") }
        return s.string
    }

    func optionalString(_ node: Node, _ key: String) throws(PolicyError) -> String? {
        isNull(node) ? nil : try string(node, key)
    }

    func integer(_ node: Node, _ key: String, in range: ClosedRange<Int>) throws(PolicyError) -> Int {
        guard case .scalar = node, let value = node.int else {
            throw error(node, key, "must be a whole number, found '\(node.string ?? "a collection")'")
        }
        guard range.contains(value) else {
            throw error(node, key, "must be in \(range.lowerBound)…\(range.upperBound), found \(value)")
        }
        return value
    }

    func number(_ node: Node, _ key: String, in range: ClosedRange<Double>) throws(PolicyError) -> Double {
        guard case .scalar = node, let value = node.float ?? node.int.map(Double.init) else {
            throw error(node, key, "must be a number, found '\(node.string ?? "a collection")'")
        }
        guard range.contains(value) else {
            throw error(node, key, "must be in \(range.lowerBound)…\(range.upperBound), found \(value)")
        }
        return value
    }

    func bool(_ node: Node, _ key: String) throws(PolicyError) -> Bool {
        guard case .scalar = node, let value = node.bool else {
            throw error(node, key, "must be true or false, found '\(node.string ?? "a collection")'")
        }
        return value
    }

    func choice(_ node: Node, _ key: String, from options: [String]) throws(PolicyError) -> String {
        let value = try string(node, key)
        guard options.contains(value) else {
            throw error(node, key, "'\(value)' is not one of \(options.joined(separator: ", "))")
        }
        return value
    }

    /// One of `options` (by default every case of `T`), parsed into its type; anything else is an error naming the
    /// line and key and listing the allowed values.
    func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ key: String, from options: [T] = Array(T.allCases))
        throws(PolicyError) -> T where T.RawValue == String
    {
        let text = try choice(node, key, from: options.map(\.rawValue))
        return options.first { $0.rawValue == text }!
    }

    func stringList(_ node: Node, _ key: String, nonEmpty: Bool) throws(PolicyError) -> [String] {
        guard case .sequence(let sequence) = node else { throw error(node, key, "must be a list") }
        var out: [String] = []
        for item in sequence { out.append(try string(item, key)) }
        if nonEmpty && out.isEmpty { throw error(node, key, "must list at least one value") }
        return out
    }

    /// A list of distinct values of `T`, each parsed into its type.
    func choices<T: RawRepresentable & CaseIterable & Equatable>(_ node: Node, _ key: String, nonEmpty: Bool)
        throws(PolicyError) -> [T] where T.RawValue == String
    {
        guard case .sequence(let sequence) = node else { throw error(node, key, "must be a list") }
        var out: [T] = []
        for item in sequence {
            let value: T = try choice(item, key)
            if out.contains(value) { throw error(item, key, "'\(value.rawValue)' is listed twice") }
            out.append(value)
        }
        if nonEmpty && out.isEmpty { throw error(node, key, "must list at least one value") }
        return out
    }
}

/// Levenshtein distance, for "did you mean" hints.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
