import QuireCore
import ArgumentParser
import Foundation
import TextTable

/// `quire bench digest`: streaming digest throughput against OpenSSL on the same file, in the same run.
struct DigestBench: ParsableCommand, BenchSupport {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "SHA-256, SM3, MD5 and one-pass SHA-256+SHA-512+MD5 against openssl dgst, one core each.",
        discussion: """
            Writes a file of random bytes, reads it once to warm the page cache, then times \
            'quire digest' and 'openssl dgst' on it (best of --repeats runs) and prints MB/s and ratios. \
            The one-pass row compares Quire's single read computing three digests with the sum of the three \
            OpenSSL runs.

            Example:
              quire bench digest --size-mb 512
            """
    )

    @Option(help: "Size of the test file in MB.") var sizeMb = 512
    @Option(help: "Timed repetitions per tool; the best is reported.") var repeats = 3
    @Option(help: "Test file (default: a temporary file, removed afterwards).") var file: String?

    func run() throws {
        let path = file ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("quire-bench-\(getpid()).bin")
        defer { if file == nil { try? FileManager.default.removeItem(atPath: path) } }
        let bytes = Int64(sizeMb) * 1_000_000
        if !FileManager.default.fileExists(atPath: path) {
            printError("writing \(sizeMb) MB of random bytes to \(path)…")
            guard
                let out = FileHandle(forWritingAtPath: path)
                    ?? {
                        _ = FileManager.default.createFile(atPath: path, contents: nil)
                        return FileHandle(forWritingAtPath: path)
                    }()
            else { throw QuireError(.couldNotRun, stage: .bench, message: "cannot write \(path)") }
            var rng = SystemRandomNumberGenerator()
            var remaining = bytes
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            while remaining > 0 {
                chunk.withUnsafeMutableBytes { raw in
                    for i in stride(from: 0, to: raw.count, by: 8) {
                        raw.storeBytes(of: rng.next() as UInt64, toByteOffset: i, as: UInt64.self)
                    }
                }
                let n = Int(min(remaining, Int64(chunk.count)))
                out.write(Data(chunk[0..<n]))
                remaining -= Int64(n)
            }
            try out.close()
        }
        _ = try measure("/bin/sh", ["-c", "cat '\(path)' > /dev/null"])

        let me = try quireExecutable()
        let openssl = which("openssl")
        func ours(_ algorithms: String) throws -> ChildRun? {
            try best(of: repeats) { try measure(me, ["digest", "-a", algorithms, path]) }
        }
        func theirs(_ algorithm: String) throws -> ChildRun? {
            guard let openssl else { return nil }
            let probe = try measure(openssl, ["dgst", "-\(algorithm)", "/dev/null"])
            guard probe.status == 0 else { return nil }
            return try best(of: repeats) { try measure(openssl, ["dgst", "-\(algorithm)", path]) }
        }
        let mb = Double(bytes) / 1e6
        var table = TextTable(["DIGEST", "QUIRE MB/S", "OPENSSL MB/S", "QUIRE ÷ OPENSSL"])
        for algorithm in ["sha256", "sm3", "md5", "sha512"] {
            let q = try ours(algorithm), o = try theirs(algorithm)
            table.add([
                algorithm, q.map { String(format: "%.0f", mb / $0.seconds) } ?? "-",
                o.map { String(format: "%.0f", mb / $0.seconds) } ?? "not available",
                q.flatMap { q in o.map { String(format: "%.2f", $0.seconds / q.seconds) } } ?? "-",
            ])
        }
        let onePass = try ours("sha256,sha512,md5")
        let parts = try ["sha256", "sha512", "md5"].map(theirs)
        let sum = parts.allSatisfy { $0 != nil } ? parts.reduce(0) { $0 + $1!.seconds } : nil
        table.add([
            "sha256+sha512+md5, one pass vs three runs", onePass.map { String(format: "%.0f", mb / $0.seconds) } ?? "-",
            sum.map { String(format: "%.0f", mb / $0) } ?? "-",
            onePass.flatMap { q in sum.map { String(format: "%.2f", $0 / q.seconds) } } ?? "-",
        ])
        print(String(format: "File: %.0f MB, page-cached; best of %d runs; one core per tool\n", mb, repeats))
        print(table.render(indent: ""))
    }
}
