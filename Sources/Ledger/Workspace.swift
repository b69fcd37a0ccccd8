public import Foundation
public import QuireCore

/// A workspace folder on disk: its layout, its ledger and its writer lock, opened with errors that say what to do.
///
/// ```swift
/// let workspace = Workspace(path: "quire-workspace")
/// let ledger = try workspace.openLedger(create: true)
/// let lock = try workspace.lock()
/// ```
public struct Workspace: Sendable {
    /// The folder, as given (relative paths stay relative in messages).
    public let path: String

    /// The workspace at `path`.
    public init(path: String) {
        self.path = path
    }

    /// The folder as an absolute path (relative paths are taken from the current directory).
    public var absolutePath: String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// Where everything is, from the absolute path; `pageDigits` is the naming rule's page width.
    public func layout(pageDigits: Int = 4) -> WorkspaceLayout {
        WorkspaceLayout(root: absolutePath, pageDigits: pageDigits)
    }

    /// Whether the workspace already has a ledger.
    public var hasLedger: Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: WorkspaceLayout(root: path).ledgerFile, isDirectory: &isDirectory)
    }

    /// Opens the existing ledger for reading only (`status`, `quota`): works on a read-only workspace.
    public func openLedgerForReading() throws(QuireError) -> SQLiteLedger {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw QuireError(
                .couldNotRun, stage: .workspace, message: "no workspace at \(path); run 'quire import' first or give --workspace")
        }
        do { return try SQLiteLedger(readingOnly: WorkspaceLayout(root: path).ledgerFile) } catch {
            throw QuireError(.couldNotRun, stage: .ledger, message: error.description)
        }
    }

    /// Opens the ledger for writing, creating the folder (and the ledger) first when `create` says so.
    public func openLedger(create: Bool) throws(QuireError) -> SQLiteLedger {
        try openLedgerFolder(create: create)
        do { return try SQLiteLedger(path: WorkspaceLayout(root: path).ledgerFile) } catch {
            throw QuireError(.couldNotRun, stage: .ledger, message: error.description)
        }
    }

    /// Checks the workspace folder exists (creating it when `create` says so) and is a folder; returns its path.
    @discardableResult
    public func openLedgerFolder(create: Bool) throws(QuireError) -> String {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw QuireError(.couldNotRun, stage: .workspace, message: "workspace \(path) is a file, not a folder")
            }
        } else if create {
            do { try fm.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
                throw QuireError(
                    .couldNotRun, stage: .workspace,
                    message: "cannot create workspace \(path): \(error.localizedDescription)")
            }
        } else {
            throw QuireError(
                .couldNotRun, stage: .workspace, message: "no workspace at \(path); run 'quire import' first or give --workspace")
        }
        return path
    }

    /// Takes the workspace's writer lock (held until the value goes away).
    public func lock() throws(QuireError) -> WorkspaceLock {
        do { return try WorkspaceLock(workspace: path) } catch { throw error.quireError }
    }

    /// The batch named, or the workspace's only batch.
    public static func resolveBatch(_ name: String?, in ledger: any Ledger) throws(QuireError) -> String {
        if let name { return name }
        let batches: [BatchInfo]
        do { batches = try ledger.batches() } catch { throw QuireError(.couldNotRun, stage: .ledger, message: error.description) }
        guard batches.count == 1 else {
            throw QuireError(
                .usage, stage: .workspace,
                message: batches.isEmpty
                    ? "the workspace has no batch; run 'quire import' first"
                    : "the workspace has \(batches.count) batches (\(batches.map(\.id).joined(separator: ", "))); name one with --batch"
            )
        }
        return batches[0].id
    }
}

extension WorkspaceError: QuireErrorConvertible {
    /// A workspace that cannot be used stops the command (exit 3).
    public var quireError: QuireError { QuireError(.couldNotRun, stage: .workspace, file: path, message: message) }
}
