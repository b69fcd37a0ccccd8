import Foundation
import Testing

/// Debian's chromium, installed with apt-get when missing (if this machine can).
struct Chromium {
    let path: String

    /// Finds chromium, installing it if needed; cancels the test with the reason when it cannot be had.
    static func locate() throws -> Chromium {
        if let path = find() { return Chromium(path: path) }
        var attempts: [String] = []
        if let aptCache = executable(named: "apt-cache"), let aptGet = executable(named: "apt-get"), getuid() == 0 {
            func candidate() -> Bool {
                let policy = (try? runProgram(aptCache, ["policy", "chromium"]))?.output ?? ""
                return policy.contains("Candidate:") && !policy.contains("Candidate: (none)")
            }
            if !candidate() {
                attempts.append("apt-cache knows no chromium candidate; running apt-get update")
                _ = try? runProgram(aptGet, ["update"])
            }
            if candidate() {
                let result = try? runProgram(aptGet, ["install", "-y", "chromium"],
                                      environment: ["DEBIAN_FRONTEND": "noninteractive"])
                let status = result.map { String($0.status) } ?? "unrunnable"
                let detail = result.map { String($0.error.suffix(300)) } ?? ""
                attempts.append("apt-get install chromium exited \(status): \(detail)")
            } else {
                attempts.append("apt has no chromium package")
            }
        } else {
            attempts.append("apt-get is not available or this is not root")
        }
        if let path = find() { return Chromium(path: path) }
        try Test.cancel("skipped: Debian's chromium is not installed and could not be installed (\(attempts.joined(separator: "; ")))")
    }

    private static func find() -> String? {
        for name in ["chromium", "chromium-browser"] {
            if let path = executable(named: name) { return path }
        }
        return nil
    }

    /// Runs headless chromium with a throw-away profile; returns its standard output.
    @discardableResult
    func run(_ arguments: [String], profile: URL) throws -> String {
        let base = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                    "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--force-device-scale-factor=1",
                    "--user-data-dir=\(profile.path)"]
        let result: (status: Int32, output: String, error: String)
        if let timeout = executable(named: "timeout") {
            result = try runProgram(timeout, ["120", path] + base + arguments)
        } else {
            result = try runProgram(path, base + arguments)
        }
        guard result.status == 0 else {
            throw ChromiumFailure(status: result.status, error: String(result.error.suffix(2000)))
        }
        return result.output
    }
}
