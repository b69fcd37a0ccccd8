import Foundation
@testable import Packaging
import Testing

@Test(.enabled(if: ProcessInfo.processInfo.environment["QUIRE_PACKAGING_BENCH"] != nil))
func tempBench() async throws {
    let scratch = try Scratch()
    let payload = (0..<8).map { i in (bagPath: "data/f\(i).bin", bytes: bytes(32 << 20, seed: UInt64(i))) }
    let files = try makeSources(scratch, payload: payload)
    let start = Date()
    var writer = BagWriter(manifestAlgorithms: [.sha256, .sha512], tagManifestAlgorithms: [.sha256])
    writer.verification = .fast
    let result = try await writer.write(name: "b", in: scratch.path, payload: files, bagInfo: [])
    print("write(fast) \(Date().timeIntervalSince(start))")
    for w in [1, 2, 4] {
        let t = Date()
        let r = await BagVerifier.verify(result.path, workers: w)
        print("verify workers=\(w) \(Date().timeIntervalSince(t))s valid=\(r.valid) bytes=\(r.bytesHashed)")
    }
    let t = Date()
    let py = try run(["python3", "-m", "bagit", "--validate", "--processes", "2", result.path])
    print("bagit.py \(Date().timeIntervalSince(t))s \(py.status)")
    let t2 = Date()
    _ = try run(["sh", "-c", "cd \(result.path) && sha256sum -c manifest-sha256.txt >/dev/null && sha512sum -c manifest-sha512.txt > /dev/null"])
    print("coreutils \(Date().timeIntervalSince(t2))s")
}
