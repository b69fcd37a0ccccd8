import QuireCore
import ArgumentParser
import Fixity
import Foundation

/// `quire digest`: print file digests exactly as `sha256sum` does.
struct DigestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Print file digests in the '<hex>  <file>' form of sha256sum, md5sum, sha512sum.",
        discussion: """
            Examples:
              quire digest samples/delivery/0026-003-0045/0001.tif
              quire digest --algorithm sm3 masters/*.tif
            """
    )

    @Option(
        name: .shortAndLong,
        help:
            "sha256 (default), sha512, md5 or sm3; repeat it (or give a comma list) for several digests in one read, printed in the tagged form 'SHA256 (file) = hex'."
    )
    var algorithm: [String] = ["sha256"]

    var algorithms: [DigestAlgorithm] {
        algorithm.flatMap { $0.split(separator: ",") }.compactMap { DigestAlgorithm(rawValue: String($0)) }
    }

    @Argument(help: ArgumentHelp("Files to digest.", valueName: "file"))
    var files: [String]

    func validate() throws {
        for name in algorithm.flatMap({ $0.split(separator: ",") }) where DigestAlgorithm(rawValue: String(name)) == nil {
            throw ValidationError("unknown algorithm '\(name)'; use sha256, sha512, md5 or sm3")
        }
        guard !files.isEmpty else { throw ValidationError("name at least one file") }
    }

    func run() throws {
        let algorithms = self.algorithms
        var failed = false
        for file in files {
            do {
                let digests = try FileDigester.digest(path: file, algorithms: algorithms)
                if algorithms.count > 1 {
                    for a in algorithms { print("\(a.rawValue.uppercased()) (\(file)) = \(digests[a]!)") }
                    continue
                }
                let hex = digests[algorithms[0]]!
                // sha256sum escapes names with a backslash or newline and prefixes the line with '\'.
                if file.contains("\\") || file.contains("\n") {
                    let escaped = file.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
                    print("\\\(hex)  \(escaped)")
                } else {
                    print("\(hex)  \(file)")
                }
            } catch {
                printError("quire digest: \(file): \(error.reason)")
                failed = true
            }
        }
        if failed { throw ExitStatus(code: Exit.itemsFailed) }
    }
}
