import ArchivalCode
import Catalog
import Foundation
import ImageCodecs
public import Packaging
public import Policy

/// The auditor's check of delivered bags: RFC 8493 first (through `BagVerifier`), then the archival rules
/// recorded in the bag, on any machine, with no ledger.
///
/// Archival rules (stable ids):
///
/// | rule | what fails |
/// | --- | --- |
/// | `archival.metadata.missing` | a record in the bag has no `data/metadata/<档号>/record.xml` and `record.json` |
/// | `archival.metadata.invalid` | `record.json` does not parse, or `record.xml` fails the schema (`xmllint`) |
/// | `archival.schema.unchecked` | (warning) `xmllint` or the schema is not available here |
/// | `archival.not-applicable` | (warning) a bag from another tool: only the BagIt rules apply |
/// | `archival.code` | External-Identifier or a record's 档号 is not a valid 档号 |
/// | `archival.page-count` | masters in the bag ≠ pages in the metadata, or ≠ the catalog's 页数 |
/// | `archival.decode` | a master does not decode in full |
/// | `archival.resolution` | a master is below the policy's minimum resolution |
/// | `archival.colour` | a master's colour mode differs from the one its metadata records |
public struct Auditor: Sendable {
    let policy: PipelinePolicy
    let workers: Int

    /// Makes an auditor.
    public init(policy: PipelinePolicy, workers: Int = BagVerifier.defaultWorkers) {
        self.policy = policy
        self.workers = workers
    }

    /// One problem: a stable rule id, `error` or `warning`, the file, and a sentence.
    public struct Problem: Sendable, Codable, Equatable {
        public var rule: String
        public var severity: String
        public var file: String?
        public var message: String
    }

    /// One bag's result.
    public struct Result: Sendable, Codable {
        public var bag: String
        public var valid: Bool
        public var mode: String
        public var records: [String]
        /// Every problem found (BagIt and archival), in one list.
        public var problems: [Problem]
        public var payloadFiles: Int
        public var bytesHashed: UInt64
        /// The same problems read as DA/T 70's four properties (四性).
        public var fourProperties: FourPropertiesSummary

        public var errorCount: Int { problems.filter { $0.severity == "error" }.count }
    }

    /// How much of a bag ``Auditor`` checks.
    public enum Depth: String, Sendable, Codable, CaseIterable {
        /// Payload-Oxum and the file list only: reads no file content.
        case fast
        /// Every RFC 8493 rule with every digest re-computed — what `bagit.py --validate` checks — and no
        /// archival rule: for periodic fixity audits and for bags from other tools.
        case bagit
        /// Every RFC 8493 rule and every archival rule, masters decoded.
        case full
    }

    /// Checks one bag as deep as `depth` says.
    ///
    /// In full mode every master (`data/masters/<档号>/*.tif`) the manifests list is decoded by the BagIt
    /// verifier's workers from the bytes they hashed, so each master is read once; masters it did not hash
    /// (listed in no supported manifest, or unreadable) are read and decoded here.
    public func audit(bag: String, depth: Depth) async -> Result {
        let report: BagReport
        var decoded: [String: MasterCheck] = [:]
        switch depth {
        case .fast:
            report = await BagVerifier.verify(bag, mode: .fast, workers: workers)
        case .bagit:
            report = await BagVerifier.verify(bag, mode: .full, workers: workers)
        case .full:
            let inspection = PayloadInspection<MasterCheck>(wants: Self.isMaster) { _, bytes in MasterCheck(bytes) }
            (report, decoded) = await BagVerifier.verify(bag, mode: .full, workers: workers, inspecting: inspection)
        }
        var problems = report.problems.map {
            Problem(rule: $0.rule.rawValue, severity: $0.severity == .error ? "error" : "warning", file: $0.file, message: $0.message)
        }
        var records: [String] = []
        if depth == .full && report.bagItVersion != nil {
            records = await archivalChecks(bag: bag, bagInfo: report.bagInfo, decoded: decoded, into: &problems)
        }
        let valid = !problems.contains { $0.severity == "error" }
        return Result(bag: bag, valid: valid, mode: depth.rawValue, records: records, problems: problems,
                      payloadFiles: report.payloadFileCount, bytesHashed: report.bytesHashed,
                      fourProperties: FourPropertiesSummary(problems))
    }

