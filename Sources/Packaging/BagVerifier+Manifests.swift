import Foundation

extension BagVerifier {
    /// Reads one payload or tag manifest, reporting format, path and duplicate problems; returns the usable entries.
    static func readManifest(
        _ bag: ConfinedFolder, name: String, isTag: Bool, declaration: BagDeclaration,
        scan: PayloadScanner.Result, problems: inout ProblemCollector
    ) -> ParsedManifest {
        let prefixLength = isTag ? 12 : 9
        let algorithmName = String(name.dropFirst(prefixLength).dropLast(4)).lowercased()
        var manifest = ParsedManifest(name: name, algorithm: BagAlgorithm(name: algorithmName), isTag: isTag)
        guard let text = readTagText(bag, name: name, declaration: declaration, problems: &problems) else {
            if !problems.leftBag.contains(name) { problems.error(.fileUnreadable, name, "This manifest could not be read.") }
            return manifest
        }
        let hexLength = manifest.algorithm.hexLength
        for line in TextLines(text).lines {
            let content = line.text
            if content.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            // <checksum> 1*(SP / TAB) <path>
            guard let gap = content.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
                problems.error(.manifestFormat, name, "Line \(line.number) is not \"<digest> <path>\".")
                continue
            }
            let digest = content[..<gap]
            let rawPath = String(content[gap...].drop { $0 == " " || $0 == "\t" })
            guard !rawPath.isEmpty, !digest.isEmpty else {
                problems.error(.manifestFormat, name, "Line \(line.number) is not \"<digest> <path>\".")
                continue
            }
            guard digest.allSatisfy({ $0.isASCII && $0.isHexDigit }) else {
                problems.error(.manifestFormat, name, "Line \(line.number) has a digest that is not hexadecimal.")
                continue
            }
            if let hexLength, digest.count != hexLength {
                problems.error(
                    .manifestFormat, name,
                    "Line \(line.number) has a \(digest.count)-digit digest where \(manifest.algorithm.name) needs \(hexLength).")
                continue
            }
            var candidate = rawPath
            if candidate.hasPrefix("*") {
                // md5sum's binary-mode marker (RFC 8493 §7.4).
                candidate.removeFirst()
                problems.warning(
                    .manifestLegacy, name,
                    "Line \(line.number) starts its path with md5sum's \"*\" marker; strict validators will reject it.")
            }
            let decoded = ManifestPath.decode(candidate)
            if let reason = ManifestPath.escapeReason(decoded) ?? ManifestPath.escapeReason(candidate) {
                problems.error(
                    .manifestPathEscape, name,
                    "Line \(line.number) names a path that \(reason), which could reach outside the bag.")
                continue
            }
            var path = ManifestPath.normalized(decoded)
            if isTag {
                if ManifestPath.isPayload(path) || path == "data" {
                    problems.error(
                        .tagmanifestListsPayload, name,
                        "Line \(line.number) lists the payload file \(path); tag manifests must not.")
                    continue
                }
                if path.hasPrefix("tagmanifest-") && path.hasSuffix(".txt") && !path.contains("/") {
                    problems.add(
                        .tagmanifestListsTagmanifest, declaration.isStrict ? .error : .warning, name,
                        "Line \(line.number) lists the tag manifest \(path); tag manifests must not list tag manifests.")
                    continue
                }
                if decoded != candidate, (try? bag.status(of: path)) == nil,
                    (try? bag.status(of: ManifestPath.normalized(candidate))) != nil
                {
                    path = ManifestPath.normalized(candidate)
                    problems.warning(
                        .manifestLegacy, name, "Line \(line.number) names \(path) with a \"%\" that was not written as %25.")
                }
            } else {
                guard ManifestPath.isPayload(path) else {
                    problems.error(.manifestPathOutsideData, name, "Line \(line.number) lists \(path), which is not under data/.")
                    continue
                }
                if decoded != candidate, scan.files[path] == nil {
                    let literal = ManifestPath.normalized(candidate)
                    if scan.files[literal] != nil {
                        path = literal
                        problems.warning(
                            .manifestLegacy, name, "Line \(line.number) names \(path) with a \"%\" that was not written as %25.")
                    }
                }
                if scan.files[path] == nil, path.last == " " || path.last == "\t" {
                    // Trailing blanks belong to the path by the letter of RFC 8493, but editors and some tools
                    // leave them by accident; bagit-python strips them.
                    let trimmed = String(path.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
                    if scan.files[trimmed] != nil {
                        path = trimmed
                        problems.warning(
                            .manifestLegacy, name,
                            "Line \(line.number) ends with blanks after \(path); they were taken as not part of the name.")
                    }
                }
            }
            let value = digest.lowercased()
            if let earlier = manifest.entries[path] {
                // The same digest twice is redundant, not contradictory: a warning, as the Library of Congress's
                // conformance suite expects. Two different digests for one file cannot both hold: an error.
                if earlier == value {
                    problems.warning(
                        .manifestPathDuplicate, name, "Line \(line.number) lists \(path) again, with the same digest.")
                } else {
                    problems.error(
                        .manifestPathDuplicate, name, "Line \(line.number) lists \(path) again with a different digest.")
                }
                continue
            }
            manifest.entries[path] = value
        }
        return manifest
    }

