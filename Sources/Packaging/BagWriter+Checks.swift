import QuireCore
import Fixity
import Foundation

extension BagWriter {
    /// Rejects names that are empty, hidden, contain `/` or NUL, or are `.`/`..`.
    static func checkName(_ name: String) throws(BagWriteError) {
        if name.isEmpty || name.hasPrefix(".") || name.contains("/") || name.contains("\0") || name.utf8.count > 200 {
            throw .invalidName(name)
        }
    }

    /// Checks payload entries and returns them sorted by path, digests lowercased.
    static func checkPayload(_ payload: [PayloadFile], algorithms: [DigestAlgorithm]) throws(BagWriteError) -> [PayloadFile] {
        var seen = Set<String>()
        var entries = [PayloadFile]()
        entries.reserveCapacity(payload.count)
        for var file in payload {
            let path = file.bagPath
            if let reason = ManifestPath.escapeReason(path) { throw .invalidPayload(bagPath: path, reason: "the path \(reason)") }
            if ManifestPath.normalized(path) != path || path.hasPrefix("./") || path.split(separator: "/").contains(".") {
                throw .invalidPayload(bagPath: path, reason: "the path has empty or \".\" components")
            }
            if !ManifestPath.isPayload(path) { throw .invalidPayload(bagPath: path, reason: "the path is not under data/") }
            if path.contains("\0") { throw .invalidPayload(bagPath: path, reason: "the path contains NUL") }
            // Swift compares strings by canonical equivalence: this also catches names differing only in
            // Unicode normalization, which RFC 8493 §7.2.3 says to prevent.
            if !seen.insert(path).inserted { throw .invalidPayload(bagPath: path, reason: "the path appears twice") }
            if !file.source.hasPrefix("/") {
                throw .invalidPayload(bagPath: path, reason: "the source \(file.source) is not absolute")
            }
            for algorithm in algorithms {
                guard let digest = file.digests[algorithm], digest.count == algorithm.hexLength, digest.allSatisfy(\.isHexDigit)
                else {
                    throw .missingDigest(bagPath: path, algorithm: algorithm)
                }
                file.digests[algorithm] = digest.lowercased()
            }
            entries.append(file)
        }
        entries.sort { Array($0.bagPath.utf8).lexicographicallyPrecedes(Array($1.bagPath.utf8)) }
        return entries
    }

    /// Checks bag-info labels and values (RFC 8493 §2.2.2).
    static func checkBagInfo(_ fields: [BagInfoField]) throws(BagWriteError) {
        for field in fields {
            let label = field.label
            if label.isEmpty { throw .invalidBagInfo(label: label, reason: "the label is empty") }
            if label.contains(":") { throw .invalidBagInfo(label: label, reason: "the label contains a colon") }
            if label.contains(where: \.isNewline) || field.value.contains(where: \.isNewline) {
                throw .invalidBagInfo(label: label, reason: "line breaks are not allowed")
            }
            if label.trimmingWhitespace() != label {
                throw .invalidBagInfo(label: label, reason: "the label starts or ends with whitespace")
            }
            if computedLabels.contains(label.lowercased()) {
                throw .invalidBagInfo(label: label, reason: "the writer computes this element")
            }
        }
    }

    /// Checks extra tag files: relative, safe, outside `data/`, not a reserved name, unique.
    static func checkTagFiles(_ files: [TagFile]) throws(BagWriteError) {
        var seen = Set<String>()
        for file in files {
            let path = ManifestPath.normalized(file.path)
            if path.isEmpty { throw .invalidTagFile(path: file.path, reason: "the path is empty") }
            if let reason = ManifestPath.escapeReason(path) {
                throw .invalidTagFile(path: file.path, reason: "the path \(reason)")
            }
            if path == "data" || path.hasPrefix("data/") {
                throw .invalidTagFile(path: file.path, reason: "tag files cannot be under data/")
            }
            let reserved =
                ["bagit.txt", "bag-info.txt", "fetch.txt", "package-info.txt"].contains(path)
                || (!path.contains("/") && (path.hasPrefix("manifest-") || path.hasPrefix("tagmanifest-")))
            if reserved { throw .invalidTagFile(path: file.path, reason: "BagIt reserves that name") }
            if path.contains("\0") || path.contains(where: \.isNewline) {
                throw .invalidTagFile(path: file.path, reason: "the path contains a control character")
            }
            if !seen.insert(path).inserted { throw .invalidTagFile(path: file.path, reason: "the path appears twice") }
        }
    }
}
