import ArgumentParser
import Foundation
import ImageCodecs

/// A benchmark that could not run: ends `quire-bench` with exit code 3 and the message.
struct CommandFailure: Error, CustomStringConvertible {
    /// What went wrong, naming the file or tool.
    var message: String
    var description: String { message }

    /// A failure with `message`.
    static func couldNotRun(_ message: String) -> CommandFailure { CommandFailure(message: message) }
}

/// Writes to standard error.
func printError(_ text: String, terminator: String = "\n") {
    FileHandle.standardError.write(Data((text + terminator).utf8))
}

/// The `quire` the benchmarks time: the one beside this executable (`swift build` puts both in one folder).
func quireExecutable() throws -> String {
    let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    let quire = ((me as NSString).deletingLastPathComponent as NSString).appendingPathComponent("quire")
    guard FileManager.default.isExecutableFile(atPath: quire) else {
        throw CommandFailure.couldNotRun(
            "the benchmarks run the quire beside quire-bench, and \(quire) is missing (swift build builds both)")
    }
    return quire
}

/// `quire-bench`: the benchmarks, an executable of their own so that `quire` links none of their code. `quire
/// bench …` runs it with the same arguments; exit codes as `quire`'s: 2 usage, 3 could not run.
@main
enum QuireBenchMain {
    static func main() {
        // As in `quire`: `quire bench steps` times Quire's page work in this process.
        ImageMemory.returnLargeBuffers()
        do {
            var command = try BenchCommand.parseAsRoot()
            try command.run()
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("quire: error: \(failure.message)\n".utf8))
            exit(3)
        } catch {
            let code = BenchCommand.exitCode(for: error)
            if code == .success {
                BenchCommand.exit(withError: error)  // --help
            }
            FileHandle.standardError.write(Data((BenchCommand.fullMessage(for: error) + "\n").utf8))
            exit(code == .validationFailure || code.rawValue == 64 ? 2 : 3)
        }
    }
}
