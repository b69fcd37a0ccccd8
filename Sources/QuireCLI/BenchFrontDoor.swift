import QuireCore
import ArgumentParser
import Foundation

/// `quire bench …`: the front door to `quire-bench`, the benchmarks' own executable (not linked into `quire`).
/// `QuireMain` hands every `quire bench …` command line to `BenchFrontDoor` before parsing; this entry exists
/// so that `quire --help` lists it.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Quire against reference tools on generated pages, in the same run.",
        discussion: "Runs quire-bench (beside quire) with the same arguments: quire bench --help lists the benchmarks."
    )

    @Argument(parsing: .captureForPassthrough, help: "The benchmark and its options.") var arguments: [String] = []

    func run() throws { try BenchFrontDoor.run(arguments) }
}

/// Replaces this process with `quire-bench` from the folder of the running `quire`.
enum BenchFrontDoor {
    /// The command line `quire-bench` gets for `quire`'s arguments, or nil when they do not ask for a benchmark:
    /// `bench …` and `help bench …`.
    static func benchArguments(_ arguments: [String]) -> [String]? {
        if arguments.first == "bench" { return Array(arguments.dropFirst()) }
        if arguments.count >= 2, arguments[0] == "help", arguments[1] == "bench" { return ["help"] + arguments.dropFirst(2) }
        return nil
    }

    /// Execs `quire-bench` with `arguments`; returns only by throwing, naming the missing or unstartable file.
    static func run(_ arguments: [String]) throws -> Never {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let bench = ((me as NSString).deletingLastPathComponent as NSString).appendingPathComponent("quire-bench")
        guard FileManager.default.isExecutableFile(atPath: bench) else {
            throw QuireError(
                .couldNotRun, stage: .bench,
                message:
                    "quire bench runs quire-bench from quire's folder, and \(bench) is missing (swift build builds both)")
        }
        let argv: [UnsafeMutablePointer<CChar>?] = ([bench] + arguments).map { strdup($0) } + [nil]
        execv(bench, argv)
        let reason = String(cString: strerror(errno))
        argv.forEach { free($0) }
        throw QuireError(.couldNotRun, stage: .bench, message: "cannot run \(bench): \(reason)")
    }
}
