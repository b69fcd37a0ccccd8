import BlockingWork
import ArgumentParser
import Foundation
import Ledger
import Policy

/// Options shared by commands that work in a workspace.
struct WorkspaceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Workspace folder holding the ledger and outputs (default: $QUIRE_WORKSPACE or ./quire-workspace).", valueName: "dir"))
    var workspace: String?

    var path: String {
        workspace ?? ProcessInfo.processInfo.environment["QUIRE_WORKSPACE"] ?? "quire-workspace"
    }

    /// The workspace as an absolute path.
    var absolutePath: String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// Creates the folder if needed and opens the ledger.
    /// Opens the workspace's existing ledger for reading only (`status`, `quota`): works on a read-only workspace.
    func openLedgerForReading() throws -> any Ledger {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure.couldNotRun("no workspace at \(path); run 'quire import' first or give --workspace")
        }
        do { return try SQLiteLedger(readingOnly: (path as NSString).appendingPathComponent("ledger.sqlite")) } catch {
            throw CommandFailure.couldNotRun(error.description)
        }
    }

    func openLedger(create: Bool) throws -> any Ledger {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw CommandFailure.couldNotRun("workspace \(path) is a file, not a folder") }
        } else if create {
            do { try fm.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
                throw CommandFailure.couldNotRun("cannot create workspace \(path): \(error.localizedDescription)")
            }
        } else {
            throw CommandFailure.couldNotRun("no workspace at \(path); run 'quire import' first or give --workspace")
        }
        do { return try SQLiteLedger(path: (path as NSString).appendingPathComponent("ledger.sqlite")) } catch {
            throw CommandFailure.couldNotRun(error.description)
        }
    }

    /// Takes the workspace's writer lock.
    func lock() throws -> WorkspaceLock {
        do { return try WorkspaceLock(workspace: path) } catch { throw CommandFailure.couldNotRun(error.description) }
    }
}

/// Options for choosing the pipeline definition.
struct PipelineOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Pipeline definition (default: pipelines/dat31.yaml if present, else the built-in DA/T 31 defaults).", valueName: "file"))
    var pipeline: String?

    func load() throws -> (PipelinePolicy, String) {
        // The memory budget the page workers share: a value that does not parse is a usage error, not a default.
        do { _ = try MemoryBudget.fromEnvironment() } catch { throw CommandFailure.usage(error.description) }
        let path = pipeline ?? (FileManager.default.fileExists(atPath: "pipelines/dat31.yaml") ? "pipelines/dat31.yaml" : nil)
        guard let path else { return (PipelinePolicy(), "built-in DA/T 31-2017 defaults") }
        do { return (try PipelinePolicy.load(path: path), path) } catch { throw CommandFailure.usage(error.description) }
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
