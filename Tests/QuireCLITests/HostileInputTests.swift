import Foundation
import Testing

/// Attacks on `quire`'s inputs, each a reproduction from issue 12 run against the built binary: every one must
/// end with a clear error naming the file (or line) and the reason, an exit status (never a signal), and nothing
/// lost.
@Suite struct HostileInputTests {
    typealias CLI = QuireCLITests

    /// Runs quire and also reports whether it ended by a signal.
    static func run(_ arguments: [String], cwd: String? = nil) throws -> (CLI.Result, signalled: Bool) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = arguments
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let result = CLI.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                                stderr: String(decoding: stderr, as: UTF8.self))
        return (result, process.terminationReason == .uncaughtSignal)
    }

    /// Item 2: a register count of Int.max trapped (exit 132), and two such rows overflowed differently.
    @Test func hugeRegisterNumbersAreRowErrorsNotCrashes() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let register = dir + "/register.csv"
        try """
        id,name,level,parent,baseline_volumes,baseline_items,baseline_pages,prior_volumes,prior_items,prior_gb,has_digital_room
        C01,市档案馆,city,,9223372036854775807,1,,0,0,,yes
        K01,县档案馆,county,C01,9223372036854775807,9223372036854775807,,9223372036854775808,0,,yes
        K02,县档案馆,county,C01,1000,1000,,10,10,8999999999.5,yes
        K03,县档案馆,county,,1000,1000,,10,10,,yes

        """.write(toFile: register, atomically: true, encoding: .utf8)
        let (json, jsonSignalled) = try Self.run(["quota", "--register", register, "--workspace", dir + "/ws", "--json"])
        #expect(!jsonSignalled)
        #expect(json.status == 1, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let errors = try #require(object["register_errors"] as? [[String: Any]])
        #expect(errors.compactMap { $0["line"] as? Int } == [2, 3, 4])
        #expect((errors.first?["reason"] as? String)?.contains("larger than") == true)
        #expect((object["archives"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["K03"])

        let (text, textSignalled) = try Self.run(["quota", "--register", register, "--workspace", dir + "/ws"])
        #expect(!textSignalled)
        #expect(text.status == 1)
        #expect(text.stdout.contains("line 2: baseline_volumes '9223372036854775807' is larger than"))
        #expect(text.stdout.contains("line 4: prior_gb"))
    }

    /// Item 7: an in-place edit of a master (which the bag shares through a hard link) found by `quire fixity check`
    /// demotes the record: `quota` stops counting it.
    @Test func fixityDriftInAPackagedRecordDemotesIt() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = dir + "/ws"
        let run = try CLI.quire(["run", CLI.repo.path + "/samples/delivery", "--catalog", CLI.repo.path + "/samples/catalog.csv",
                                 "--archive", "C01", "--workspace", ws, "--quiet"])
        #expect(run.status == 1, "\(run.stderr)")
        func digitized() throws -> Int? {
            let r = try CLI.quire(["quota", "--register", CLI.repo.path + "/samples/register.csv", "--workspace", ws, "--json"])
            let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            return (object?["archives"] as? [[String: Any]])?.first { $0["id"] as? String == "C01" }?["digitized"] as? Int
        }
        let before = try #require(try digitized())
        #expect(try CLI.quire(["fixity", "check", "--all", "--workspace", ws, "--quiet"]).status == 0)

        // Edit one master in place: the same inode, so the bag's payload file changes with it.
        let master = ws + "/masters/0026-003-0045/0001.tif"
        let bagged = ws + "/bags/0026-003-0045/data/masters/0026-003-0045/0001.tif"
        var masterInfo = stat(), baggedInfo = stat()
        #expect(stat(master, &masterInfo) == 0 && stat(bagged, &baggedInfo) == 0)
        #expect(masterInfo.st_ino == baggedInfo.st_ino, "bag payloads are hard links to the masters")
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: master))
        try handle.seek(toOffset: UInt64(masterInfo.st_size) - 16)
        try handle.write(contentsOf: Data([0x5A]))
        try handle.close()

        let audit = try CLI.quire(["fixity", "check", "--all", "--workspace", ws, "--json", "--quiet"])
        #expect(audit.status == 1)
        #expect(try digitized() == before - 1)
        let status = try CLI.quire(["status", "--workspace", ws, "--json"])
        #expect(status.stdout.contains("invalid"), "\(status.stdout)")
    }
}