    /// Checks several bags, overlapping them: up to `max(2, workers)` bags are in progress at once, so one bag's
    /// last files and archival checks run while the next bag's files are hashed. Files are still read and
    /// decoded on the shared concurrency pool, one file per running task. Results come back in `bags` order.
    public func audit(bags: [String], depth: Depth) async -> [Result] {
        await withTaskGroup(of: (Int, Result).self, returning: [Result].self) { group in
            var next = 0
            func submit() {
                let index = next
                next += 1
                group.addTask { (index, await audit(bag: bags[index], depth: depth)) }
            }
            for _ in 0..<min(max(2, workers), bags.count) { submit() }
            var results = [Result?](repeating: nil, count: bags.count)
            while let (index, result) = await group.next() {
                results[index] = result
                if next < bags.count { submit() }
            }
            return results.map { $0! }
        }
    }

    /// Whether a bag-relative path is where the archival rules look for masters: `data/masters/<档号>/<name>.tif`.
    static func isMaster(_ path: String) -> Bool {
        guard path.hasPrefix("data/masters/"), path.hasSuffix(".tif") else { return false }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 4 && !parts[2].hasPrefix(".") && !parts[3].isEmpty
    }

    /// What decoding one master found: its resolution and colour mode, or why it does not decode in full.
    enum MasterCheck: Sendable {
        case decoded(dpi: Int, colourMode: String)
        case failed(String)

        /// Decodes `bytes` in full (every strip or tile), keeping only what the rules need.
        init(_ bytes: Data) {
            do throws(DecodeError) {
                let info = try ImageDecoder.check(bytes)
                self = .decoded(dpi: info.resolution?.effectiveDPI ?? 0, colourMode: Auditor.colourMode(info.colorType))
            } catch {
                self = .failed(error.message)
            }
        }
    }

