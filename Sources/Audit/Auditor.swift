public import QuireCore
import ArchivalCode
public import BlockingWork
import Catalog
import Foundation
import ImageCodecs
import Packaging
public import Policy

/// The auditor's check of delivered bags: RFC 8493 first (through `BagVerifier`), then the archival rules
/// recorded in the bag, on any machine, with no ledger.
///
/// Every byte of the bag is read through one ``ConfinedFolder`` opened on the bag: a file or folder that a
/// symbolic link takes out of the bag is reported once by the BagIt verifier (`payload.symlink`) and is neither
/// listed, read, decoded, parsed nor handed to `xmllint` here. Contents are held within a ``MemoryBudget`` shared
/// by every bag in progress: a master larger than the budget is hashed as a stream and decode-checked from its
/// descriptor, one strip or tile at a time.
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
/// | `archival.decode.skipped` | (warning) a master's decode check would hold more than the memory budget at once (one strip or tile; a page for layouts read whole): digests checked, decode not |
/// | `archival.resolution` | a master is below the policy's minimum resolution |
/// | `archival.colour` | a master's colour mode differs from the one its metadata records |
public struct Auditor: Sendable {
    let policy: PipelinePolicy
    let workers: Int
    let memory: ByteBudget

    /// Makes an auditor that holds at most `memoryBudget` of file content at once (default: `QUIRE_MEMORY_BUDGET`,
    /// or 512 MiB).
    public init(policy: PipelinePolicy, workers: Int = WorkerCount.standard, memoryBudget: MemoryBudget? = nil) {
        self.policy = policy
        self.workers = workers
        memory = memoryBudget.map { ByteBudget(limit: $0.bytes) } ?? .standard
    }

    /// One problem: a stable rule id, `error` or `warning`, the file, and a sentence.
    public struct Problem: Sendable, Codable, Equatable {
        /// The stable rule id: a BagIt rule (`payload.digest`, …) or an archival one (`archival.*`).
        public var rule: AuditRule
        /// `error` (the bag is not valid) or `warning`.
        public var severity: Severity
        /// The bag-relative path concerned; nil when the problem is about the bag as a whole.
        public var file: String?
        /// One sentence for a person.
        public var message: String

        /// Makes a problem.
        public init(rule: AuditRule, severity: Severity, file: String?, message: String) {
            self.rule = rule
            self.severity = severity
            self.file = file
            self.message = message
        }
    }

    /// One bag's result.
    public struct Result: Sendable, Codable {
        /// The bag's path, as given.
        public var bag: String
        /// Whether no problem is an error.
        public var valid: Bool
        /// The depth checked: `fast`, `bagit` or `full`.
        public var mode: Depth
        /// The 档号 folders under `data/metadata` the archival checks covered, sorted; empty below `full` depth.
        public var records: [String]
        /// Every problem found (BagIt and archival), in one list.
        public var problems: [Problem]
        /// Regular files found under `data/`.
        public var payloadFiles: Int
        /// Bytes read to compute digests; 0 at `fast` depth.
        public var bytesHashed: UInt64
        /// The same problems read as DA/T 70's four properties (四性).
        public var fourProperties: FourPropertiesSummary

        /// How many of the problems are errors.
        public var errorCount: Int { problems.filter { $0.severity == .error }.count }
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
        let folder: ConfinedFolder
        do { folder = try ConfinedFolder(path: bag) } catch {
            // No folder to open: the verifier says so in its own terms.
            report = await BagVerifier.verify(bag, mode: depth == .fast ? .fast : .full, workers: workers)
            return result(bag: bag, depth: depth, report: report, problems: Self.problems(report), records: [])
        }
        switch depth {
        case .fast:
            report = await BagVerifier.verify(
                folder, mode: .fast, workers: workers, memory: memory,
                inspecting: PayloadInspection<Never>?.none
            ).report
        case .bagit:
            report = await BagVerifier.verify(
                folder, mode: .full, workers: workers, memory: memory,
                inspecting: PayloadInspection<Never>?.none
            ).report
        case .full:
            let limit = memory.limit
            let inspection = PayloadInspection<MasterCheck>(
                wants: Self.isMaster, inspect: { _, bytes in MasterCheck(bytes) },
                inspectFile: { _, descriptor, size in MasterCheck(descriptor: descriptor, size: size, memoryLimit: limit) })
            (report, decoded) = await BagVerifier.verify(
                folder, mode: .full, workers: workers, memory: memory, inspecting: inspection)
        }
        var problems = Self.problems(report)
        var records: [String] = []
        if depth == .full && report.bagItVersion != nil {
            records = await archivalChecks(folder, bagInfo: report.bagInfo, decoded: decoded, into: &problems)
        }
        return result(bag: bag, depth: depth, report: report, problems: problems, records: records)
    }

