import Foundation
import Testing

/// `quire verify` within a memory budget (`QUIRE_MEMORY_BUDGET`, `--memory-budget`): a master larger than the
/// budget is hashed as a stream and decode-checked without being held whole, next to other bags, with no abort;
/// a change to it is still caught.
@Suite struct VerifyMemoryCLITests {
    typealias CLI = QuireCLITests
    typealias Hostile = VerifyConfinementCLITests

    /// An 8-bit gray TIFF of `width`×`height` noise at 300 dpi, `rowsPerStrip` rows per strip, uncompressed or
    /// PackBits (libtiff cuts a single uncompressed strip into small ones as it reads; a compressed one it reads whole).
    static func grayTIFF(width: Int, height: Int, rowsPerStrip: Int, seed: UInt64, packBits: Bool = false) -> Data {
        let strips = (height + rowsPerStrip - 1) / rowsPerStrip
        // PackBits of a row: literal runs of at most 128 bytes, each after its length less one.
        let packedRow = width + (width + 127) / 128
        let rowBytes = packBits ? packedRow : width
        var d = Data()
        func u16(_ v: Int) { d.append(UInt8(v & 0xFF)); d.append(UInt8(v >> 8 & 0xFF)) }
        func u32(_ v: Int) { u16(v & 0xFFFF); u16(v >> 16 & 0xFFFF) }
        let entries = 12
        let ifdSize = 2 + entries * 12 + 4
        let resolutionAt = 8 + ifdSize
        let offsetsAt = resolutionAt + 16
        let countsAt = offsetsAt + 4 * strips
        let pixelsAt = countsAt + 4 * strips
        d.append(contentsOf: [0x49, 0x49, 42, 0]); u32(8)
        u16(entries)
        func entry(_ tag: Int, _ type: Int, _ count: Int, _ value: Int) { u16(tag); u16(type); u32(count); u32(value) }
        entry(256, 4, 1, width)
        entry(257, 4, 1, height)
        entry(258, 3, 1, 8)
        entry(259, 3, 1, packBits ? 32773 : 1)
        entry(262, 3, 1, 1)
        entry(273, 4, strips, offsetsAt)
        entry(277, 3, 1, 1)
        entry(278, 4, 1, rowsPerStrip)
        entry(279, 4, strips, countsAt)
        entry(282, 5, 1, resolutionAt)
        entry(283, 5, 1, resolutionAt + 8)
        entry(296, 3, 1, 2)
        u32(0)
        u32(300); u32(1); u32(300); u32(1)
        for s in 0..<strips { u32(pixelsAt + s * rowsPerStrip * rowBytes) }
        for s in 0..<strips { u32(min(rowsPerStrip, height - s * rowsPerStrip) * rowBytes) }
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        var pixels = [UInt8](repeating: 0, count: width * height)
        for i in pixels.indices {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            pixels[i] = UInt8(truncatingIfNeeded: state)
        }
        guard packBits else {
            d.append(contentsOf: pixels)
            return d
        }
        for row in 0..<height {
            for start in stride(from: row * width, to: (row + 1) * width, by: 128) {
                let end = min(start + 128, (row + 1) * width)
                d.append(UInt8(end - start - 1))
                d.append(contentsOf: pixels[start..<end])
            }
        }
        return d
    }

