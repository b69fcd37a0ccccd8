import ArgumentParser
import Foundation
import ImageCodecs

/// The `quire` command: scanned paper archives in, verified packages out.
struct Quire: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "quire",
        abstract: "Turn a digitization vendor's scanner output into verified archival holdings (DA/T 31-2017).",
        discussion: """
            Exit codes (every command):
              0  everything succeeded
              1  ran to the end, but some items failed (quarantined files, flagged records, changed files)
              2  usage or configuration error (bad arguments, bad pipeline file)
              3  could not run (unreadable delivery, workspace locked or unwritable, ledger error)
            """,
        version: version,
        subcommands: [RunCommand.self, ImportCommand.self, NormalizeCommand.self, ChecksumCommand.self, BindCommand.self, PackageCommand.self, VerifyCommand.self, QuotaCommand.self, FixityCommand.self, StatusCommand.self, DigestCommand.self, BenchCommand.self]
    )
}

/// Documented exit codes.
enum Exit {
    static let success: Int32 = 0
    static let itemsFailed: Int32 = 1
    static let usage: Int32 = 2
    static let couldNotRun: Int32 = 3
}

/// A failure that ends the command with a message and a documented code.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var code: Int32
    var description: String { message }

    static func couldNotRun(_ message: String) -> CommandFailure { CommandFailure(message: message, code: Exit.couldNotRun) }
    static func usage(_ message: String) -> CommandFailure { CommandFailure(message: message, code: Exit.usage) }
}

/// Ends the process with `code` after the command has printed its output.
struct ExitStatus: Error {
    var code: Int32
}

@main
enum QuireMain {
    static func main() async {
        ImageMemory.returnLargeBuffers()
        do {
            // `quire bench …` is `quire-bench …`: replaced before parsing, so its help, errors and exit codes are its own.
            if let arguments = BenchFrontDoor.benchArguments(Array(CommandLine.arguments.dropFirst())) {
                try BenchFrontDoor.run(arguments)
            }
            var command = try Quire.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let status as ExitStatus {
            exit(status.code)
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("quire: error: \(failure.message)\n".utf8))
            exit(failure.code)
        } catch {
            let code = Quire.exitCode(for: error)
            if code == .success {
                Quire.exit(withError: error) // --help, --version
            }
            FileHandle.standardError.write(Data((Quire.fullMessage(for: error) + "\n").utf8))
            exit(code == .validationFailure || code.rawValue == 64 ? Exit.usage : Exit.couldNotRun)
        }
    }
}

