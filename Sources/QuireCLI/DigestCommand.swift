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

    @Option(name: .shortAndLong, help: "sha256 (default), sha512, md5 or sm3.")
    var algorithm: String = "sha256"

    @Argument(help: ArgumentHelp("Files to digest.", valueName: "file"))
    var files: [String]

    func validate() throws {
        guard DigestAlgorithm(rawValue: algorithm) != nil else {
            throw ValidationError("unknown algorithm '\(algorithm)'; use sha256, sha512, md5 or sm3")
        }
        guard !files.isEmpty else { throw ValidationError("name at least one file") }
    }

    func run() throws {
        let algorithm = DigestAlgorithm(rawValue: algorithm)!
        var failed = false
        for file in files {
            do {
                let hex = try FileDigester.digest(path: file, algorithms: [algorithm])[algorithm]!
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
