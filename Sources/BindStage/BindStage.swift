public import QuireCore
import ArchivalCode
public import Catalog
public import DurableIO
import Foundation
public import Ledger
public import Policy
public import QuireCore

/// Metadata binding (数据挂接): joins a batch's pages to the catalog (目录), checks them, and writes each
/// record's metadata document.
///
/// The checks are DA/T 31's: image count equals the catalog's 页数, no gaps or duplicates in page numbers,
/// no images without a record, no record without images — and no page the normalize stage could not make a
/// preservation master of (`failed_pages`). A record that fails is held back from packaging
/// with its reasons, in the ledger and in the report. Each record with pages gets
/// `metadata/<档号>/record.xml` (schema `docs/schema/quire-record.xsd`) and `record.json` in the
/// workspace, written durably.
///
/// ```swift
/// let report = try BindStage(ledger: ledger, policy: policy, workspace: ws, version: "0.1.0")
///     .run(batch: "delivery", catalog: "samples/catalog.csv", encoding: nil, processFile: "samples/process.yaml")
/// ```
public struct BindStage: Sendable {
    let ledger: any Ledger
    let policy: PipelinePolicy
    let workspace: String
    let version: String

    /// Makes the stage.
    public init(ledger: any Ledger, policy: PipelinePolicy, workspace: String, version: String) {
        self.ledger = ledger
        self.policy = policy
        self.workspace = workspace
        self.version = version
    }

    /// What binding found; its JSON carries the `records`, `unmatched_images` and `catalog_errors` contract.
    public struct Report: Sendable, Encodable {
        /// The batch bound.
        public var batch: String
        /// The catalog file's path, as given.
        public var catalog: String
        /// The catalog's encoding as read: `utf-8` or `gb18030`.
        public var encoding: String
        /// The binding of the records in scope: the whole batch unless the scope named records.
        public var binding: BindingResult
        /// Workspace-relative paths of the metadata documents written.
        public var metadataDocuments: [String]
        /// Records (canonical 档号) whose binding this call stored.
        public var recordsStored: [String] = []

        enum CodingKeys: String, CodingKey {
            case batch, catalog, encoding, records
            case unmatchedImages = "unmatched_images"
            case catalogErrors = "catalog_errors"
            case metadataDocuments = "metadata_documents"
        }

        /// Writes the JSON contract: batch, catalog, encoding, records, unmatched_images, catalog_errors, metadata_documents.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(batch, forKey: .batch)
            try c.encode(catalog, forKey: .catalog)
            try c.encode(encoding, forKey: .encoding)
            try c.encode(binding.records, forKey: .records)
            try c.encode(binding.unmatchedImages, forKey: .unmatchedImages)
            try c.encode(binding.catalogErrors, forKey: .catalogErrors)
            try c.encode(metadataDocuments, forKey: .metadataDocuments)
        }

