public import Foundation

/// Other programs the tests run: peers that check Quire's output (tiffinfo, xmllint, bagit.py, chromium…) and
/// the built `quire` itself.
public enum Program {
    /// What a program did.
    public struct Output: Sendable {
        /// Its exit status (or the signal's number, when `signalled`).
        public var status: Int32
        /// Its standard output.
        public var stdout: Data
        /// Its standard error.
        public var stderr: String
        /// Whether it ended by a signal (a crash or a trap) rather than exiting.
        public var signalled: Bool
        /// Whether it was killed for running longer than the caller allowed.
        public var timedOut = false

        /// Standard output as UTF-8 text.
        public var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// The path of `name` on PATH or in the usual system folders, or nil.
    public static func find(_ name: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `executable` (a path, or a name looked up with `find`) to its end, standard input empty, its output
    /// captured through temporary files (no pipe-buffer deadlock on large outputs); `environment` is added to
    /// this process's. A program still running after `timeout` seconds is killed (SIGKILL) and its output says
    /// `timedOut`: a peer that hangs fails its test instead of stopping the whole suite.
    public static func run(
        _ executable: String, _ arguments: [String], cwd: String? = nil,
        environment: [String: String] = [:], timeout: Double = 600
    ) throws -> Output {
        let program = executable.contains("/") ? executable : find(executable) ?? executable
        let folder = FileManager.default.temporaryDirectory
        let out = folder.appendingPathComponent("quire-program-\(UUID().uuidString).out")
        let err = folder.appendingPathComponent("quire-program-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let outHandle = try FileHandle(forWritingTo: out)
        let errHandle = try FileHandle(forWritingTo: err)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        let ended = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in ended.signal() }
        try process.run()
        let timedOut = ended.wait(timeout: .now() + timeout) == .timedOut
        if timedOut { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        var stderr = String(decoding: try Data(contentsOf: err), as: UTF8.self)
        if timedOut { stderr += "\n\(program) was killed after running \(Int(timeout)) s (the test's time limit)\n" }
        return Output(
            status: process.terminationStatus, stdout: try Data(contentsOf: out), stderr: stderr,
            signalled: process.terminationReason == .uncaughtSignal, timedOut: timedOut)
    }

    /// Waits up to `seconds` for `process` to end; kills it (SIGKILL) when it has not and returns false.
    @discardableResult
    public static func waitForExit(_ process: Process, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        let ended = !process.isRunning
        if !ended { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return ended
    }

    /// The built `quire`: beside the test bundle in `.build/<config>/`, else `.build/debug/quire`.
    public static var quire: String {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("quire").path,
            Repository.root.appendingPathComponent(".build/debug/quire").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }
}

/// A peer a test needs is not installed. Tests never install anything: `bash scripts/install-deps.sh --test`
/// does, and the message says so.
public struct MissingTool: Error, CustomStringConvertible {
    /// The tool, as the reader would look for it.
    public var tool: String

    /// Names the tool.
    public init(tool: String) { self.tool = tool }

    /// The tool and the command that installs it.
    /// The tool and the command that installs it.
    public var description: String { "\(tool) is not installed: run `bash scripts/install-deps.sh --test`" }
}

/// The throwaway PostgreSQL server the tests use: `scripts/test.sh` starts one (`scripts/postgres.sh`) and exports
/// its ledger URL as `QUIRE_TEST_POSTGRES`; a test that needs it fails, naming the command, when it is not set.
public enum TestPostgres {
    /// The server's ledger URL (`postgres://quire:…@127.0.0.1:PORT/quire`).
    public static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["QUIRE_TEST_POSTGRES"], !url.isEmpty else {
            throw NoTestServer()
        }
        return url
    }

    /// The server's URL with the ledger in a schema of its own, `name` made unique: every test a fresh ledger.
    public static func url(schema name: String) throws -> String {
        let base = try url()
        let unique = name.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(30)
        let schema = "t_\(unique)_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16))"
        return base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
    }
}

/// The tests were started without the test PostgreSQL server.
public struct NoTestServer: Error, CustomStringConvertible {
    /// What to run.
    public var description: String {
        "no test PostgreSQL server (QUIRE_TEST_POSTGRES is not set): run the tests with `bash scripts/test.sh`, or first "
            + "`export QUIRE_TEST_POSTGRES=$(bash scripts/postgres.sh start .build-pg/dev)`"
    }
}
