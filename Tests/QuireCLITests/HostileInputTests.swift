import Foundation
import Testing

/// Attacks on `quire`'s inputs, each a reproduction from issue 12 run against the built binary: every one must
/// end with a clear error naming the file (or line) and the reason, an exit status (never a signal), and nothing
/// lost.
@Suite struct HostileInputTests {
    typealias CLI = QuireCLITests

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
        let json = try CLI.quire(["quota", "--register", register, "--workspace", dir + "/ws", "--json"])
        #expect(!json.signalled)
        #expect(json.status == 1, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let errors = try #require(object["register_errors"] as? [[String: Any]])
        #expect(errors.compactMap { $0["line"] as? Int } == [2, 3, 4])
        #expect((errors.first?["reason"] as? String)?.contains("larger than") == true)
        #expect((object["archives"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["K03"])

        let text = try CLI.quire(["quota", "--register", register, "--workspace", dir + "/ws"])
        #expect(!text.signalled)
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
        let run = try CLI.quire([
            "run", CLI.repo.path + "/samples/delivery", "--catalog", CLI.repo.path + "/samples/catalog.csv",
            "--archive", "C01", "--workspace", ws, "--quiet",
        ])
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

    /// Writes a PNG of `width` × `height` RGBA 16-bit, all zero: a valid one of about 3.5 MB for 19999 × 19999, or
    /// one cut after 1.5 KB of image data. Each row is compressed after a full flush, so one row's bytes repeat.
    static func hugePNG(_ path: String, width: Int = 19999, height: Int = 19999, truncated: Bool) throws {
        let script = """
            import sys, zlib, struct
            def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
            path, w, h, truncated = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == '1'
            row = b'\\0' * (1 + w * 8)
            c = zlib.compressobj(9)
            first = c.compress(row) + c.flush(zlib.Z_FULL_FLUSH)
            again = c.compress(row) + c.flush(zlib.Z_FULL_FLUSH)
            n = len(row) * h
            body = first + again * (h - 1) + b'\\x03\\x00' + struct.pack('>I', ((n % 65521) << 16) | 1)
            head = b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 16, 6, 0, 0, 0))
            data = head + (chunk(b'IDAT', body[:1500]) if truncated else chunk(b'IDAT', body) + chunk(b'IEND', b''))
            open(path, 'wb').write(data)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path, "\(width)", "\(height)", truncated ? "1" : "0"]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    /// Item 4: memory follows the budget, not what a file claims. A 1.6 KB truncated PNG claiming 19999 × 19999
    /// RGBA16 drove import to 3.16 GB resident (four of them, 6.2 GB); a 3 GB file named .tif was read whole
    /// before its signature was checked. Now each is refused before it is loaded, and the import stays small.
    @Test func importMemoryFollowsTheBudgetNotTheClaims() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let record = dir + "/delivery/0026-003-0099"
        try FileManager.default.createDirectory(atPath: record, withIntermediateDirectories: true)
        for page in 1...4 { try Self.hugePNG(record + "/000\(page).png", truncated: true) }
        // 3 GB of zeros named .tif (sparse: no disk space is used).
        let fake = record + "/0005.tif"
        #expect(FileManager.default.createFile(atPath: fake, contents: nil))
        #expect(truncate(fake, 3 << 30) == 0)
        try FileManager.default.copyItem(
            atPath: CLI.repo.path + "/samples/delivery/0026-003-0045/0001.tif", toPath: record + "/0006.tif")

        let r = try CLI.quire(["import", dir + "/delivery", "--workspace", dir + "/ws", "--workers", "2", "--json", "--quiet"])
        #expect(!r.signalled)
        #expect(r.status == 1, "\(r.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let quarantined = (report["quarantined"] as? [[String: Any]]) ?? []
        let reasons = Dictionary(quarantined.map { (($0["path"] as? String) ?? "", ($0["reason"] as? String) ?? "") }) { a, _ in a
        }
        for page in 1...4 {
            #expect(reasons["0026-003-0099/000\(page).png"] == "too_large")
        }
        let detail = quarantined.first { $0["path"] as? String == "0026-003-0099/0001.png" }?["detail"] as? String ?? ""
        #expect(detail.contains("19999 × 19999, 4 × 16-bit") && detail.contains("memory budget"), "\(detail)")
        #expect(reasons["0026-003-0099/0005.tif"] == "unknown_format")
        #expect(report["accepted"] as? Int == 1)
        let peak = try #require(report["peak_rss_mb"] as? Double)
        #expect(peak < 400, "peak RSS \(peak) MB")
    }

    /// Item 4 in `quire run`: a valid 3.5 MB PNG of 19999 × 19999 RGBA16 drove run to 4.7 GB; now it is refused
    /// with the figure while the other records are packaged; and the budget is configurable.
    @Test func runRefusesAPageLargerThanTheBudget() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: CLI.repo.path + "/samples/delivery", toPath: dir + "/delivery")
        try FileManager.default.createDirectory(atPath: dir + "/delivery/0026-003-0099", withIntermediateDirectories: true)
        try Self.hugePNG(dir + "/delivery/0026-003-0099/0001.png", truncated: false)
        let r = try CLI.quire([
            "run", dir + "/delivery", "--catalog", CLI.repo.path + "/samples/catalog.csv",
            "--workspace", dir + "/ws", "--json", "--quiet",
        ])
        #expect(!r.signalled)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stdout.contains("too_large"))
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let peak = try #require((summary["peak_rss_mb"] as? [String: Double])?["run"])
        #expect(peak < 500, "peak RSS \(peak) MB")
        let bags = try FileManager.default.contentsOfDirectory(atPath: dir + "/ws/bags")
        #expect(bags.count == 3, "\(bags)")

        // A budget of 8 MB refuses an A4 sample page, naming the budget.
        let small = dir + "/small"
        try FileManager.default.createDirectory(atPath: small + "/0026-003-0045", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: CLI.repo.path + "/samples/delivery/0026-003-0045/0001.tif", toPath: small + "/0026-003-0045/0001.tif")
        let tight = try CLI.quire(
            ["import", small, "--workspace", dir + "/ws2", "--json", "--quiet"], environment: ["QUIRE_MEMORY_BUDGET": "8M"])
        #expect(tight.status == 1)
        #expect(tight.stdout.contains("memory budget of 8.0 MB"), "\(tight.stdout)")
    }

    /// Item 3: a 档号 with a '/' hidden behind a combining character became a nested path; the master failed to
    /// write and every later run and bind of the batch exited 3 with no summary. Now the file is quarantined
    /// `unparseable_name` and the other records are packaged, run after run.
    @Test func aCodeThatIsNoPathComponentNeverStopsTheOthers() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: CLI.repo.path + "/samples/delivery", toPath: dir + "/delivery")
        try FileManager.default.createDirectory(atPath: dir + "/delivery/ൎ", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: CLI.repo.path + "/samples/delivery/0026-003-0045/0001.tif",
            toPath: dir + "/delivery/ൎ/x-003-0045-0001.tif")
        let catalog = dir + "/catalog.csv"
        try
            (String(contentsOfFile: CLI.repo.path + "/samples/catalog.csv", encoding: .utf8)
            + "9,ൎ/x-003-0045,,某单位,题名,19980312,公开,1,\n").write(toFile: catalog, atomically: true, encoding: .utf8)
        for attempt in 1...2 {
            let r = try CLI.quire([
                "run", dir + "/delivery", "--catalog", catalog, "--workspace", dir + "/ws", "--json", "--quiet",
            ])
            #expect(!r.signalled)
            #expect(r.status == 1, "run \(attempt): \(r.stderr)")
            let summary = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            #expect((summary["packaged"] as? [String])?.count == 3, "run \(attempt)")
            if attempt == 1 {
                let quarantined = (summary["quarantined"] as? [[String: Any]]) ?? []
                let hostile = quarantined.first { ($0["path"] as? String) == "ൎ/x-003-0045-0001.tif" }
                #expect(hostile?["reason"] as? String == "unparseable_name")
            }
            let rejected = (summary["catalog_errors"] as? [[String: Any]]) ?? []
            #expect(rejected.contains { ($0["reason"] as? String)?.contains("U+002F") == true }, "\(rejected)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/ws/masters/ൎ"))
        let bind = try CLI.quire(["bind", "--catalog", catalog, "--workspace", dir + "/ws", "--json"])
        #expect(bind.status == 1, "\(bind.stderr)")
    }

    /// Item 6: the NFC and NFD spellings of one 档号 are one code to import, to bind and to the paths. A catalog
    /// in NFC binds the pages of a folder named in NFD (as macOS writes names).
    @Test func nfcCatalogBindsNFDFolder() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let nfd = "A\u{308}026-003-0045", nfc = "\u{C4}026-003-0045"
        let folder = dir + "/delivery/" + nfd
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for page in 1...3 {
            try FileManager.default.copyItem(
                atPath: CLI.repo.path + "/samples/delivery/0026-003-0045/000\(page).tif",
                toPath: folder + "/000\(page).tif")
        }
        let catalog = dir + "/catalog.csv"
        try "序号,档号,文号,责任者,题名,日期,密级,页数,备注\n1,\(nfc),,市档案局,通报,19980312,公开,3,\n"
            .write(toFile: catalog, atomically: true, encoding: .utf8)
        let r = try CLI.quire(["run", dir + "/delivery", "--catalog", catalog, "--workspace", dir + "/ws", "--json", "--quiet"])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stderr)")
        #expect(r.status == 0, "\(r.stdout)")
        let packaged = (summary["packaged"] as? [String]) ?? []
        #expect(packaged.map { Array($0.utf8) } == [Array(nfc.utf8)])
        #expect((summary["unmatched_images"] as? [String])?.isEmpty == true)
        // The outputs are named in NFC, whatever the delivery's spelling.
        let masters = try FileManager.default.contentsOfDirectory(atPath: dir + "/ws/masters")
        #expect(masters.map { Array($0.utf8) } == [Array(nfc.utf8)])
    }

    /// Item 8: `quire run` with rejected catalog rows showed every record as held "waiting", never the rejected
    /// rows or the unmatched images that `quire bind` shows. Now its summary carries what bind knows.
    @Test func runSummaryCarriesRejectedRowsAndUnmatchedImages() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var lines = try String(contentsOfFile: CLI.repo.path + "/samples/catalog.csv", encoding: .utf8).components(
            separatedBy: "\r\n")
        try #require(lines.count > 3)
        lines[1] = lines[1].replacingOccurrences(of: ",公开,3,", with: ",公开,9223372036854775808,")
        lines[2] = lines[2].replacingOccurrences(of: ",内部,4,", with: ",内部,٣,")
        let catalog = dir + "/catalog.csv"
        try lines.joined(separator: "\n").write(toFile: catalog, atomically: true, encoding: .utf8)
        let r = try CLI.quire([
            "run", CLI.repo.path + "/samples/delivery", "--catalog", catalog, "--workspace", dir + "/ws", "--json", "--quiet",
        ])
        #expect(r.status == 1)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stderr)")
        let rejected = (summary["catalog_errors"] as? [[String: Any]]) ?? []
        #expect(rejected.compactMap { $0["line"] as? Int } == [2, 3])
        #expect((rejected.first?["reason"] as? String)?.contains("larger than") == true)
        let unmatched = (summary["unmatched_images"] as? [String]) ?? []
        #expect(unmatched.contains("0026-003-0045/0001.tif") && unmatched.contains("0026-003-0046/0004.jpg"))
        let held = (summary["held"] as? [String: String]) ?? [:]
        #expect(!held.values.contains("waiting"), "\(held)")

        let text = try CLI.quire([
            "run", CLI.repo.path + "/samples/delivery", "--catalog", catalog, "--workspace", dir + "/ws", "--quiet",
        ])
        #expect(text.stdout.contains("Catalog rows rejected (2)"))
        #expect(text.stdout.contains("Images with no catalog record (6)"))
    }

    /// Item 8: two file names that differ only in bytes that are no UTF-8 collapsed into one ledger entry reported
    /// as "No such file". Each is now its own entry, shown with \xHH, quarantined with the reason.
    @Test func nonUTF8NamesStayApartAndAreNamed() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let record = dir + "/delivery/0026-003-0045"
        try FileManager.default.createDirectory(atPath: record, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: CLI.repo.path + "/samples/delivery/0026-003-0045/0001.tif", toPath: record + "/0001.tif")
        for invalid: UInt8 in [0xFF, 0xFE] {
            let bytes = Array((record + "/0002").utf8) + [invalid] + Array(".tif".utf8) + [0]
            let fd = bytes.withUnsafeBufferPointer {
                $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
            }
            #expect(fd >= 0)
            close(fd)
        }
        // A folder whose name is no UTF-8: quarantined as one entry, its files not read.
        let folder = Array((dir + "/delivery/0026-003-00").utf8) + [0xC3, 0x28] + [0]
        #expect(folder.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { mkdir($0.baseAddress!, 0o755) } } == 0)
        let r = try CLI.quire(["import", dir + "/delivery", "--workspace", dir + "/ws", "--json", "--quiet"])
        #expect(!r.signalled)
        #expect(r.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let quarantined = (report["quarantined"] as? [[String: Any]]) ?? []
        let paths = Set(quarantined.compactMap { $0["path"] as? String })
        #expect(paths == ["0026-003-0045/0002\\xFE.tif", "0026-003-0045/0002\\xFF.tif", "0026-003-00\\xC3("], "\(quarantined)")
        #expect(quarantined.contains { ($0["detail"] as? String)?.contains("folder name is not valid UTF-8") == true })
        #expect(
            quarantined.allSatisfy {
                $0["reason"] as? String == "unparseable_name" && ($0["detail"] as? String)?.contains("UTF-8") == true
            })
        #expect(report["accepted"] as? Int == 1)
    }

    /// Item 8: `status` on a read-only workspace exited 3 although it only reads; `quota` too.
    @Test func statusAndQuotaReadAReadOnlyWorkspace() throws {
        let dir = try CLI.temporaryFolder()
        defer {
            _ = CLI.shell("chmod -R u+w '\(dir)'")
            try? FileManager.default.removeItem(atPath: dir)
        }
        let ws = dir + "/ws"
        #expect(try CLI.quire(["import", CLI.repo.path + "/samples/delivery", "--workspace", ws, "--quiet"]).status == 1)
        // Read-only for everyone; read as an unprivileged user (root ignores permission bits).
        #expect(CLI.shell("chmod -R a-w '\(ws)' && chmod a+rx '\(dir)'") == 0)
        let asNobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", CLI.binary]
        let status = try CLI.execute("setpriv", Array(asNobody.dropFirst()) + ["status", "--workspace", ws, "--json"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("\"batch\""))
        let quota = try CLI.execute(
            "setpriv",
            Array(asNobody.dropFirst()) + [
                "quota", "--register", CLI.repo.path + "/samples/register.csv", "--workspace", ws, "--json",
            ])
        #expect(quota.status == 0, "\(quota.stderr)")
        var info = stat()
        #expect(stat(ws + "/ledger.sqlite-wal", &info) != 0, "nothing was written")
    }

    /// `package.payload: copy` gives bags whose payload shares nothing with the workspace: an in-place edit of a
    /// master leaves the bag as it was, and the bag still verifies.
    @Test func copiedPayloadIsIndependentOfTheMasters() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pipeline = dir + "/copy.yaml"
        try String(contentsOfFile: CLI.repo.path + "/pipelines/dat31.yaml", encoding: .utf8)
            .replacingOccurrences(of: "  payload: link", with: "  payload: copy").write(
                toFile: pipeline, atomically: true, encoding: .utf8)
        let ws = dir + "/ws"
        let run = try CLI.quire([
            "run", CLI.repo.path + "/samples/delivery", "--catalog", CLI.repo.path + "/samples/catalog.csv",
            "--pipeline", pipeline, "--workspace", ws, "--quiet",
        ])
        #expect(run.status == 1, "\(run.stderr)")
        let master = ws + "/masters/0026-003-0045/0001.tif"
        let bagged = ws + "/bags/0026-003-0045/data/masters/0026-003-0045/0001.tif"
        var masterInfo = stat(), baggedInfo = stat()
        #expect(stat(master, &masterInfo) == 0 && stat(bagged, &baggedInfo) == 0)
        #expect(masterInfo.st_ino != baggedInfo.st_ino)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: master))
        try handle.seek(toOffset: UInt64(masterInfo.st_size) - 16)
        try handle.write(contentsOf: Data([0x5A]))
        try handle.close()
        #expect(try CLI.quire(["verify", ws + "/bags/0026-003-0045", "--bagit-only"]).status == 0)
    }

    /// A budget that does not parse is a usage error (exit 2) naming the variable, not a silent default; a catalog
    /// larger than 256 MiB is refused before it is read (a sparse file: nothing is written or loaded).
    @Test func badBudgetAndOversizedCatalogAreRefusedUpFront() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bad = try CLI.quire(
            ["import", CLI.repo.path + "/samples/delivery", "--workspace", dir + "/ws", "--quiet"],
            environment: ["QUIRE_MEMORY_BUDGET": "lots"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("QUIRE_MEMORY_BUDGET"), "\(bad.stderr)")

        let catalog = dir + "/catalog.csv"
        #expect(FileManager.default.createFile(atPath: catalog, contents: nil))
        #expect(truncate(catalog, (256 << 20) + 1) == 0)
        let run = try CLI.quire([
            "run", CLI.repo.path + "/samples/delivery", "--catalog", catalog, "--workspace", dir + "/ws2", "--json", "--quiet",
        ])
        #expect(!run.signalled)
        #expect(run.status != 0)
        #expect(run.stderr.contains("at most 256 MiB"), "\(run.stderr)")
    }
}
