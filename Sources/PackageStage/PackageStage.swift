public import QuireCore
import Catalog
import Fixity
import Foundation
public import Ledger
import Packaging
public import Policy

/// The package stage: one BagIt bag (RFC 8493) per bound record, or one per batch, as the policy says.
///
/// A record's bag holds its masters, access copies, thumbnails and metadata documents:
///
/// ```
/// <档号>/bagit.txt, bag-info.txt, manifest-sha256.txt, manifest-sha512.txt, tagmanifest-*.txt
///        data/masters/<档号>/0001.tif  data/access/<档号>/0001.jpg  data/thumbs/<档号>/0001.jpg
///        data/metadata/<档号>/record.xml  data/metadata/<档号>/record.json
/// ```
///
/// Payload digests come from the ledger (recorded when normalization wrote the files); only the small
/// metadata documents, and any algorithm the ledger lacks, are hashed here. `BagWriter` builds the bag under
/// a temporary name, verifies it in full, and renames it; only then does the ledger mark the record
/// `packaged`. A bag left complete by a crash between the rename and the ledger commit is recognised on
/// the next run: it is verified and accepted when valid.
public struct PackageStage: Sendable {
    let ledger: any PageStore & FixityStore & RecordStore
    let policy: PipelinePolicy
    let workspace: String
    let version: String
    let workers: Int
    /// When set, a partial bag of another process is removed as a stray only once it is that many seconds old: on
    /// shared storage other machines' workers write bags into the same folder (their pids mean nothing here).
    public var strayPartialAge: Double?

    /// Makes the stage.
    public init(
        ledger: any PageStore & FixityStore & RecordStore, policy: PipelinePolicy, workspace: String, version: String,
        workers: Int = 0
    ) {
        self.ledger = ledger
        self.policy = policy
        self.workspace = workspace
        self.version = version
        self.workers = WorkerCount.resolve(workers)
    }

    /// One bag's outcome.
    public struct BagOutcome: Sendable, Codable {
        /// The bag's name: the record's 档号, or the batch id for a bag per batch.
        public var name: String
        /// The 档号 of the records in the bag.
        public var records: [String]
        /// The bag's folder; nil when the bag failed.
        public var path: String?
        /// `packaged`, `already_packaged`, or `failed`.
        public var status: String
        /// Why the bag failed, or a note on a complete bag found from an earlier run; nil for a bag written now.
        public var detail: String?
        /// The bag's Payload-Oxum (`bytes.files`) when this run wrote it; nil otherwise.
        public var payloadOxum: String?
        /// The bag could not be written because the disk is full (the run should stop, not go on failing).
        public var diskFull: DiskFull? = nil

        /// Makes an outcome.
        public init(
            name: String, records: [String], path: String?, status: String, detail: String?, payloadOxum: String?,
            diskFull: DiskFull? = nil
        ) {
            self.name = name
            self.records = records
            self.path = path
            self.status = status
            self.detail = detail
            self.payloadOxum = payloadOxum
            self.diskFull = diskFull
        }
    }

    /// What a run did.
    public struct Report: Sendable, Codable {
        /// The batch packaged.
        public var batch: String
        /// One outcome per bag this run wrote, found complete, or failed on.
        public var bags: [BagOutcome]
        /// Records not packaged because they are held (with the binding's reasons) or not yet bound.
        public var skipped: [String: String]
        /// Wall-clock seconds of the run.
        public var seconds: Double

        /// How many bags failed.
        public var failed: Int { bags.filter { $0.status == "failed" }.count }
    }

    /// Where the record's files are in the workspace.
    var layout: WorkspaceLayout { WorkspaceLayout(root: workspace, pageDigits: policy.intake.pageDigits) }

