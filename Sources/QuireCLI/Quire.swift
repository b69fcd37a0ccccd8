import ArgumentParser
import Foundation
import ImageCodecs
import QuireCore

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
        subcommands: [
            RunCommand.self, ImportCommand.self, NormalizeCommand.self, ChecksumCommand.self, BindCommand.self,
            PackageCommand.self, VerifyCommand.self, QuotaCommand.self, FixityCommand.self, StatusCommand.self,
            DigestCommand.self, WorkerCommand.self, ServeCommand.self, BenchCommand.self,
        ]
    )
}

/// Documented exit codes.
enum Exit {
    static let success: Int32 = 0
    static let itemsFailed: Int32 = 1
    static let usage: Int32 = 2
    static let couldNotRun: Int32 = 3
}

/// Ends the process with `code` after the command has printed its output.
struct ExitStatus: Error {
    var code: Int32
}

@main
enum QuireMain {
    static func main() async {
        ImageMemory.reuseLargeBuffers()
        // `quire bench …` is `quire-bench …`: replaced before parsing, so its help, errors and exit codes are its own.
        if let arguments = BenchFrontDoor.benchArguments(Array(CommandLine.arguments.dropFirst())) {
            do { try BenchFrontDoor.run(arguments) } catch let error as any QuireErrorConvertible { fail(error.quireError) } catch
            {
                fail(QuireError(.couldNotRun, stage: .bench, message: "\(error)"))
            }
        }
        var command: any ParsableCommand
        do {
            command = try Quire.parseAsRoot()
        } catch {
            exitForArgumentParser(error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let status as ExitStatus {
            exit(status.code)
        } catch let error as any QuireErrorConvertible {
            fail(error.quireError)
        } catch {
            // ArgumentParser's own: `--help` (its help command throws to print), `--version`, validation errors.
            exitForArgumentParser(error)
        }
    }

    /// The one place an error becomes an exit code: `quire: error: <description>` on standard error, then exit 2
    /// for a usage or configuration error, 3 when Quire could not run.
    static func fail(_ error: QuireError) -> Never {
        FileHandle.standardError.write(Data("quire: error: \(error.description)\n".utf8))
        exit(exitCode(for: error.kind))
    }

    /// The documented exit code of an error kind.
    static func exitCode(for kind: QuireError.Kind) -> Int32 {
        switch kind {
        case .usage: Exit.usage
        case .couldNotRun: Exit.couldNotRun
        }
    }

    /// Bad arguments (exit 2), `--help` and `--version` (exit 0), as ArgumentParser words them.
    static func exitForArgumentParser(_ error: any Error) -> Never {
        let code = Quire.exitCode(for: error)
        if code == .success {
            Quire.exit(withError: error)  // --help, --version
        }
        FileHandle.standardError.write(Data((Quire.fullMessage(for: error) + "\n").utf8))
        exit(code == .validationFailure || code.rawValue == 64 ? Exit.usage : Exit.couldNotRun)
    }
}