        /// Whether every record bound and nothing was left over.
        public var isClean: Bool { binding.isClean }
    }

    /// A catalog and the process metadata, read once, for binding records as they become ready.
    public struct Prepared: Sendable {
        /// The catalog as read.
        public let catalog: Catalog
        /// The catalog file's path, for reports.
        public let catalogPath: String
        let process: ProcessMetadata
    }

    /// Which records a bind writes metadata and ledger rows for.
    public enum Scope: Sendable {
        /// Every record of the catalog and the batch; the stored catalog is replaced.
        case all
        /// These records only (by canonical 档号), read from the ledger record by record.
        case records(Set<String>)
        /// Every record except these (bound already by this run); the report still covers the whole batch.
        case allExcept(Set<String>)
    }

    /// Reads the catalog and the process file; nothing is written.
    public func prepare(catalog path: String, encoding: CatalogEncoding?, processFile: String?) throws(BindError) -> Prepared {
        let catalog: Catalog
        do {
            catalog = try CatalogReader(encoding: encoding, columns: .standardAndEnglish, codeRules: policy.intake.codeRules)
                .read(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .catalog(error)
        }
        let process =
            try processFile.map { (file: String) throws(BindError) -> ProcessMetadata in try ProcessFile.load(file) }
            ?? ProcessMetadata()
        return Prepared(catalog: catalog, catalogPath: path, process: process)
    }

    /// Binds `batch` to the catalog file.
    public func run(batch: String, catalog path: String, encoding: CatalogEncoding?, processFile: String?) throws(BindError)
        -> Report
    {
        guard (try? ledger.batch(id: batch)) != nil else {
            throw .noBatch(batch)
        }
        return try bind(batch: batch, prepared: prepare(catalog: path, encoding: encoding, processFile: processFile), scope: .all)
    }

    /// Binds the records of `batch` that `scope` names, writing their metadata documents and ledger rows.
    public func bind(batch: String, prepared: Prepared, scope: Scope) throws(BindError) -> Report {
        var catalog = prepared.catalog
        let process = prepared.process
        let path = prepared.catalogPath
        let pages: [PageRecord]
        let quarantined: [QuarantineRecord]
        let fixity: [String: [DigestAlgorithm: String]]
        var failures: [String: [PageCheck]] = [:]
        var failedChecks: [String: [VisualCheckMark]] = [:]
        do {
            if case .records(let codes) = scope {
                var found: (pages: [PageRecord], quarantined: [QuarantineRecord]) = ([], [])
                for code in codes.sorted() {
                    found.pages += try ledger.pages(batch: batch, code: code)
                    found.quarantined += try ledger.quarantined(batch: batch, code: code)
                    failures.merge(try ledger.normalizationFailures(batch: batch, code: code)) { a, _ in a }
                }
                (pages, quarantined) = found
                fixity = Dictionary(
                    try ledger.fixityRecords(batch: batch, paths: pages.map(\.path)).filter { $0.root == .delivery }
                        .map { ($0.path, $0.digests) }, uniquingKeysWith: { a, _ in a })
                catalog.records = catalog.records.filter { codes.contains($0.code.canonical) }
                catalog.errors = []
            } else {
                pages = try ledger.pages(batch: batch)
                quarantined = try ledger.quarantined(batch: batch)
                failures = try ledger.normalizationFailures(batch: batch, code: nil)
                fixity = Dictionary(
                    try ledger.fixityRecords(batch: batch).filter { $0.root == .delivery }.map { ($0.path, $0.digests) },
                    uniquingKeysWith: { a, _ in a })
            }
            // Pages an auditor failed in the visual check (their latest mark): their records stay held.
            failedChecks = Dictionary(
                grouping: try ledger.visualChecks(batch: batch).latestByPage.values.filter { $0.verdict == .fail }
                    .sorted { $0.page < $1.page }, by: \.code)
        } catch { throw .ledger(error) }

        let result = Binder.bind(
            catalog: catalog,
            pages: pages.map { page in
                BoundPage(
                    code: page.code, page: page.page, path: page.path,
                    failure: failures[page.path].map { $0.map { "\($0.rule.rawValue): \($0.detail)" }.joined(separator: "; ") })
            },
            quarantined: quarantined.map {
                QuarantinedPage(path: $0.path, code: $0.code, page: $0.page, reason: $0.reason.rawValue)
            })

        // Metadata per record with pages.
        let pagesByCode = Dictionary(grouping: pages, by: \.code)
        var written: [String] = []
        var rows: [RecordRow] = []
        for binding in result.records {
            let code = binding.code.canonical
            if case .allExcept(let skipped) = scope, skipped.contains(code) { continue }
            var metadataPath: String?
            if let recordPages = pagesByCode[code], let record = catalog.record(for: binding.code) {
                var recordProcess = process
                recordProcess.qcResults += recordPages.sorted { $0.page < $1.page }.map {
                    QCResult(
                        check: "decode", outcome: .pass, page: $0.page,
                        detail: "\($0.format) \($0.width)×\($0.height) decoded in full")
                }
                recordProcess.qcResults.append(
                    QCResult(
                        check: "binding", outcome: binding.status == .bound ? .pass : .fail,
                        detail: binding.problems.isEmpty
                            ? "page count and numbering match the catalog"
                            : binding.problems.map { "\($0.rule.rawValue): \($0.detail)" }.joined(separator: "; ")))
                let metadata = RecordMetadata(
                    record: record,
                    pages: recordPages.sorted { $0.page < $1.page }.map { page in
                        PageMetadata(
                            page: page.page, path: page.path, format: page.format, compression: page.compression,
                            width: page.width, height: page.height, bitsPerSample: page.bitsPerSample,
                            colourMode: Self.colourMode(page.colorType),
                            resolution: page.dpiX.map { PageResolution(x: $0, y: page.dpiY ?? $0) },
                            sizeBytes: page.size,
                            digests: Dictionary(
                                uniqueKeysWithValues: (fixity[page.path] ?? [.sha256: page.sha256])
                                    .map { ($0.key.rawValue, $0.value) }))
                    },
                    process: recordProcess,
                    generator: GeneratorInfo(version: version))
                let layout = WorkspaceLayout(root: workspace)
                let xml = WorkspaceLayout.metadataPath(code: code, .xml), json = WorkspaceLayout.metadataPath(code: code, .json)
                do {
                    try DurableFile.write(Data(metadata.xml().utf8), to: layout.absolute(xml))
                    try DurableFile.write(metadata.json(), to: layout.absolute(json))
                } catch { throw .write(error) }
                written.append(xml)
                written.append(json)
                metadataPath = xml
            }
            let problems = binding.problems + (failedChecks[code] ?? []).compactMap(\.problem)
            let state: RecordState =
                switch binding.status {
                case .bound where problems.isEmpty: .bound
                case .bound, .held: .held
                }
            rows.append(RecordRow(code: code, state: state, problems: problems, metadataPath: metadataPath))
        }
        var catalogRows: [StoredBinding.CatalogRow]?
        if case .records = scope {
        } else {
            catalogRows = catalog.records.map { r in
                StoredBinding.CatalogRow(
                    code: r.code.canonical, line: r.line,
                    fields: r.fields.map { .init(name: $0.name, key: $0.field?.rawValue, value: $0.value) },
                    pageCount: r.pageCount)
            }
        }
        do {
            try ledger.storeBinding(StoredBinding(catalog: catalogRows, records: rows), batch: batch, tool: "quire \(version)")
        } catch {
            throw .ledger(error)
        }
        return Report(
            batch: batch, catalog: path, encoding: catalog.encoding.rawValue, binding: result, metadataDocuments: written,
            recordsStored: rows.map(\.code))
    }
}

