import Foundation
import QuireTestSupport
import Testing

/// `quire verify` on hostile bags, end to end: every link out of the bag fails the bag under 安全性 with a
/// non-zero exit, and — watched with strace — no successful system call reaches the folder the links point to.
@Suite struct VerifyConfinementCLITests {
    typealias CLI = QuireCLITests

    /// A workspace made once by `quire run` on the samples; tests copy its bags before changing them.
    static let workspace: Result<String, CLIFailure> = {
        do {
            let dir = try CLI.temporaryFolder()
            let r = try CLI.quire([
                "run", CLI.repo.path + "/samples/delivery", "--catalog", CLI.repo.path + "/samples/catalog.csv",
                "--workspace", dir + "/ws", "--quiet",
            ])
            guard FileManager.default.fileExists(atPath: dir + "/ws/bags/\(code)/bagit.txt") else {
                return .failure(CLIFailure("quire run made no bag \(code): \(r.stdout)\(r.stderr)"))
            }
            return .success(dir + "/ws")
        } catch {
            return .failure(CLIFailure("quire run could not start: \(error)"))
        }
    }()

    struct CLIFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static let code = "0026-003-0045"

    /// A private copy (new inodes) of the sample bag `name`, in a new folder; returns the folder and the bag.
    static func copyBag(_ name: String = code) throws -> (dir: String, bag: String) {
        let dir = try CLI.temporaryFolder()
        let bag = dir + "/bags/" + name
        try FileManager.default.createDirectory(atPath: dir + "/bags", withIntermediateDirectories: true)
        #expect(CLI.shell("cp -r '\(try workspace.get())/bags/\(name)' '\(bag)'") == 0)
        return (dir, bag)
    }

    // MARK: - Hostile bags

    /// One way of leading a bag out of itself: what to plant, and the bag-relative path the report must name.
    struct Attack: Sendable, CustomStringConvertible {
        var name: String
        var reported: String
        /// Plants the link in `bag`, pointing into `outside` (a folder beside the bag).
        var plant: @Sendable (_ bag: String, _ outside: String) throws -> Void
        var description: String { name }
    }

    /// Moves `relative` out of the bag into `outside` and links to it from where it was.
    static func linkOut(_ relative: String, _ bag: String, _ outside: String) throws {
        let target = outside + "/" + (relative as NSString).lastPathComponent
        try FileManager.default.moveItem(atPath: bag + "/" + relative, toPath: target)
        try FileManager.default.createSymbolicLink(atPath: bag + "/" + relative, withDestinationPath: target)
    }

