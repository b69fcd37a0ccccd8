import Audit
import BatchRun
import Foundation
import Policy
import QuireTestSupport
import Testing

/// The auditor reads nothing a link takes out of the bag: a master, a master folder, `record.json`, `record.xml`
/// or `bag-info.txt` that leads outside is reported under 安全性 (`payload.symlink`) and never decoded or
/// parsed. Each outside target is made so that reading it would add its own finding (a corrupt master, an
/// unparseable record, a bad 档号): the absence of that finding shows it was not read.
@Suite struct AuditorConfinementTests {
    static let code = "0026-003-0045"

    /// The samples through every stage (`quire run`'s `BatchRun`), each bound record a verified bag.
    static func packagedSamples() async throws -> Scratch {
        let s = try Scratch()
        let samples = Repository.root.appendingPathComponent("samples").path
        _ = try await BatchRun(
            ledger: try s.ledger(), policy: PipelinePolicy(), workspace: s.workspace, workers: 2, version: "test"
        )
        .run(
            .init(
                delivery: samples + "/delivery", catalog: samples + "/catalog.csv", processFile: samples + "/process.yaml",
                batch: "samples"))
        return s
    }

    /// Runs `plant` on a private copy of a packaged bag, with an `outside` folder beside it; returns the audit.
    func audit(_ plant: (_ bag: String, _ outside: String) throws -> Void) async throws -> Auditor.Result {
        let s = try await Self.packagedSamples()
        // A private, independent copy of the bag (its payload files are hard links to the workspace's outputs).
        let bag = s.root + "/copy-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: s.workspace + "/bags/" + Self.code, toPath: bag)
        let outside = s.root + "/outside-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try plant(bag, outside)
        let result = await Auditor(policy: PipelinePolicy()).audit(bag: bag, depth: .full)
        withExtendedLifetime(s) {}
        return result
    }

    /// Replaces the bag's `relative` with a link to `outside/<name>`, which holds `content`.
    func linkOut(_ relative: String, bag: String, outside: String, content: Data) throws {
        let target = outside + "/" + (relative as NSString).lastPathComponent
        try content.write(to: URL(fileURLWithPath: target))
        try FileManager.default.removeItem(atPath: bag + "/" + relative)
        try FileManager.default.createSymbolicLink(atPath: bag + "/" + relative, withDestinationPath: target)
    }

    /// A TIFF cut short: it would fail the decode check if it were read.
    func truncatedMaster(_ bag: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: bag + "/data/masters/\(Self.code)/0001.tif")).prefix(600)
    }

    func expectSecurityFailure(_ result: Auditor.Result, file: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!result.valid, sourceLocation: sourceLocation)
        #expect(
            result.problems.contains { $0.rule == .bag(.payloadSymlink) && $0.severity == .error && $0.file == file },
            "\(result.problems)", sourceLocation: sourceLocation)
        #expect(result.fourProperties.security.errors == [.bag(.payloadSymlink)], sourceLocation: sourceLocation)
    }

    @Test func aMasterLinkedOutIsNotDecoded() async throws {
        let master = "data/masters/\(Self.code)/0001.tif"
        let result = try await audit { bag, outside in
            try linkOut(master, bag: bag, outside: outside, content: try truncatedMaster(bag))
        }
        expectSecurityFailure(result, file: master)
        #expect(!result.problems.contains { $0.rule == .archival(.decode) }, "\(result.problems)")
    }

    @Test func aMasterFolderLinkedOutIsNotListedOrDecoded() async throws {
        let folder = "data/masters/\(Self.code)"
        let result = try await audit { bag, outside in
            let truncated = try truncatedMaster(bag)
            try FileManager.default.createDirectory(atPath: outside + "/masters", withIntermediateDirectories: true)
            for name in ["0001.tif", "0002.tif", "0003.tif"] {
                try truncated.write(to: URL(fileURLWithPath: outside + "/masters/" + name))
            }
            try FileManager.default.removeItem(atPath: bag + "/" + folder)
            try FileManager.default.createSymbolicLink(atPath: bag + "/" + folder, withDestinationPath: outside + "/masters")
        }
        expectSecurityFailure(result, file: folder)
        #expect(!result.problems.contains { $0.rule == .archival(.decode) }, "\(result.problems)")
    }

    @Test func aRecordDocumentLinkedOutIsNotParsed() async throws {
        let json = "data/metadata/\(Self.code)/record.json"
        let result = try await audit { bag, outside in
            try linkOut(json, bag: bag, outside: outside, content: Data("{ not json".utf8))
        }
        expectSecurityFailure(result, file: json)
        #expect(!result.problems.contains { $0.rule == .archival(.metadataInvalid) }, "\(result.problems)")

        let xml = "data/metadata/\(Self.code)/record.xml"
        let xmlResult = try await audit { bag, outside in
            try linkOut(xml, bag: bag, outside: outside, content: Data("<not-a-record/>\n".utf8))
        }
        expectSecurityFailure(xmlResult, file: xml)
        #expect(!xmlResult.problems.contains { $0.rule == .archival(.metadataInvalid) }, "\(xmlResult.problems)")
    }

    @Test func aBagInfoLinkedOutIsNotParsed() async throws {
        let result = try await audit { bag, outside in
            let info = try String(contentsOfFile: bag + "/bag-info.txt", encoding: .utf8)
                .replacingOccurrences(of: "External-Identifier: \(Self.code)", with: "External-Identifier: not/a code")
            try linkOut("bag-info.txt", bag: bag, outside: outside, content: Data(info.utf8))
        }
        expectSecurityFailure(result, file: "bag-info.txt")
        #expect(!result.problems.contains { $0.rule == .archival(.code) }, "\(result.problems)")
    }
}