    private static func problems(_ report: BagReport) -> [Problem] {
        report.problems.map {
            Problem(
                rule: .bag($0.rule), severity: $0.severity, file: $0.file, message: $0.message)
        }
    }

    private func result(bag: String, depth: Depth, report: BagReport, problems: [Problem], records: [String]) -> Result {
        let valid = !problems.contains { $0.severity == .error }
        return Result(
            bag: bag, valid: valid, mode: depth, records: records, problems: problems,
            payloadFiles: report.payloadFileCount, bytesHashed: report.bytesHashed,
            fourProperties: FourPropertiesSummary(problems))
    }

    /// Checks several bags, overlapping them: up to `max(2, workers)` bags are in progress at once, so one bag's
    /// last files and archival checks run while the next bag's files are hashed. Files are still read and
    /// decoded on Dispatch threads (`BlockingWork`), bounded by each bag's own pool. Results come back in `bags` order.
    public func audit(bags: [String], depth: Depth) async -> [Result] {
        await WorkerPool(workers: max(2, workers)).mapTasks(bags) { bag in await audit(bag: bag, depth: depth) }
    }

    /// Whether a bag-relative path is where the archival rules look for masters: `data/masters/<档号>/<name>.tif`.
    static func isMaster(_ path: String) -> Bool {
        guard path.hasPrefix("data/masters/"), path.hasSuffix(".tif") else { return false }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 4 && !parts[2].hasPrefix(".") && !parts[3].isEmpty
    }

    /// What decoding one master found: its resolution and colour mode, why it does not decode in full, or why
    /// it was not decoded.
    enum MasterCheck: Sendable {
        case decoded(dpi: Int, colourMode: String)
        case failed(String)
        /// Not decoded: checking it would hold more than the memory budget (the sentence says how much).
        case skipped(String)

        /// Decodes `bytes` in full (every strip or tile), keeping only what the rules need.
        init(_ bytes: Data) {
            do throws(DecodeError) {
                self.init(try ImageDecoder.check(bytes))
            } catch {
                self = .failed(error.message)
            }
        }

        /// Decodes the master of `size` bytes open at `descriptor` in full, one strip or tile at a time, holding at
        /// most `memoryLimit` bytes.
        init(descriptor: Int32, size: UInt64, memoryLimit: Int) {
            switch ImageDecoder.check(descriptor: descriptor, size: size, memoryLimit: memoryLimit) {
            case .decoded(let info): self.init(info)
            case .failed(let error): self = .failed(error.message)
            case .needsMoreMemory(let bytes):
                let (file, held, limit) = (
                    Auditor.megabytes(Int(clamping: size)), Auditor.megabytes(bytes), Auditor.megabytes(memoryLimit)
                )
                self = .skipped(
                    "master is \(file); its decode check would hold \(held) at once, more than the \(limit) verify may hold "
                        + "(--memory-budget, QUIRE_MEMORY_BUDGET); decode check skipped, digests checked")
            }
        }

        init(_ info: ImageInfo) {
            self = .decoded(dpi: info.resolution?.effectiveDPI ?? 0, colourMode: Auditor.colourMode(info.colorType))
        }
    }

