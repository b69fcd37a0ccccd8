import Foundation
public import QuireCore

/// A batch: one vendor delivery, processed in one workspace.
public struct BatchInfo: Sendable, Equatable, Codable {
    /// The batch name (unique in a workspace).
    public var id: String
    /// Absolute path of the delivery folder.
    public var delivery: String
    /// Holdings register id the batch counts toward.
    public var archive: String?
    /// Pipeline name used.
    public var pipeline: String
    /// When the batch was first registered (ISO 8601, UTC).
    public var createdAt: String
    /// The fingerprint of the settings that shape its pages' outputs (`NormalizeStage.settingsFingerprint`), as
    /// the latest run or import that registered pages gave it; workers whose own differs refuse its pages. Nil for
    /// a batch an older Quire registered.
    public var settings: String?

    /// Makes a batch value.
    public init(
        id: String, delivery: String, archive: String?, pipeline: String, createdAt: String, settings: String? = nil
    ) {
        self.id = id
        self.delivery = delivery
        self.archive = archive
        self.pipeline = pipeline
        self.createdAt = createdAt
        self.settings = settings
    }
}

/// A page accepted at import, with what its decode found.
public struct PageRecord: Sendable, Equatable, Codable {
    /// Path relative to the delivery.
    public var path: String
    /// Size in bytes.
    public var size: Int64
    /// Modification time, nanoseconds since 1970.
    public var mtimeNanoseconds: Int64
    /// SHA-256 of the bytes decoded at import (lowercase hex).
    public var sha256: String
    /// `tiff`, `png` or `jpeg` (by signature).
    public var format: String
    /// Displayed width in pixels.
    public var width: Int
    /// Displayed height in pixels.
    public var height: Int
    /// Bits per sample.
    public var bitsPerSample: Int
    /// Samples per pixel.
    public var samplesPerPixel: Int
    /// The source colour type (`bilevel`, `gray`, `rgb`…).
    public var colorType: String
    /// The source compression (`lzw`, `ccitt-g4`, `baseline`…).
    public var compression: String
    /// Horizontal resolution, when the file states one.
    public var dpiX: Double?
    /// Vertical resolution, when the file states one.
    public var dpiY: Double?
    /// Images in the file.
    public var frames: Int
    /// The record's canonical 档号.
    public var code: String
    /// The page number.
    public var page: Int
    /// Where the page is in its state machine.
    public var state: PageState

    /// Makes a page record.
    public init(
        path: String, size: Int64, mtimeNanoseconds: Int64, sha256: String, format: String, width: Int,
        height: Int, bitsPerSample: Int, samplesPerPixel: Int, colorType: String, compression: String,
        dpiX: Double?, dpiY: Double?, frames: Int, code: String, page: Int, state: PageState
    ) {
        self.path = path
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
        self.sha256 = sha256
        self.format = format
        self.width = width
        self.height = height
        self.bitsPerSample = bitsPerSample
        self.samplesPerPixel = samplesPerPixel
        self.colorType = colorType
        self.compression = compression
        self.dpiX = dpiX
        self.dpiY = dpiY
        self.frames = frames
        self.code = code
        self.page = page
        self.state = state
    }
}

/// A file held back at import, with a stable reason code and a sentence.
public struct QuarantineRecord: Sendable, Equatable, Codable {
    /// Path relative to the delivery.
    public var path: String
    /// Size in bytes.
    public var size: Int64
    /// Modification time, nanoseconds since 1970.
    public var mtimeNanoseconds: Int64
    /// SHA-256 of its bytes, when they were read.
    public var sha256: String?
    /// Why it is held back.
    public var reason: QuarantineReason
    /// What exactly is wrong, in words.
    public var detail: String
    /// The 档号 its name maps to, when it maps to one.
    public var code: String?
    /// The page number its name maps to, when it maps to one.
    public var page: Int?

    /// Makes a quarantine record.
    public init(
        path: String, size: Int64, mtimeNanoseconds: Int64, sha256: String?, reason: QuarantineReason, detail: String,
        code: String?, page: Int?
    ) {
        self.path = path
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
        self.sha256 = sha256
        self.reason = reason
        self.detail = detail
        self.code = code
        self.page = page
    }
}

/// A problem found with a whole record (a gap in its page numbers, say).
public struct RecordFlag: Sendable, Equatable, Codable, Hashable {
    /// The record's canonical 档号.
    public var code: String
    /// The rule it breaks.
    public var rule: RecordFlagRule
    /// What exactly is wrong.
    public var detail: String

    /// Makes a flag.
    public init(code: String, rule: RecordFlagRule, detail: String) {
        self.code = code
        self.rule = rule
        self.detail = detail
    }
}

/// A registered file whose bytes changed after registration: reported, never silently replaced.
public struct ChangedFile: Sendable, Equatable, Codable {
    /// Path relative to the delivery.
    public var path: String
    /// SHA-256 registered at import.
    public var registeredSHA256: String
    /// SHA-256 found now (or why the file could not be read).
    public var foundSHA256: String
    /// Size found now.
    public var foundSize: Int64

