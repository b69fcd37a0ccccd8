import BlockingWork
import ArgumentParser
import Foundation
import Ledger
import LedgerPostgres
import Policy
import QuireCore

/// Options shared by commands that work in a workspace.
struct WorkspaceOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Workspace folder holding the ledger and outputs (default: $QUIRE_WORKSPACE or ./quire-workspace).", valueName: "dir")
    )
    var workspace: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The ledger: a postgres://USER:PASSWORD@HOST:PORT/DB[?sslmode=require] URL shared by several machines, or an "
                + "SQLite file (default: $QUIRE_LEDGER, else ledger.sqlite in the workspace). Passwords are never printed.",
            valueName: "url"))
    var ledger: String?

    /// The ledger named by `--ledger` or `QUIRE_LEDGER`, when one is.
    var ledgerLocation: String? {
        let named = ledger ?? ProcessInfo.processInfo.environment["QUIRE_LEDGER"]
        return named?.isEmpty == false ? named : nil
    }

    /// The ledger as messages show it: the redacted URL, the file, or the workspace's.
    var ledgerDescription: String {
        guard let location = ledgerLocation else { return folder.layout().ledgerFile }
        return PostgresLocation.isPostgresURL(location) ? PostgresLocation.redact(location) : location
    }

    var path: String {
        workspace ?? ProcessInfo.processInfo.environment["QUIRE_WORKSPACE"] ?? "quire-workspace"
    }

    /// The workspace folder.
    var folder: Workspace { Workspace(path: path) }

    /// The workspace as an absolute path.
    var absolutePath: String { folder.absolutePath }

    /// Opens the workspace's existing ledger for reading only (`status`, `quota`): works on a read-only workspace.
    /// A PostgreSQL ledger is opened as for writing (the server decides what the role may do).
    func openLedgerForReading() throws(QuireError) -> any Ledger {
        switch ledgerLocation {
        case let url? where PostgresLocation.isPostgresURL(url): return try PostgresLedger(url: url)
        case let file?: return try SQLiteLedger(readingOnly: file)
        case nil: return try folder.openLedgerForReading()
        }
    }

    /// Whether there is a ledger to read: a named one always counts (opening it says what is wrong with it).
    var hasLedger: Bool { ledgerLocation != nil || folder.hasLedger }

    /// Opens the ledger, creating the workspace first when `create` says so.
    func openLedger(create: Bool) throws(QuireError) -> any Ledger {
        switch ledgerLocation {
        case let url? where PostgresLocation.isPostgresURL(url):
            if create { _ = try folder.openLedgerFolder(create: true) }
            return try PostgresLedger(url: url)
        case let file?:
            if create { _ = try folder.openLedgerFolder(create: true) }
            return try SQLiteLedger(path: file)
        case nil:
            return try folder.openLedger(create: create)
        }
    }

    /// Takes the workspace's writer lock.
    func lock() throws(QuireError) -> WorkspaceLock { try folder.lock() }
}

/// Options for choosing the pipeline definition.
struct PipelineOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Pipeline definition (default: pipelines/dat31.yaml if present, else the built-in DA/T 31 defaults).",
            valueName: "file"))
    var pipeline: String?

    func load() throws -> (PipelinePolicy, String) {
        // The memory budget the page workers share: a value that does not parse is a usage error, not a default.
        _ = try MemoryBudget.fromEnvironment()
        let path = pipeline ?? (FileManager.default.fileExists(atPath: "pipelines/dat31.yaml") ? "pipelines/dat31.yaml" : nil)
        guard let path else { return (PipelinePolicy(), "built-in DA/T 31-2017 defaults") }
        return (try PipelinePolicy.load(path: path), path)
    }
}

/// Writes JSON to standard output: sorted keys, pretty, UTF-8 unescaped.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    FileHandle.standardOutput.write(data)
    FileHandle.standardOutput.write(Data("\n".utf8))
}

/// Whether standard error is a terminal.
var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

/// Writes to standard error.
func printError(_ text: String, terminator: String = "\n") {
    FileHandle.standardError.write(Data((text + terminator).utf8))
}
