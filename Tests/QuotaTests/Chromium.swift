import Foundation
import QuireTestSupport
import Testing

/// Debian's chromium (with a CJK font), which `bash scripts/install-deps.sh --test` installs.
struct Chromium {
    let path: String

    /// Finds chromium; throws, naming the script that installs it, when it is missing.
    static func locate() throws -> Chromium {
        guard let path = find() else { throw MissingTool(tool: "Debian's chromium (chromium or chromium-browser on PATH)") }
        return Chromium(path: path)
    }

    private static func find() -> String? {
        for name in ["chromium", "chromium-browser"] {
            if let path = Program.find(name) { return path }
        }
        return nil
    }

    /// Runs headless chromium with a throw-away profile; returns its standard output.
    @discardableResult
    func run(_ arguments: [String], profile: URL) throws -> String {
        let base = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--force-device-scale-factor=1",
            "--user-data-dir=\(profile.path)",
        ]
        let result: Program.Output
        if let timeout = Program.find("timeout") {
            // SIGKILL 10 s after the SIGTERM a hung Chromium may ignore.
            result = try Program.run(timeout, ["-k", "10", "120", path] + base + arguments)
        } else {
            result = try Program.run(path, base + arguments)
        }
        guard result.status == 0 else {
            throw ChromiumFailure(status: result.status, error: String(result.stderr.suffix(2000)))
        }
        return result.text
    }
}