    /// Makes a change record.
    public init(path: String, registeredSHA256: String, foundSHA256: String, foundSize: Int64) {
        self.path = path
        self.registeredSHA256 = registeredSHA256
        self.foundSHA256 = foundSHA256
        self.foundSize = foundSize
    }
}

/// What the ledger knows of a delivered file, for the fast "unchanged since last run" check.
public struct KnownFile: Sendable, Equatable {
    /// Whether the file is a page or quarantined.
    public enum Kind: Sendable, Equatable { case page, quarantined }
    /// Page or quarantined.
    public var kind: Kind
    /// Size in bytes when registered.
    public var size: Int64
    /// Modification time when registered.
    public var mtimeNanoseconds: Int64
    /// SHA-256 when known.
    public var sha256: String?

    /// Makes a known-file value.
    public init(kind: Kind, size: Int64, mtimeNanoseconds: Int64, sha256: String?) {
        self.kind = kind
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
        self.sha256 = sha256
    }
}

/// Counts for one batch.
public struct BatchCounts: Sendable, Equatable, Codable {
    /// Accepted pages.
    public var pages: Int
    /// Quarantined files.
    public var quarantined: Int
    /// Records (档号) seen.
    public var records: Int
    /// Records with a flag.
    public var flaggedRecords: Int
    /// Files found changed after registration.
    public var changed: Int
    /// Pages by state (states no page is in are absent).
    public var pagesByState: [PageState: Int]
    /// Records by state (states no record is in are absent).
    public var recordsByState: [RecordState: Int] = [:]

    /// Makes counts.
    public init(
        pages: Int, quarantined: Int, records: Int, flaggedRecords: Int, changed: Int,
        pagesByState: [PageState: Int], recordsByState: [RecordState: Int] = [:]
    ) {
        self.pages = pages
        self.quarantined = quarantined
        self.records = records
        self.flaggedRecords = flaggedRecords
        self.changed = changed
        self.pagesByState = pagesByState
        self.recordsByState = recordsByState
    }
}

/// One change to the ledger committed together: what an import step learned about a set of files.
public struct ImportCommit: Sendable {
    /// Pages to register.
    public var pages: [PageRecord] = []
    /// Files to quarantine (replacing an entry of the same path).
    public var quarantined: [QuarantineRecord] = []
    /// Quarantined paths to forget because the file changed and is examined again.
    public var released: [String] = []
    /// Changes to report.
    public var changed: [ChangedFile] = []
    /// Registered files whose mtime moved but whose bytes did not.
    public var touched: [(path: String, mtimeNanoseconds: Int64)] = []

    /// An empty commit.
    public init() {}

    /// Whether there is nothing to write.
    public var isEmpty: Bool {
        pages.isEmpty && quarantined.isEmpty && released.isEmpty && changed.isEmpty && touched.isEmpty
    }
}

/// The recorded digests of one file, for the periodic fixity audit.
public struct FixityRecord: Sendable, Equatable, Codable {
    /// Which folder `path` is relative to.
    public enum Root: String, Sendable, Codable {
        /// The batch's delivery folder (the vendor's files).
        case delivery
        /// The workspace (Quire's outputs).
        case workspace
    }

    /// The batch the file belongs to.
    public var batch: String
    /// Which folder `path` is relative to.
    public var root: Root
    /// Path relative to the root.
    public var path: String
    /// What the file is.
    public var role: FileRole
    /// Size in bytes.
    public var size: Int64
    /// Lowercase hex by algorithm.
    public var digests: [DigestAlgorithm: String]
    /// When the digests were recorded.
    public var recordedAt: String?
    /// When they were last checked.
    public var checkedAt: String?
    /// The outcome of the last check (`recorded` until one is made).
    public var status: FixityStatus

    /// Makes a record.
    public init(
        batch: String, root: Root, path: String, role: FileRole, size: Int64, digests: [DigestAlgorithm: String],
        recordedAt: String? = nil, checkedAt: String? = nil, status: FixityStatus = .recorded
    ) {
        self.batch = batch
        self.root = root
        self.path = path
        self.role = role
        self.size = size
        self.digests = digests
        self.recordedAt = recordedAt
        self.checkedAt = checkedAt
        self.status = status
    }
}

/// A record's row in the ledger.
public struct RecordRow: Sendable, Equatable, Codable {
    /// The record's canonical 档号.
    public var code: String
    /// The record's state.
    public var state: RecordState
    /// Why the record is held (empty when it is not).
    public var problems: [BindingProblem]
    /// Workspace-relative path of the record's metadata document.
    public var metadataPath: String?
    /// Path of the record's bag, once packaged.
    public var bag: String?

    /// Makes a row.
    public init(code: String, state: RecordState, problems: [BindingProblem] = [], metadataPath: String?, bag: String? = nil) {
        self.code = code
        self.state = state
        self.problems = problems
        self.metadataPath = metadataPath
        self.bag = bag
    }
}

