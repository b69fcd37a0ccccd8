package import Foundation

/// The tag-file text parsers behind ``BagVerifier``, reachable from the fuzz harness (`Tests/Fuzz/Harness`)
/// without `@testable`: `package` visibility, so nothing outside the Quire package sees it.
///
/// It exercises exactly what verification runs on untrusted tag-file bytes — the declared-encoding decoder,
/// the line splitter, the `bag-info.txt` element parser (strict and lenient), manifest path decoding and the
/// escape check, and the algorithm-name lookup — and throws nothing: the fuzzer looks only for crashes.
package enum TagTextFuzzing {
    /// Runs every tag-text parser over `data`; the first line, when it is short, is also tried as an
    /// encoding name and as an algorithm name. Returns a count so the work cannot be optimised away.
    package static func parseAll(_ data: Data) -> Int {
        var count = 0
        let firstLine = data.prefix(while: { $0 != 0x0A && $0 != 0x0D }).prefix(40)
        let name = String(decoding: firstLine, as: UTF8.self)
        let encoding = TagEncoding(declared: name) ?? .utf8
        let decoded = encoding.decode(data)
        count += decoded.text.utf8.count + (decoded.valid ? 1 : 0)
        for strict in [true, false] {
            var problems = ProblemCollector()
            let fields = BagInfoParser.parse(decoded.text, file: "bag-info.txt", strict: strict, problems: &problems)
            count += fields.count + problems.problems.count
        }
        for line in TextLines(decoded.text).lines {
            let path = ManifestPath.decode(line.text)
            count += ManifestPath.escapeReason(path) == nil ? 1 : 0
            let normalized = ManifestPath.normalized(path)
            count += ManifestPath.isPayload(normalized) ? 1 : 0
            // Writing a path in the RFC 8493 form and reading it back must give the same path.
            if ManifestPath.decode(ManifestPath.encode(path, .rfc8493)) != path {
                fatalError("ManifestPath round trip changed \(path.debugDescription)")
            }
        }
        count += BagAlgorithm(name: name).hexLength ?? 0
        return count
    }
}
