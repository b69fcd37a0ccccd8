import QuireCore
import Fixity
import Foundation
@testable import Packaging
import QuireTestSupport
import Testing

/// Deterministic pseudo-random bytes.
func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    return (0..<count).map { _ in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return UInt8(truncatingIfNeeded: state)
    }
}

/// The payload every round-trip test bags: a Chinese-named master, a name with `%`, and a plain file.
let samplePayload: [(bagPath: String, bytes: [UInt8])] = [
    ("data/masters/Z109-WS·2011-Y-BGS-0001/0001.tif", bytes(150_000, seed: 1)),
    ("data/masters/Z109-WS·2011-Y-BGS-0001/0002.tif", bytes(70_001, seed: 2)),
    ("data/notes/100% checked.txt", Array("checked by 张三\n".utf8)),
    ("data/readme.txt", Array("Scanned records.\n".utf8)),
]

/// Source files for `samplePayload` in `scratch/sources`, with digests computed as a caller would.
func makeSources(
    _ scratch: ScratchFolder, algorithms: [DigestAlgorithm] = [.sha256, .sha512],
    payload: [(bagPath: String, bytes: [UInt8])] = samplePayload
) throws -> [PayloadFile] {
    try payload.enumerated().map { index, item in
        let source = try scratch.file("sources/\(index)-\((item.bagPath as NSString).lastPathComponent)", item.bytes)
        let digests = try FileDigester.digest(path: source, algorithms: algorithms)
        return PayloadFile(source: source, bagPath: item.bagPath, size: UInt64(item.bytes.count), digests: digests)
    }
}

/// The bag-info fields the tests use.
let sampleInfo = [
    BagInfoField("Source-Organization", "Example Municipal Archives"),
    BagInfoField("Bagging-Date", "2026-03-14"),
    BagInfoField("External-Identifier", "Z109-WS·2011-Y-BGS-0001"),
    BagInfoField(
        "External-Description",
        "Scanned case files of the land bureau, 2011, long term retention, masters as uncompressed TIFF with derivative access copies and catalog XML."
    ),
]

/// Writes the sample bag into `scratch/bags/<name>` and returns its path.
func writeSampleBag(
    _ scratch: ScratchFolder, name: String = "Z109-WS·2011-Y-BGS-0001",
    configure: (inout BagWriter) -> Void = { _ in }
) async throws -> String {
    let payload = try makeSources(scratch)
    var writer = BagWriter(manifestAlgorithms: [.sha256, .sha512], tagManifestAlgorithms: [.sha256])
    configure(&writer)
    let result = try await writer.write(
        name: name, in: scratch.path + "/bags", payload: payload, bagInfo: sampleInfo,
        extraTagFiles: [TagFile(path: "metadata/record.xml", contents: Data("<record/>\n".utf8))])
    return result.path
}

/// A full copy of a bag (new inodes, so tampering never reaches the hard-linked sources).
func copyBag(_ bag: String, in scratch: ScratchFolder, as name: String) throws -> String {
    let target = scratch.path + "/copies/" + name
    try FileManager.default.createDirectory(atPath: scratch.path + "/copies", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: bag, toPath: target)
    return target
}

/// Replaces text in a file.
func edit(_ path: String, _ change: (String) -> String) throws {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    try Data(change(text).utf8).write(to: URL(fileURLWithPath: path))
}

/// Runs a program found on PATH; returns its exit status and its standard output followed by its standard error.
@discardableResult
func run(_ arguments: [String], in folder: String? = nil) throws -> (status: Int32, output: String) {
    let result = try Program.run("/usr/bin/env", arguments, cwd: folder)
    return (result.status, result.text + result.stderr)
}

/// The Library of Congress's bagit-python, which `bash scripts/install-deps.sh --test` installs.
enum BagitPython {
    /// Whether `python3 -m bagit` works.
    static let available: Bool = (try? run(["python3", "-c", "import bagit"]))?.status == 0

    /// Throws, naming the script that installs it, when bagit-python is missing: the tests need it.
    static func require() throws {
        guard available else { throw MissingTool(tool: "bagit-python (python3 -c 'import bagit' fails)") }
    }

    /// `bagit.py --validate <bag>`.
    static func validate(_ bag: String) throws -> (status: Int32, output: String) {
        try run(["python3", "-m", "bagit", "--validate", bag])
    }
}