    static let attacks: [Attack] = [
        Attack(name: "data folder", reported: "data") { try linkOut("data", $0, $1) },
        Attack(name: "tag file through a folder link", reported: "meta/passwd") { bag, outside in
            try FileManager.default.createDirectory(atPath: outside + "/etc", withIntermediateDirectories: true)
            try Data("root:x:0:0:root:/root:/bin/bash\n".utf8).write(to: URL(fileURLWithPath: outside + "/etc/passwd"))
            try FileManager.default.createSymbolicLink(atPath: bag + "/meta", withDestinationPath: outside + "/etc")
            let digest = try CLI.quire(["digest", outside + "/etc/passwd"]).stdout.split(separator: " ")[0]
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: bag + "/tagmanifest-sha256.txt"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("\(digest)  meta/passwd\n".utf8))
            try handle.close()
        },
        Attack(name: "master", reported: "data/masters/\(code)/0001.tif") {
            try linkOut("data/masters/\(code)/0001.tif", $0, $1)
        },
        Attack(name: "master folder", reported: "data/masters/\(code)") { try linkOut("data/masters/\(code)", $0, $1) },
        Attack(name: "record.json", reported: "data/metadata/\(code)/record.json") {
            try linkOut("data/metadata/\(code)/record.json", $0, $1)
        },
        Attack(name: "record.xml", reported: "data/metadata/\(code)/record.xml") {
            try linkOut("data/metadata/\(code)/record.xml", $0, $1)
        },
        Attack(name: "bag-info.txt", reported: "bag-info.txt") { try linkOut("bag-info.txt", $0, $1) },
        Attack(name: "bagit.txt", reported: "bagit.txt") { try linkOut("bagit.txt", $0, $1) },
        Attack(name: "payload manifest", reported: "manifest-sha256.txt") { try linkOut("manifest-sha256.txt", $0, $1) },
    ]

    /// A copy of the sample bag with `attack` planted; the folder the links lead to is `outside`.
    static func hostileBag(_ attack: Attack) throws -> (dir: String, bag: String, outside: String) {
        let (dir, bag) = try copyBag()
        let outside = dir + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try attack.plant(bag, outside)
        return (dir, bag, outside)
    }

    @Test(arguments: attacks) func aLinkOutOfTheBagFailsItUnderSecurity(_ attack: Attack) throws {
        let (dir, bag, _) = try Self.hostileBag(attack)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLI.quire(["verify", bag, "--json"])
        #expect(r.status == 1, "\(attack): \(r.stdout)\(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let result = (object?["bags"] as? [[String: Any]])?.first
        #expect(result?["valid"] as? Bool == false)
        let problems = result?["problems"] as? [[String: Any]] ?? []
        #expect(
            problems.contains {
                $0["rule"] as? String == "payload.symlink" && $0["severity"] as? String == "error"
                    && $0["file"] as? String == attack.reported
            }, "\(attack): \(problems)")
        let security = (result?["fourProperties"] as? [String: Any])?["security"] as? [String: Any]
        #expect(security?["passed"] as? Bool == false, "\(attack)")
        #expect(security?["errors"] as? [String] == ["payload.symlink"], "\(attack)")

        let text = try CLI.quire(["verify", bag])
        #expect(text.status == 1)
        #expect(text.stdout.contains("安全性 security FAIL (payload.symlink)"), "\(text.stdout)")
    }

    /// The proof that nothing outside is read: `quire verify` under `strace -f`, every call that names a path
    /// (open, openat, openat2, the stat family, readlink, access, execve) logged with the files its descriptors
    /// stand for (`-y`). A call "reaches outside" when it succeeded and either names the outside folder (as its
    /// path or as a descriptor's file: a descriptor opened on an outside file shows its outside path), or
    /// resolves a path through one of the planted links (follows the link itself, or goes beyond it), except
    /// through `openat2` with `RESOLVE_BENEATH`, which the kernel keeps inside the bag.
    @Test(arguments: attacks) func straceShowsNothingOutsideTheBagIsTouched(_ attack: Attack) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else {
            Issue.record("\(MissingTool(tool: "strace")); the proof did not run")
            return
        }
        let (dir, bag, outside) = try Self.hostileBag(attack)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let links = try Self.links(in: bag).filter { link in
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: link)) ?? ""
            return target.hasPrefix(outside)
        }
        #expect(!links.isEmpty, "the attack planted a link out")
        let logs = dir + "/strace"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let traced =
            "open,openat,openat2,creat,stat,lstat,newfstatat,statx,readlink,readlinkat,access,faccessat,faccessat2,execve,chdir"
        let r = try Self.run(
            "/usr/bin/strace",
            [
                "-f", "-ff", "-y", "-qq", "-e", "trace=" + traced, "-o", logs + "/log",
                CLI.binary, "verify", bag, "--json",
            ], cwd: dir)
        #expect(r.status == 1, "\(attack): \(r.output)")
        var lines: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: logs) {
            lines += try String(contentsOfFile: logs + "/" + name, encoding: .utf8).split(separator: "\n").map(String.init)
        }
        #expect(lines.contains { $0.contains("openat2(") }, "the log holds the verifier's own calls")
        let reaching = lines.filter { Self.reaches($0, outside: outside, links: links, cwd: dir) }
        #expect(reaching.isEmpty, "\(attack): \(reaching.prefix(10).joined(separator: "\n"))")
    }

    /// Every symbolic link under `folder` (not following links), as absolute paths.
    static func links(in folder: String) throws -> [String] {
        var found: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            let path = folder + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFLNK { found.append(path) }
            if info.st_mode & S_IFMT == S_IFDIR { found += try links(in: path) }
        }
        return found
    }

    /// Whether one strace line is a successful call that reached `outside` (see the test above).
    static func reaches(_ line: String, outside: String, links: [String], cwd: String) -> Bool {
        guard let open = line.firstIndex(of: "("), let result = line.range(of: ") = ", options: .backwards) else { return false }
        let outcome = line[result.upperBound...]
        guard let first = outcome.first, first.isNumber else { return false }  // -1 (failed) or ? (no return)
        let call = line[..<open].split(separator: " ").last.map(String.init) ?? ""
        let arguments = String(line[line.index(after: open)..<result.lowerBound])
        // Descriptors shown as <path>, in the arguments and the result.
        let named = Self.annotations(arguments) + Self.annotations(String(outcome))
        if named.contains(where: { $0 == outside || $0.hasPrefix(outside + "/") }) { return true }
        // The path argument: the first quoted string, relative to the directory descriptor before it.
        guard let path = Self.firstQuoted(arguments) else { return false }
        if path == outside || path.hasPrefix(outside + "/") { return true }
        if call == "openat2" && arguments.contains("RESOLVE_BENEATH") { return false }
        var absolute = path
        if !path.hasPrefix("/") {
            let before = arguments[..<(arguments.range(of: "\"")?.lowerBound ?? arguments.startIndex)]
            let base = Self.annotations(String(before)).last ?? cwd
            absolute = path.isEmpty ? base : base + "/" + path
        }
        let followsLast: Bool
        switch call {
        case "lstat", "readlink", "readlinkat": followsLast = false
        case "newfstatat", "statx", "faccessat", "faccessat2": followsLast = !arguments.contains("AT_SYMLINK_NOFOLLOW")
        case "open", "openat", "openat2": followsLast = !arguments.contains("O_NOFOLLOW")
        default: followsLast = true
        }
        return links.contains { link in absolute.hasPrefix(link + "/") || (absolute == link && followsLast) }
    }

    /// The paths strace shows in `<…>` after descriptors.
    static func annotations(_ text: String) -> [String] {
        var found: [String] = []
        var rest = text[...]
        while let start = rest.firstIndex(of: "<") {
            guard let end = rest[start...].firstIndex(of: ">") else { break }
            let inside = String(rest[rest.index(after: start)..<end])
            if inside.hasPrefix("/") { found.append(inside) }
            rest = rest[rest.index(after: end)...]
        }
        return found
    }

    static func firstQuoted(_ text: String) -> String? {
        guard let start = text.firstIndex(of: "\"") else { return nil }
        guard let end = text[text.index(after: start)...].firstIndex(of: "\"") else { return nil }
        return String(text[text.index(after: start)..<end])
    }

    /// Runs a program, returning its status and combined output.
    static func run(
        _ program: String, _ arguments: [String], cwd: String? = nil,
        environment: [String: String] = [:]
    ) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = arguments
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
