import Fixity
import Foundation
import QuireCore
import QuireTestSupport
import Testing

// MARK: - Helpers

private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

private func sm3Hex(_ string: String) -> String {
    hex(SM3.hash(data: Array(string.utf8)))
}

private func randomBytes(_ count: Int, using rng: inout SplitMix) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: rng.next()) }
    return bytes
}

/// Hashes `bytes` through a series of `update` calls split at random points.
private func incrementalHash(_ bytes: [UInt8], using rng: inout SplitMix) -> [UInt8] {
    var hasher = SM3()
    var start = 0
    while start < bytes.count {
        // Mix tiny, block-sized and large pieces; empty updates too.
        let limit = [1, 3, 64, 65, 200, bytes.count][Int(rng.next() % 6)]
        let end = min(bytes.count, start + Int(rng.next() % UInt64(limit + 1)))
        bytes[start..<end].withUnsafeBytes { hasher.update(bufferPointer: $0) }
        start = end
    }
    return hasher.finalize()
}

// MARK: - Independent reference implementation

/// An independent SM3 implementation found on this machine: `openssl dgst -sm3`
/// (OpenSSL ≥ 1.1.1), or else Python with the PyPI `gmssl` package.
private enum Reference {
    case openSSL
    case gmssl

    static let available: Reference? = {
        let emptyDigest = "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"
        if let out = try? run(["openssl", "dgst", "-sm3", "-r", "/dev/null"]),
            out.hasPrefix(emptyDigest)
        {
            return .openSSL
        }
        if let out = try? run(["python3", "-c", "from gmssl import sm3, func; print(sm3.sm3_hash(func.bytes_to_list(b'')))"]),
            out.hasPrefix(emptyDigest)
        {
            return .gmssl
        }
        return nil
    }()

    static let skipMessage: Comment =
        "no independent SM3 reference: need `openssl dgst -sm3` (OpenSSL ≥ 1.1.1) or python3 with `pip install gmssl`"

    /// Hex digests of `inputs`, in order, from one batched reference invocation.
    func digests(of inputs: [[UInt8]]) throws -> [String] {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sm3-ref-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var paths: [String] = []
        for (index, input) in inputs.enumerated() {
            let url = directory.appendingPathComponent("\(index).bin")
            try Data(input).write(to: url)
            paths.append(url.path)
        }
        let output: String
        switch self {
        case .openSSL:
            output = try Self.run(["openssl", "dgst", "-sm3", "-r"] + paths)
        case .gmssl:
            let script = """
                import sys
                from gmssl import sm3, func
                for p in sys.argv[1:]:
                    print(sm3.sm3_hash(func.bytes_to_list(open(p, 'rb').read())))
                """
            output = try Self.run(["python3", "-c", script] + paths)
        }
        // Both print one line per input in argument order; the digest comes first.
        return output.split(separator: "\n").map { String($0.prefix(64)) }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs a command found via PATH and returns its standard output.
    static func run(_ arguments: [String]) throws -> String {
        let result = try Program.run("/usr/bin/env", arguments)
        guard result.status == 0 else {
            throw Failure(description: "\(arguments[0]) exited with status \(result.status)")
        }
        return result.text
    }
}

// MARK: - Tests

@Suite("SM3")
struct SM3Tests {
    @Test("GB/T 32905-2016 example 1: \"abc\"")
    func standardExampleABC() {
        #expect(sm3Hex("abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
    }

    @Test("GB/T 32905-2016 example 2: \"abcd\" × 16 (64 bytes)")
    func standardExample512Bits() {
        let message = String(repeating: "abcd", count: 16)
        #expect(sm3Hex(message) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")
    }

    @Test("Empty message")
    func emptyMessage() {
        #expect(sm3Hex("") == "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b")
        #expect(hex(SM3().finalize()) == "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b")
    }

    @Test("Constants and digest size")
    func constants() {
        #expect(SM3.byteCount == 32)
        #expect(SM3.blockByteCount == 64)
        #expect(SM3.hash(data: [UInt8]()).count == SM3.byteCount)
    }

    @Test("finalize() does not consume the hasher")
    func finalizeIsNonMutating() {
        var hasher = SM3()
        hasher.update(data: Array("ab".utf8))
        let prefix = hasher.finalize()
        #expect(hasher.finalize() == prefix)
        #expect(prefix == SM3.hash(data: Array("ab".utf8)))
        hasher.update(data: Array("c".utf8))
        #expect(hex(hasher.finalize()) == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
    }

    @Test("DataProtocol inputs: Data, slices with offset indices, multi-region DispatchData")
    func dataProtocolInputs() {
        var rng = SplitMix(seed: 7)
        let bytes = randomBytes(1000, using: &rng)
        let expected = SM3.hash(data: bytes)
        #expect(SM3.hash(data: Data(bytes)) == expected)

        let data = Data(bytes)
        #expect(SM3.hash(data: data[100..<777]) == SM3.hash(data: Array(bytes[100..<777])))
        #expect(SM3.hash(data: bytes[100..<777]) == SM3.hash(data: Array(bytes[100..<777])))

        var dispatchData = DispatchData.empty
        for range in [0..<1, 1..<70, 70..<128, 128..<129, 129..<1000] {
            bytes[range].withUnsafeBytes { dispatchData.append($0) }
        }
        #expect(SM3.hash(data: dispatchData) == expected)
    }

    @Test("Incremental updates equal one-shot hashing, for every length 0…300")
    func incrementalMatchesOneShot() {
        var rng = SplitMix(seed: 0x5eed)
        for length in 0...300 {
            let bytes = randomBytes(length, using: &rng)
            let oneShot = SM3.hash(data: bytes)
            for _ in 0..<4 {
                #expect(incrementalHash(bytes, using: &rng) == oneShot, "length \(length)")
            }
        }
    }

    @Test(
        "Random inputs match an independent implementation",
        .enabled(if: Reference.available != nil, Reference.skipMessage)
    )
    func matchesReference() throws {
        let reference = try #require(Reference.available)
        var rng = SplitMix(seed: 0x534d_33)
        var inputs = (0...300).map { randomBytes($0, using: &rng) }
        for length in [511, 4096, 65_535, 100_003, 1 << 20, (3 << 20) + 61] {
            inputs.append(randomBytes(length, using: &rng))
        }
        // Structured inputs too: all zeros / all ones across a padding boundary.
        inputs.append([UInt8](repeating: 0, count: 119))
        inputs.append([UInt8](repeating: 0xff, count: 56))

        let expected = try reference.digests(of: inputs)
        try #require(expected.count == inputs.count)
        for (input, digest) in zip(inputs, expected) {
            #expect(hex(SM3.hash(data: input)) == digest, "length \(input.count)")
            #expect(hex(incrementalHash(input, using: &rng)) == digest, "incremental, length \(input.count)")
        }
    }
}