    private func archivalChecks(bag: String, bagInfo: [BagInfoField], decoded: [String: MasterCheck],
                                into problems: inout [Problem]) async -> [String] {
        /// The first value of `label` in `bag-info.txt` (labels compared without case), as verification read it.
        func bagInfoValue(_ label: String) -> String? {
            bagInfo.first { $0.label.lowercased() == label.lowercased() }?.value
        }
        func add(_ rule: String, _ file: String?, _ message: String, warning: Bool = false) {
            problems.append(Problem(rule: rule, severity: warning ? "warning" : "error", file: file, message: message))
        }
        let fm = FileManager.default
        let metadataRoot = bag + "/data/metadata"
        let codes = ((try? fm.contentsOfDirectory(atPath: metadataRoot)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        let masterCodes = ((try? fm.contentsOfDirectory(atPath: bag + "/data/masters")) ?? []).filter { !$0.hasPrefix(".") }
        for code in Set(masterCodes).subtracting(codes).sorted() {
            add("archival.metadata.missing", "data/metadata/\(code)/record.xml", "record \(code) has masters but no metadata document")
        }
        if codes.isEmpty && masterCodes.isEmpty {
            let agent = bagInfoValue("Bag-Software-Agent") ?? ""
            if agent.hasPrefix("Quire") {
                add("archival.metadata.missing", "data/metadata", "a Quire bag with no record metadata and no masters")
            } else {
                add("archival.not-applicable", nil, "not a Quire record bag (no data/metadata, no data/masters): BagIt rules only", warning: true)
            }
            return []
        }
        if let identifier = bagInfoValue("External-Identifier"), codes.count == 1 {
            do { _ = try ArchivalCode.parse(identifier, rules: policy.intake.codeRules) } catch {
                add("archival.code", "bag-info.txt", "External-Identifier \(error.description)")
            }
        }
        let xmllint = ["/usr/bin/xmllint", "/usr/local/bin/xmllint"].first { fm.isExecutableFile(atPath: $0) }
        let schema = Self.schemaPath
        if xmllint == nil || schema == nil {
            add("archival.schema.unchecked", nil, "record.xml not checked against its schema: \(xmllint == nil ? "xmllint is not installed (apt-get install libxml2-utils)" : "the schema file is not beside this quire binary")", warning: true)
        }
        for code in codes {
            let folder = "data/metadata/\(code)"
            do { _ = try ArchivalCode.parse(code, rules: policy.intake.codeRules) } catch {
                add("archival.code", folder, error.description)
            }
            guard fm.fileExists(atPath: bag + "/\(folder)/record.xml"),
                  let data = fm.contents(atPath: bag + "/\(folder)/record.json") else {
                add("archival.metadata.missing", folder, "record.xml and record.json must both be present")
                continue
            }
            let metadata: RecordMetadata
            do { metadata = try JSONDecoder().decode(RecordMetadata.self, from: data) } catch {
                add("archival.metadata.invalid", "\(folder)/record.json", "does not parse as a Quire record document: \(error)")
                continue
            }
            if let xmllint, let schema, !Self.validates(xmllint: xmllint, schema: schema, file: bag + "/\(folder)/record.xml") {
                add("archival.metadata.invalid", "\(folder)/record.xml", "does not validate against quire-record.xsd")
            }
            let masters = ((try? fm.contentsOfDirectory(atPath: bag + "/data/masters/\(code)")) ?? []).filter { $0.hasSuffix(".tif") }.sorted()
            if masters.count != metadata.pages.count {
                add("archival.page-count", "data/masters/\(code)", "\(masters.count) masters but the metadata lists \(metadata.pages.count) pages")
            }
            if let declared = metadata.catalog.first(where: { $0.name == "页数" })?.value, let pages = Int(declared), pages != masters.count {
                add("archival.page-count", "data/masters/\(code)", "\(masters.count) masters against the catalog's 页数 \(pages)")
            }
            let recorded = metadata.pages.map(\.colourMode)
            let minimum = policy.resolution.minimumDPI
            let found = await Self.checkMasters(masters.map { "data/masters/\(code)/\($0)" }, bag: bag, decoded: decoded,
                                                recordedModes: recorded, minimumDPI: minimum, workers: workers)
            problems += found
        }
        return codes
    }

    /// Checks resolution and colour mode of every master, and that it decodes in full: from `decoded` when the
    /// BagIt verifier already decoded it, otherwise by reading and decoding it here (at most `workers` at a time).
    static func checkMasters(_ paths: [String], bag: String, decoded: [String: MasterCheck], recordedModes: [String],
                             minimumDPI: Int, workers: Int) async -> [Problem] {
        let undecoded = paths.filter { decoded[$0] == nil }
        var checks = decoded
        await withTaskGroup(of: (String, MasterCheck?).self) { group in
            var next = 0
            func submit() {
                let path = undecoded[next]
                next += 1
                group.addTask {
                    // A file that cannot be read is reported by the BagIt rules (payload.missing, file.unreadable).
                    guard let bytes = FileManager.default.contents(atPath: bag + "/" + path) else { return (path, nil) }
                    return (path, MasterCheck(bytes))
                }
            }
            for _ in 0..<min(max(1, workers), undecoded.count) { submit() }
            while let (path, check) = await group.next() {
                checks[path] = check
                if next < undecoded.count { submit() }
            }
        }
        var found: [Problem] = []
        for (index, path) in paths.enumerated() {
            switch checks[path] {
            case nil:
                continue
            case .failed(let message):
                found.append(Problem(rule: "archival.decode", severity: "error", file: path, message: message))
            case .decoded(let dpi, let mode):
                if dpi < minimumDPI {
                    let stated = dpi == 0 ? "no" : "\(dpi) dpi"
                    found.append(Problem(rule: "archival.resolution", severity: "error", file: path,
                                         message: "\(stated) resolution, below the policy's \(minimumDPI) dpi"))
                }
                if index < recordedModes.count, mode != recordedModes[index] {
                    found.append(Problem(rule: "archival.colour", severity: "warning", file: path,
                                         message: "master is \(mode) but the metadata records \(recordedModes[index])"))
                }
            }
        }
        return found
    }

    static func colourMode(_ type: ColorType) -> String {
        switch type {
        case .bilevel: "bitonal"
        case .gray, .grayAlpha: "gray"
        default: "colour"
        }
    }

    /// The record schema shipped with Quire, when it can be found.
    static var schemaPath: String? {
        if let url = Bundle.module.url(forResource: "quire-record", withExtension: "xsd") { return url.path }
        return nil
    }

    private static func validates(xmllint: String, schema: String, file: String) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: xmllint)
        p.arguments = ["--noout", "--nonet", "--schema", schema, file]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }
}