/// What the bind stage writes to the ledger.
public struct StoredBinding: Sendable {
    /// One catalog row.
    public struct CatalogRow: Sendable, Equatable {
        /// One cell of the row: its column heading, the catalog field it stands for (nil for an extra column),
        /// and its text.
        public struct Field: Sendable, Equatable, Codable {
            /// The column heading as written in the catalog.
            public var name: String
            /// The catalog field's key (`title`, `pages`, …), or nil for an extra column.
            public var key: String?
            /// The cell's text, verbatim.
            public var value: String

            /// Makes a cell.
            public init(name: String, key: String?, value: String) {
                self.name = name
                self.key = key
                self.value = value
            }
        }

        /// The canonical 档号.
        public var code: String
        /// The row's line in the catalog file.
        public var line: Int
        /// The row's cells, in column order.
        public var fields: [Field]
        /// 页数, when given.
        public var pageCount: Int?

        /// Makes a row.
        public init(code: String, line: Int, fields: [Field], pageCount: Int?) {
            self.code = code
            self.line = line
            self.fields = fields
            self.pageCount = pageCount
        }

        /// The cells as the ledger stores them: a JSON array of `{"name", "key", "value"}` objects.
        package var fieldsJSON: String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return String(decoding: (try? encoder.encode(fields)) ?? Data("[]".utf8), as: UTF8.self)
        }
    }

    /// The whole catalog, or nil to leave the stored catalog as it is (binding some records only).
    public var catalog: [CatalogRow]?
    /// Each bound record's outcome.
    public var records: [RecordRow]

    /// Makes a binding.
    public init(catalog: [CatalogRow]?, records: [RecordRow]) {
        self.catalog = catalog
        self.records = records
    }
}

/// A finding about one page from a stage after import.
public struct PageCheck: Sendable, Equatable, Codable {
    /// The page's path, relative to the delivery.
    public var path: String
    /// The stage that made the check.
    public var stage: Stage
    /// What was found.
    public var rule: PageCheckRule
    /// `error`: the page fails (no master); `warning`: flagged for a person to look at.
    public var severity: Severity
    /// The particulars, in words.
    public var detail: String

    /// Makes a check.
    public init(path: String, stage: Stage, rule: PageCheckRule, severity: Severity, detail: String) {
        self.path = path
        self.stage = stage
        self.rule = rule
        self.severity = severity
        self.detail = detail
    }
}

/// What normalizing one page produced.
public struct NormalizedPage: Sendable {
    /// The source page's path (relative to the delivery).
    public var path: String
    /// The files written (workspace-relative), with digests.
    public var outputs: [FixityRecord]
    /// The page's checks (an `error` means no master was written).
    public var checks: [PageCheck]
    /// The processing steps applied, with their parameters (the `page.normalized` event records them).
    public var steps: [ProcessStep]
    /// Set when the outputs could not be written because the disk is full: not the page's fault, so nothing of
    /// this result is recorded; the stage stops and a later run redoes the page.
    public var diskFull: DiskFull?
    /// The source's digests (the pipeline's fixity algorithms), taken from the bytes the normalizer read when they
    /// were still those registered at import; nil when the source was not read this way.
    public var sourceDigests: [DigestAlgorithm: String]?

    /// Makes a result.
    public init(path: String, outputs: [FixityRecord], checks: [PageCheck], steps: [ProcessStep], diskFull: DiskFull? = nil) {
        self.path = path
        self.outputs = outputs
        self.checks = checks
        self.steps = steps
        self.diskFull = diskFull
    }
}

/// A record that counts as digitized: its bag is packaged and verified.
public struct DigitizedRecord: Sendable, Equatable, Codable {
    /// The batch.
    public var batch: String
    /// Holdings register id of the batch.
    public var archive: String?
    /// The record's canonical 档号.
    public var code: String
    /// When the bag last verified (ISO 8601).
    public var verifiedAt: String
    /// The record's accepted pages.
    public var pages: Int
    /// Bytes of the record's masters.
    public var bytes: Int64

    /// Makes a value.
    public init(batch: String, archive: String?, code: String, verifiedAt: String, pages: Int, bytes: Int64) {
        self.batch = batch
        self.archive = archive
        self.code = code
        self.verifiedAt = verifiedAt
        self.pages = pages
        self.bytes = bytes
    }
}

/// A page's slot in its record: its 档号 and page number. Two files of one batch may not share one.
public struct PageSlot: Sendable, Hashable {
    /// The record's canonical 档号.
    public var code: String
    /// The page number.
    public var page: Int

    /// Makes a slot.
    public init(code: String, page: Int) {
        self.code = code
        self.page = page
    }
}

/// Where a page is registered: its batch and its path in that batch's delivery.
public struct PageLocation: Sendable, Hashable {
    /// The batch.
    public var batch: String
    /// The page's path, relative to the delivery.
    public var path: String

    /// Makes a location.
    public init(batch: String, path: String) {
        self.batch = batch
        self.path = path
    }
}
