import Foundation

/// A timed child process.
struct ChildRun {
    var seconds: Double
    /// Peak resident set of the child, KiB.
    var peakRSS: Int
    var status: Int32
}

/// Timing children and finding tools, shared by the benchmarks.
protocol BenchSupport {}

extension BenchSupport {
    func best(of runs: Int, _ body: () throws -> ChildRun) throws -> ChildRun? {
        var best: ChildRun?
        for _ in 0..<runs {
            let m = try body()
            if best == nil || m.seconds < best!.seconds { best = m }
        }
        return best
    }

    /// Runs a child, timing it and reading its peak RSS from wait4.
    func measure(_ executable: String, _ arguments: [String]) throws -> ChildRun {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let start = Date()
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else { throw CommandFailure.couldNotRun("cannot start \(executable): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let seconds = Date().timeIntervalSince(start)
        let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return ChildRun(seconds: seconds, peakRSS: usage.ru_maxrss, status: exitCode)
    }

    func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