extension BindStage {
    /// The DA/T 31 colour mode (§9.3) of a source colour type: bitonal (黑白二值), gray (灰度) or colour (彩色).
    static func colourMode(_ colorType: String) -> String {
        switch colorType {
        case "bilevel": "bitonal"
        case "gray", "gray-alpha": "gray"
        default: "colour"
        }
    }
}

/// Why binding could not run.
public enum BindError: Error, Sendable, CustomStringConvertible, QuireErrorConvertible {
    case noBatch(String)
    case catalog(CSVFileError)
    case process(file: String, reason: String)
    case ledger(QuireError)
    case write(DurableFileError)

    /// One line for a person: the missing batch, the catalog or process file at fault, or the ledger or write error.
    public var description: String {
        switch self {
        case .noBatch(let batch): "no batch '\(batch)' in this workspace; run 'quire import' first or name it with --batch"
        case .catalog(let error): "\(error)"
        case .process(let file, let reason): "\(file): \(reason)"
        case .ledger(let error): error.description
        case .write(let error): error.description
        }
    }

    /// Binding could not run: exit 3, naming the process metadata file when it is at fault.
    public var quireError: QuireError {
        switch self {
        case .process(let file, let reason): QuireError(.couldNotRun, stage: .bind, file: file, message: reason)
        default: QuireError(.couldNotRun, stage: .bind, message: description)
        }
    }
}