    /// Packages every bound record of `batch` into `out` (default `<workspace>/bags`); with `codes`, only
    /// those records (a streaming run packages each record as soon as it is bound). With `recording` false the
    /// ledger is not told of the bags: a worker holding a record claim commits its bag under the claim's fencing
    /// token instead (``RecordClaimStore/completeRecordClaim(_:worker:outcome:tool:)``).
    public func run(batch: String, out: String?, codes: Set<String>? = nil, recording: Bool = true) async throws(QuireError)
        -> Report
    {
        let started = Date()
        let destination = out ?? layout.bagsFolder
        try? FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
        if codes == nil { _ = BagWriter.removeStrayPartials(in: destination, olderThan: strayPartialAge) }
        var records = try ledger.records(batch: batch)
        var pages: [String: [PageRecord]] = [:]
        if let codes {
            records = records.filter { codes.contains($0.code) }
            for code in codes { pages[code] = try ledger.pages(batch: batch, code: code) }
        } else {
            pages = Dictionary(grouping: try ledger.pages(batch: batch), by: \.code)
        }
        var report = Report(batch: batch, bags: [], skipped: [:], seconds: 0)
        var ready: [RecordRow] = []
        for record in records {
            switch record.state {
            case .bound: ready.append(record)
            case .packaged, .verified: continue
            case .held: report.skipped[record.code] = "held: " + Self.describe(record.problems)
            case .waiting, .invalid: report.skipped[record.code] = "state \(record.state.rawValue): run 'quire bind' first"
            }
        }
        let groups: [(name: String, records: [RecordRow])] =
            switch policy.package.bagPer {
            case .batch: ready.isEmpty ? [] : [(batch, ready)]
            case .record: ready.map { ($0.code, [$0]) }
            }
        for group in groups {
            let outcome = await makeBag(name: group.name, records: group.records, pages: pages, batch: batch, in: destination)
            if outcome.status != "failed" && recording {
                for record in group.records {
                    try ledger.markRecord(
                        batch: batch, code: record.code, state: .packaged, bag: outcome.path,
                        detail: outcome.payloadOxum.map { "Payload-Oxum \($0)" }, tool: "quire \(version)")
                    // The writer verified the finished bag in full (or, for a bag found complete, the verifier did).
                    try ledger.markRecord(
                        batch: batch, code: record.code, state: .verified, bag: outcome.path,
                        detail: "full BagIt verification at packaging", tool: "quire \(version)")
                }
            }
            report.bags.append(outcome)
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// "rule: detail; …" of a held record's binding problems.
    public static func describe(_ problems: [BindingProblem]) -> String {
        problems.map(\.description).joined(separator: "; ")
    }

    private func makeBag(
        name: String, records: [RecordRow], pages: [String: [PageRecord]], batch: String,
        in destination: String
    ) async -> BagOutcome {
        let codes = records.map(\.code)
        func failed(_ detail: String) -> BagOutcome {
            BagOutcome(name: name, records: codes, path: nil, status: "failed", detail: detail, payloadOxum: nil)
        }
        let algorithms = policy.package.manifests
        let layout = self.layout
        var payload: [PayloadFile] = []
        var firstMetadata: RecordMetadata?
        for record in records {
            let recordPages = (pages[record.code] ?? []).sorted { $0.page < $1.page }
            guard !recordPages.isEmpty else { return failed("\(record.code) has no pages") }
            // (workspace-relative path, path in the bag)
            var files: [(String, String)] = []
            for page in recordPages {
                for output in WorkspaceLayout.PageOutput.allCases {
                    let relative = layout.relativePath(of: output, code: record.code, page: page.page)
                    files.append((relative, WorkspaceLayout.bagPath(of: relative)))
                }
            }
            guard record.metadataPath != nil else { return failed("\(record.code) has no metadata document; run 'quire bind'") }
            for document in WorkspaceLayout.MetadataDocument.allCases {
                let relative = WorkspaceLayout.metadataPath(code: record.code, document)
                files.append((relative, WorkspaceLayout.bagPath(of: relative)))
            }
            let outputs: [String: FixityRecord]
            do {
                outputs = Dictionary(
                    try ledger.fixityRecords(batch: batch, paths: files.map(\.0)).filter { $0.root == .workspace }
                        .map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
            } catch { return failed(error.description) }
            for (relative, bagPath) in files {
                let full = layout.absolute(relative)
                var digests: [DigestAlgorithm: String] = [:]
                var size: UInt64 = 0
                if let known = outputs[relative] {
                    digests = known.digests
                    size = UInt64(known.size)
                }
                let missing = algorithms.filter { digests[$0] == nil }
                if !missing.isEmpty {
                    guard outputs[relative] != nil || WorkspaceLayout.isMetadata(relative) else {
                        return failed("\(relative) is not normalized yet; run 'quire normalize'")
                    }
                    do {
                        for (a, hex) in try FileDigester.digest(path: full, algorithms: missing) { digests[a] = hex }
                    } catch { return failed(error.description) }
                    var info = stat()
                    guard stat(full, &info) == 0 else { return failed("\(full) is missing") }
                    size = UInt64(info.st_size)
                }
                payload.append(PayloadFile(source: full, bagPath: bagPath, size: size, digests: digests))
            }
            if firstMetadata == nil {
                let json = layout.absolute(WorkspaceLayout.metadataPath(code: record.code, .json))
                firstMetadata = try? JSONDecoder().decode(RecordMetadata.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
            }
        }

        var info: [BagInfoField] = [
            BagInfoField(
                "Source-Organization", policy.package.sourceOrganization.isEmpty ? "unknown" : policy.package.sourceOrganization),
            BagInfoField("Bagging-Date", Date().formatted(.iso8601.year().month().day())),
            BagInfoField("Bag-Software-Agent", "Quire \(version)"),
        ]
        if records.count == 1 {
            info.append(BagInfoField("External-Identifier", codes[0]))
            if let metadata = firstMetadata {
                let labels: [(String, String)] = [
                    ("题名", "Title"), ("案卷题名", "Title"), ("责任者", "Responsible-Party"),
                    ("文号", "Document-Number"), ("日期", "Date"), ("起止日期", "Date-Range"),
                    ("密级", "Classification"), ("保管期限", "Retention"), ("页数", "Page-Count"),
                ]
                for (heading, label) in labels {
                    if let value = metadata.catalog.first(where: { $0.name == heading })?.value, !value.isEmpty,
                        !info.contains(where: { $0.label == label })
                    {
                        info.append(BagInfoField(label, value))
                    }
                }
            }
        } else {
            info.append(BagInfoField("External-Identifier", name))
            info.append(BagInfoField("External-Description", "\(codes.count) records: \(codes.joined(separator: ", "))"))
        }
        info.append(BagInfoField("Quire-Pipeline", policy.name))

        var writer = BagWriter(
            manifestAlgorithms: algorithms,
            tagManifestAlgorithms: policy.package.tagManifests)
        writer.workers = workers
        writer.serializeToTar = policy.package.serialization == .tar
        writer.placement =
            switch policy.package.payload {
            case .copy: .copy
            case .link: .hardLinkWhenPossible
            }
        do {
            let result = try await writer.write(name: name, in: destination, payload: payload, bagInfo: info)
            return BagOutcome(
                name: name, records: codes, path: result.path, status: "packaged", detail: nil, payloadOxum: result.payloadOxum)
        } catch {
            if case .destinationExists(let path) = error {
                // Finished by an earlier run that stopped before the ledger learned of it: accept it if it verifies.
                let report = await BagVerifier.verify(path, mode: .full, workers: workers)
                if report.valid && report.payloadFileCount == payload.count {
                    return BagOutcome(
                        name: name, records: codes, path: path, status: "already_packaged",
                        detail: "a complete bag from an earlier run was found and verified", payloadOxum: nil)
                }
                return failed("\(path) exists and does not verify (\(report.errorCount) errors); move it away and run again")
            }
            if case .io(let failure) = error, let full = failure.diskFull {
                var outcome = failed(failure.description)
                outcome.diskFull = full
                return outcome
            }
            return failed("\(error)")
        }
    }
}