    /// Rewrites every manifest line, the Payload-Oxum and every tag manifest line from the files as they are.
    static func refreshDigests(_ bag: String) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: bag).sorted()
        func digest(_ algorithm: String, _ path: String) throws -> String {
            String(try CLI.quire(["digest", "--algorithm", algorithm, bag + "/" + path]).stdout.split(separator: " ")[0])
        }
        func rewrite(_ manifest: String, algorithm: String) throws {
            let lines = try String(contentsOfFile: bag + "/" + manifest, encoding: .utf8).split(separator: "\n")
            let text =
                try lines.map { line -> String in
                    let path = String(line.split(separator: " ", maxSplits: 1)[1].drop { $0 == " " })
                    return try digest(algorithm, path) + "  " + path
                }.joined(separator: "\n") + "\n"
            try text.write(toFile: bag + "/" + manifest, atomically: true, encoding: .utf8)
        }
        var bytes = 0, files = 0
        let walker = FileManager.default.enumerator(atPath: bag + "/data")
        while let name = walker?.nextObject() as? String {
            let attributes = try FileManager.default.attributesOfItem(atPath: bag + "/data/" + name)
            guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            bytes += (attributes[.size] as? Int) ?? 0
            files += 1
        }
        for name in names where name.hasPrefix("manifest-") {
            try rewrite(name, algorithm: String(name.dropFirst(9).dropLast(4)))
        }
        let info = try String(contentsOfFile: bag + "/bag-info.txt", encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false
        )
        .map { $0.hasPrefix("Payload-Oxum:") ? "Payload-Oxum: \(bytes).\(files)" : String($0) }.joined(separator: "\n")
        try info.write(toFile: bag + "/bag-info.txt", atomically: true, encoding: .utf8)
        for name in names where name.hasPrefix("tagmanifest-") {
            try rewrite(name, algorithm: String(name.dropFirst(12).dropLast(4)))
        }
    }

    /// Runs `quire` with `arguments` and `environment`, and returns its exit status, standard output, and peak
    /// resident set (`ru_maxrss` of the reaped child, in bytes).
    ///
    /// The child is started by a small Python parent, not by this test process: a child spawned with vfork (as
    /// `posix_spawn` and Foundation's `Process` do) keeps its parent's high-water mark across `exec`, so its
    /// `ru_maxrss` would be this test process's (about 100 MB), whatever `quire` used.
    static func measured(_ arguments: [String], environment: [String: String]) throws -> (
        status: Int32, stdout: String, peak: Int
    ) {
        let script = """
            import resource, subprocess, sys
            code = subprocess.run(sys.argv[1:], stderr=subprocess.DEVNULL).returncode
            print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
            sys.exit(code if code >= 0 else 128 - code)
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, CLI.binary] + arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard let kilobytes = Int(stderr.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw VerifyConfinementCLITests.CLIFailure("no peak resident set from the measuring parent: \(stderr)")
        }
        return (p.terminationStatus, String(decoding: stdout, as: UTF8.self), kilobytes * 1024)
    }

    static func bags(_ stdout: String) -> [[String: Any]] {
        let object = try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any]
        return object?["bags"] as? [[String: Any]] ?? []
    }

    static func errors(_ bag: [String: Any]) -> [(rule: String, file: String)] {
        (bag["problems"] as? [[String: Any]] ?? []).filter { $0["severity"] as? String == "error" }
            .map { ($0["rule"] as? String ?? "", $0["file"] as? String ?? "") }
    }

    @Test func aMasterLargerThanTheBudgetIsVerifiedInBoundedMemoryBesideAnotherBag() throws {
        let code = Hostile.code
        let (dir, big) = try Hostile.copyBag(code)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let other = "Z109-WS·2011-Y-BGS-0001"
        #expect(CLI.shell("cp -r '\(try Hostile.workspace.get())/bags/\(other)' '\(dir)/bags/\(other)'") == 0)
        let master = "data/masters/\(code)/0001.tif"
        let tiff = Self.grayTIFF(width: 5600, height: 5600, rowsPerStrip: 16, seed: 7)  // 31.4 MB
        try tiff.write(to: URL(fileURLWithPath: big + "/" + master))
        try Self.refreshDigests(big)
        let budget = ["QUIRE_MEMORY_BUDGET": "8M"]
        let (smallDir, small) = try Hostile.copyBag(code)
        defer { try? FileManager.default.removeItem(atPath: smallDir) }

        // The same bag with its small masters, then with the big one: held whole, the big master alone would
        // add its 31 MB to the resident set; streamed, it adds a few read buffers and one strip.
        let baseline = try Self.measured(["verify", small, "--json"], environment: budget)
        #expect(baseline.status == 0, "\(baseline.stdout)")
        let streamed = try Self.measured(["verify", big, "--json"], environment: budget)
        #expect(streamed.status == 0, "\(streamed.stdout)")
        let held = try Self.measured(["verify", big, "--json"], environment: ["QUIRE_MEMORY_BUDGET": "1G"])
        #expect(held.status == 0, "\(held.stdout)")
        let mb = { (bytes: Int) in String(format: "%.1f MB", Double(bytes) / 1e6) }
        print(
            "verify peak RSS: small masters \(mb(baseline.peak)); \(mb(tiff.count)) master under an 8 MiB budget \(mb(streamed.peak)), under 1 GiB (held whole) \(mb(held.peak))"
        )
        #expect(
            streamed.peak < baseline.peak + tiff.count / 4,
            "peak \(mb(streamed.peak)) against \(mb(baseline.peak)) with small masters, master \(mb(tiff.count))")
        // The measurement can tell: holding the master whole shows.
        #expect(held.peak > baseline.peak + tiff.count / 2, "held whole: \(mb(held.peak)) against \(mb(baseline.peak))")

        // Beside another bag, in one run: both verified, no abort.
        let both = try Self.measured(["verify", dir + "/bags", "--json"], environment: budget)
        #expect(both.status == 0, "\(both.stdout)")
        #expect(Self.bags(both.stdout).map { $0["valid"] as? Bool } == [true, true], "\(both.stdout)")
        // Decoded in full, not skipped: the only finding is that the gray noise replaced a bitonal page.
        let rules = Self.bags(both.stdout).flatMap { ($0["problems"] as? [[String: Any]]) ?? [] }.compactMap {
            $0["rule"] as? String
        }
        #expect(rules == ["archival.colour"], "\(both.stdout)")

        // One byte changed in the middle of the big master: caught by digest, the other bag still passes.
        var tampered = tiff
        tampered[tampered.count / 2] ^= 0x01
        try tampered.write(to: URL(fileURLWithPath: big + "/" + master))
        let caught = try Self.measured(["verify", dir + "/bags", "--json", "--memory-budget", "8M"], environment: [:])
        #expect(caught.status == 1)
        let results = Self.bags(caught.stdout)
        #expect(results.map { $0["valid"] as? Bool } == [false, true], "\(caught.stdout)")
        #expect(Set(results.first.map(Self.errors)?.map(\.rule) ?? []) == ["payload.digest"])
        #expect(results.first.map(Self.errors)?.allSatisfy { $0.file == master } == true)

        // Cut short, with digests that match the cut file: only the decode check, on the streamed master, can tell.
        try tiff.prefix(tiff.count - 100_000).write(to: URL(fileURLWithPath: big + "/" + master))
        try Self.refreshDigests(big)
        let cut = try Self.measured(["verify", big, "--json"], environment: budget)
        #expect(cut.status == 1)
        #expect(Self.bags(cut.stdout).first.map(Self.errors)?.map(\.rule) == ["archival.decode"], "\(cut.stdout)")
        #expect(Self.bags(cut.stdout).first.map(Self.errors)?.map(\.file) == [master])

        // Stored as one compressed 31 MB strip, the master cannot be decode-checked within 8 MiB: the bag is still
        // verified (digests), and says so with the figures, under usability.
        let oneStrip = Self.grayTIFF(width: 5600, height: 5600, rowsPerStrip: 5600, seed: 7, packBits: true)
        try oneStrip.write(to: URL(fileURLWithPath: big + "/" + master))
        try Self.refreshDigests(big)
        let skipped = try Self.measured(["verify", big, "--json"], environment: budget)
        #expect(skipped.status == 0, "\(skipped.stdout)")
        let skipProblems = (Self.bags(skipped.stdout).first?["problems"] as? [[String: Any]]) ?? []
        let skip = skipProblems.first { $0["rule"] as? String == "archival.decode.skipped" }
        #expect(skip?["severity"] as? String == "warning" && skip?["file"] as? String == master, "\(skipped.stdout)")
        #expect((skip?["message"] as? String)?.contains("more than the 8.4 MB verify may hold") == true, "\(skipped.stdout)")
        #expect((skip?["message"] as? String)?.contains("decode check skipped") == true)
        let usability = (Self.bags(skipped.stdout).first?["fourProperties"] as? [String: Any])?["usability"] as? [String: Any]
        #expect(usability?["warnings"] as? [String] == ["archival.decode.skipped"])
        #expect(skipped.peak < baseline.peak + tiff.count / 4, "skipped, not read whole")
    }

    @Test func aBadBudgetIsAUsageError() throws {
        let r = try CLI.quire(["verify", "/nonexistent", "--memory-budget", "lots"])
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("lots"))
    }
}
