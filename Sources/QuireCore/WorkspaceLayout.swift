import Foundation

/// Where everything Quire writes lives in a workspace, derived from a page's or a record's identity (batch,
/// 档号, page number) in this one place.
///
/// ```
/// <workspace>/ledger.sqlite                     the ledger (and its -wal, -shm)
///             lock                              the writer lock (flock)
///             masters/<档号>/0001.tif            preservation master
///             access/<档号>/0001.jpg             access copy
///             thumbs/<档号>/0001.jpg             thumbnail
///             metadata/<档号>/record.xml, .json  the record's metadata documents
///             bags/<档号>/ (or bags/<batch>/)     BagIt bags, unless --out puts them elsewhere
/// ```
///
/// Inside a bag the payload keeps the workspace's relative paths under `data/` (`data/masters/<档号>/0001.tif`).
/// Page numbers are zero-padded to the naming rule's width (`import.naming.page_digits`). The paths are part of
/// the workspace format: existing workspaces and bags depend on them.
///
/// ```swift
/// let layout = WorkspaceLayout(root: "/data/quire", pageDigits: 4)
/// layout.relativePath(of: .master, code: "0026-003-0045", page: 7)   // "masters/0026-003-0045/0007.tif"
/// ```
public struct WorkspaceLayout: Sendable, Equatable {
    /// A file normalization makes of each page.
    public enum PageOutput: String, Sendable, CaseIterable {
        /// The preservation master (TIFF).
        case master
        /// The access copy (JPEG).
        case access
        /// The thumbnail (JPEG).
        case thumbnail

        /// The workspace folder holding this output of every page.
        public var folder: String {
            switch self {
            case .master: "masters"
            case .access: "access"
            case .thumbnail: "thumbs"
            }
        }

        /// The file name extension.
        public var fileExtension: String {
            switch self {
            case .master: "tif"
            case .access, .thumbnail: "jpg"
            }
        }
    }

    /// A record's metadata document.
    public enum MetadataDocument: String, Sendable, CaseIterable {
        /// `record.xml` (schema `docs/schema/quire-record.xsd`).
        case xml
        /// `record.json`.
        case json
    }

    /// The workspace folder, as given (absolute or relative).
    public var root: String
    /// Digits in a page number (`import.naming.page_digits`).
    public var pageDigits: Int

    /// Makes the layout of the workspace at `root`.
    public init(root: String, pageDigits: Int = 4) {
        self.root = root
        self.pageDigits = pageDigits
    }

    // MARK: - The workspace's own files

    /// The ledger database's file name in the workspace.
    public static let ledgerFileName = "ledger.sqlite"
    /// The writer lock's file name in the workspace.
    public static let lockFileName = "lock"

    /// The ledger database.
    public var ledgerFile: String { (root as NSString).appendingPathComponent(Self.ledgerFileName) }
    /// The writer lock file.
    public var lockFile: String { (root as NSString).appendingPathComponent(Self.lockFileName) }
    /// Where bags go unless told otherwise.
    public var bagsFolder: String { root + "/bags" }

    // MARK: - Page outputs

    /// A page number zero-padded to ``pageDigits``.
    public func pageNumber(_ page: Int) -> String {
        let digits = String(page)
        return String(repeating: "0", count: max(0, pageDigits - digits.count)) + digits
    }

    /// Workspace-relative path of one output of page `page` of record `code`.
    public func relativePath(of output: PageOutput, code: String, page: Int) -> String {
        "\(output.folder)/\(code)/\(pageNumber(page)).\(output.fileExtension)"
    }

    /// The folders (absolute) that hold page outputs, where a dead writer may have left temporaries.
    public var outputFolders: [String] { PageOutput.allCases.map { absolute($0.folder) } }

    // MARK: - Record outputs

    /// Workspace-relative path of record `code`'s metadata document.
    public static func metadataPath(code: String, _ document: MetadataDocument) -> String {
        "metadata/\(code)/record.\(document.rawValue)"
    }

    /// Whether a workspace-relative path is a metadata document (written at binding, not normalization).
    public static func isMetadata(_ relative: String) -> Bool { relative.hasPrefix("metadata/") }

    // MARK: - Bags

    /// Where a workspace file goes in a bag: its workspace-relative path under `data/`.
    public static func bagPath(of relative: String) -> String { "data/" + relative }

    // MARK: - Paths

    /// The absolute (or root-relative, as ``root`` is) path of a workspace-relative one.
    public func absolute(_ relative: String) -> String { root + "/" + relative }
}