    /// Checks `fetch.txt` when present and returns the payload paths it lists that are not on disk yet.
    static func readFetch(
        _ bag: ConfinedFolder, declaration: BagDeclaration, manifests: [ParsedManifest],
        scan: PayloadScanner.Result, problems: inout ProblemCollector
    ) -> Set<String> {
        let file = "fetch.txt"
        guard let text = readTagText(bag, name: file, declaration: declaration, problems: &problems) else { return [] }
        var unfetched = Set<String>()
        var listed = Set<String>()
        for line in TextLines(text).lines {
            let content = line.text
            if content.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let isGap: (Character) -> Bool = { $0 == " " || $0 == "\t" }
            guard let firstGap = content.firstIndex(where: isGap) else {
                problems.error(.fetchFormat, file, "Line \(line.number) is not \"<url> <length> <path>\".")
                continue
            }
            let url = String(content[..<firstGap])
            let afterURL = content[firstGap...].drop(while: isGap)
            guard let secondGap = afterURL.firstIndex(where: isGap) else {
                problems.error(.fetchFormat, file, "Line \(line.number) is not \"<url> <length> <path>\".")
                continue
            }
            let length = afterURL[..<secondGap]
            let rawPath = String(afterURL[secondGap...].drop(while: isGap))
            if rawPath.isEmpty {
                problems.error(.fetchFormat, file, "Line \(line.number) has no path.")
                continue
            }
            if !isAbsoluteURL(url) {
                problems.error(.fetchFormat, file, "Line \(line.number) has \"\(url)\", which is not an absolute URL.")
            }
            if !(length == "-" || length.allSatisfy(\.isASCIIDigit)) {
                problems.error(
                    .fetchFormat, file, "Line \(line.number) has length \"\(length)\", which is neither digits nor \"-\".")
            }
            let decoded = ManifestPath.decode(rawPath)
            if let reason = ManifestPath.escapeReason(decoded) ?? ManifestPath.escapeReason(rawPath) {
                problems.error(
                    .manifestPathEscape, file,
                    "Line \(line.number) names a path that \(reason), which could reach outside the bag.")
                continue
            }
            let path = ManifestPath.normalized(decoded)
            guard ManifestPath.isPayload(path) else {
                problems.error(.fetchFormat, file, "Line \(line.number) lists \(path), which is not a payload file under data/.")
                continue
            }
            guard listed.insert(path).inserted else {
                problems.error(.fetchFormat, file, "Line \(line.number) lists \(path) again.")
                continue
            }
            let lacking = manifests.filter { $0.entries[path] == nil }.map(\.name)
            if !lacking.isEmpty {
                problems.error(
                    .fetchFormat, file,
                    "Line \(line.number) lists \(path), which \(lacking.joined(separator: ", ")) \(lacking.count == 1 ? "does" : "do") not list."
                )
            }
            if scan.files[path] == nil {
                unfetched.insert(path)
                problems.error(.fetchPresent, path, "fetch.txt lists this file at \(url) but it has not been fetched yet.")
            }
        }
        return unfetched
    }

    /// Whether `url` is an absolute URI with a scheme (and a host, unless it is a `file:` URL).
    private static func isAbsoluteURL(_ url: String) -> Bool {
        guard let colon = url.firstIndex(of: ":") else { return false }
        let scheme = url[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") })
        else { return false }
        let rest = url[url.index(after: colon)...]
        if scheme.lowercased() == "file" { return !rest.isEmpty }
        return rest.hasPrefix("//") && rest.count > 2
    }
}
