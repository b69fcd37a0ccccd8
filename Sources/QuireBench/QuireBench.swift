import QuireCore
import ArgumentParser
import Foundation
import ImageCodecs

/// Writes to standard error.
func printError(_ text: String, terminator: String = "\n") {
    FileHandle.standardError.write(Data((text + terminator).utf8))
}

/// The `quire` the benchmarks time: the one beside this executable (`swift build` puts both in one folder).
func quireExecutable() throws -> String {
    let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    let quire = ((me as NSString).deletingLastPathComponent as NSString).appendingPathComponent("quire")
    guard FileManager.default.isExecutableFile(atPath: quire) else {
        throw QuireError(
            .couldNotRun, stage: .bench,
            message:
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
        ImageMemory.reuseLargeBuffers()
        do {
            var command = try BenchCommand.parseAsRoot()
            try command.run()
        } catch let failure as QuireError {
            // A benchmark that could not run (stage `bench`, or the stage that failed under it): exit 3.
            FileHandle.standardError.write(Data("quire: error: \(failure.description)\n".utf8))
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