    /// Bytes as MB with one decimal (`31.4 MB`).
    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }

    private func archivalChecks(
        _ bag: ConfinedFolder, bagInfo: [BagInfoField], decoded: [String: MasterCheck],
        into problems: inout [Problem]
    ) async -> [String] {
        /// The first value of `label` in `bag-info.txt` (labels compared without case), as verification read it.
        func bagInfoValue(_ label: String) -> String? {
            bagInfo.first { $0.label.lowercased() == label.lowercased() }?.value
        }
        func add(_ rule: ArchivalRule, _ file: String?, _ message: String, warning: Bool = false) {
            problems.append(Problem(rule: .archival(rule), severity: warning ? .warning : .error, file: file, message: message))
        }
        /// Names in a folder of the bag; nil when it leads out of the bag (the verifier reported it) or is absent.
        func names(in folder: String) -> [String]? {
            (try? bag.entries(in: folder))?.map(\.name).filter { !$0.hasPrefix(".") }
        }
        let codes = (names(in: "data/metadata") ?? []).sorted()
        let masterCodes = names(in: "data/masters") ?? []
        for code in Set(masterCodes).subtracting(codes).sorted() {
            add(
                .metadataMissing, "data/metadata/\(code)/record.xml",
                "record \(code) has masters but no metadata document")
        }
        if codes.isEmpty && masterCodes.isEmpty {
            let agent = bagInfoValue("Bag-Software-Agent") ?? ""
            if agent.hasPrefix("Quire") {
                add(.metadataMissing, "data/metadata", "a Quire bag with no record metadata and no masters")
            } else {
                add(
                    .notApplicable, nil,
                    "not a Quire record bag (no data/metadata, no data/masters): BagIt rules only", warning: true)
            }
            return []
        }
        if let identifier = bagInfoValue("External-Identifier"), codes.count == 1 {
            do { _ = try ArchivalCode.parse(identifier, rules: policy.intake.codeRules) } catch {
                add(.code, "bag-info.txt", "External-Identifier \(error.description)")
            }
        }
        let fm = FileManager.default
        let xmllint = ["/usr/bin/xmllint", "/usr/local/bin/xmllint"].first { fm.isExecutableFile(atPath: $0) }
        let schema = Self.schemaPath
        if xmllint == nil || schema == nil {
            add(
                .schemaUnchecked, nil,
                "record.xml not checked against its schema: \(xmllint == nil ? "xmllint is not installed (apt-get install libxml2-utils)" : "the schema file is not beside this quire binary")",
                warning: true)
        }
        for code in codes {
            let folder = "data/metadata/\(code)"
            do { _ = try ArchivalCode.parse(code, rules: policy.intake.codeRules) } catch {
                add(.code, folder, error.description)
            }
            // Read beneath the bag only; a document a link takes outside was reported by the verifier and is not read.
            let xml = Self.read(bag, "\(folder)/record.xml")
            let json = Self.read(bag, "\(folder)/record.json")
            if case .leftBag = json { continue }
            guard case .read(let data) = json, xml != .absent else {
                add(.metadataMissing, folder, "record.xml and record.json must both be present")
                continue
            }
            let metadata: RecordMetadata
            do { metadata = try JSONDecoder().decode(RecordMetadata.self, from: data) } catch {
                add(.metadataInvalid, "\(folder)/record.json", "does not parse as a Quire record document: \(error)")
                continue
            }
            if let xmllint, let schema, case .read(let document) = xml,
                !Self.validates(xmllint: xmllint, schema: schema, document: document)
            {
                add(.metadataInvalid, "\(folder)/record.xml", "does not validate against quire-record.xsd")
            }
            guard let listed = names(in: "data/masters/\(code)") ?? (masterCodes.contains(code) ? nil : []) else { continue }
            let masters = listed.filter { $0.hasSuffix(".tif") }.sorted()
            if masters.count != metadata.pages.count {
                add(
                    .pageCount, "data/masters/\(code)",
                    "\(masters.count) masters but the metadata lists \(metadata.pages.count) pages")
            }
            if let declared = metadata.catalog.first(where: { $0.name == "页数" })?.value, let pages = Int(declared),
                pages != masters.count
            {
                add(.pageCount, "data/masters/\(code)", "\(masters.count) masters against the catalog's 页数 \(pages)")
            }
            let recorded = metadata.pages.map(\.colourMode)
            let minimum = policy.resolution.minimumDPI
            let found = await Self.checkMasters(
                masters.map { "data/masters/\(code)/\($0)" }, bag: bag, decoded: decoded,
                recordedModes: recorded, minimumDPI: minimum, workers: workers, memory: memory)
            problems += found
        }
        return codes
    }

    /// A bag file read beneath the bag.
    enum Read: Equatable {
        case read(Data)
        case absent
        /// It leads out of the bag: not read (the verifier reports it).
        case leftBag
    }

    static func read(_ bag: ConfinedFolder, _ path: String) -> Read {
        do { return .read(try bag.contents(of: path)) } catch {
            return error.leavesFolder ? .leftBag : .absent
        }
    }

    /// Checks resolution and colour mode of every master, and that it decodes in full: from `decoded` when the
    /// BagIt verifier already decoded it, otherwise by reading and decoding it here, beneath the bag (at most
    /// `workers` at a time, whole within `memory`, else from its descriptor).
    static func checkMasters(
        _ paths: [String], bag: ConfinedFolder, decoded: [String: MasterCheck], recordedModes: [String],
        minimumDPI: Int, workers: Int, memory: ByteBudget
    ) async -> [Problem] {
        let undecoded = paths.filter { decoded[$0] == nil }
        var checks = decoded
        let results = await WorkerPool(workers: max(1, workers)).mapTasks(undecoded) { path -> MasterCheck? in
            // A file that cannot be read, or leads out of the bag, is reported by the BagIt rules
            // (payload.missing, file.unreadable, payload.symlink).
            guard let size = try? bag.status(of: path).size else { return nil }
            let whole = size < UInt64(memory.limit)
            await memory.acquire(whole ? Int(size) : 0)
            let check = await BlockingWork.run { () -> MasterCheck? in
                if whole { return (try? bag.contents(of: path, limit: UInt64(memory.limit))).map { MasterCheck($0) } }
                guard let file = try? bag.openFile(path) else { return nil }
                return MasterCheck(descriptor: file.descriptor, size: file.size, memoryLimit: memory.limit)
            }
            await memory.release(whole ? Int(size) : 0)
            return check
        }
        for (path, check) in zip(undecoded, results) { checks[path] = check }
        var found: [Problem] = []
        for (index, path) in paths.enumerated() {
            switch checks[path] {
            case nil:
                continue
            case .failed(let message):
                found.append(Problem(rule: .archival(.decode), severity: .error, file: path, message: message))
            case .skipped(let message):
                found.append(Problem(rule: .archival(.decodeSkipped), severity: .warning, file: path, message: message))
            case .decoded(let dpi, let mode):
                if dpi < minimumDPI {
                    let stated = dpi == 0 ? "no" : "\(dpi) dpi"
                    found.append(
                        Problem(
                            rule: .archival(.resolution), severity: .error, file: path,
                            message: "\(stated) resolution, below the policy's \(minimumDPI) dpi"))
                }
                if index < recordedModes.count, mode != recordedModes[index] {
                    found.append(
                        Problem(
                            rule: .archival(.colour), severity: .warning, file: path,
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

    /// Whether `document` (read beneath the bag) validates against `schema`. `xmllint` is given a private copy in
    /// the temporary folder, never a path into the bag, which a link could lead out of.
    private static func validates(xmllint: String, schema: String, document: Data) -> Bool {
        let copy = NSTemporaryDirectory() + "quire-record-\(UUID().uuidString).xml"
        guard FileManager.default.createFile(atPath: copy, contents: document, attributes: [.posixPermissions: 0o600]) else {
            return false
        }
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: xmllint)
        p.arguments = ["--noout", "--nonet", "--schema", schema, copy]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }
}
