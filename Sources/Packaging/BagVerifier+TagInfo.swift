import Foundation

extension BagVerifier {
    /// Checks `bag-info.txt` (or `package-info.txt` before 0.96) and its `Payload-Oxum` against the payload;
    /// returns its elements (none when the file is absent).
    static func checkBagInfo(
        _ bag: ConfinedFolder, declaration: BagDeclaration, mode: BagVerificationMode,
        payloadFiles: Int, payloadBytes: UInt64, problems: inout ProblemCollector
    ) -> [BagInfoField] {
        let file = declaration.usesPackageInfo ? "package-info.txt" : "bag-info.txt"
        guard let text = readTagText(bag, name: file, declaration: declaration, problems: &problems) else {
            if mode == .fast && !problems.leftBag.contains(file) {
                problems.warning(.taginfoOxum, nil, "The bag has no \(file), so fast mode could not compare a Payload-Oxum.")
            }
            return []
        }
        let fields = BagInfoParser.parse(text, file: file, strict: declaration.isStrict, problems: &problems)
        checkReservedElements(fields, file: file, problems: &problems)
        let labels: Set<String> = declaration.usesPackageInfo ? ["payload-oxum", "payload-ossum"] : ["payload-oxum"]
        let oxums = fields.filter { labels.contains($0.label.lowercased()) }
        guard let oxum = oxums.first else {
            if mode == .fast {
                problems.warning(.taginfoOxum, file, "There is no Payload-Oxum, so fast mode checked the file list only.")
            }
            return fields
        }
        if oxums.count > 1 {
            problems.error(.taginfoOxum, file, "Payload-Oxum appears \(oxums.count) times; it must appear at most once.")
        }
        let parts = oxum.value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }),
            let octets = UInt64(parts[0]), let streams = Int(parts[1])
        else {
            problems.error(.taginfoOxum, file, "Payload-Oxum \"\(oxum.value)\" is not of the form OctetCount.StreamCount.")
            return fields
        }
        if octets != payloadBytes || streams != payloadFiles {
            problems.error(
                .taginfoOxum, file,
                "Payload-Oxum says \(octets) bytes in \(streams) files but data/ holds \(payloadBytes) bytes in \(payloadFiles) files."
            )
        }
        return fields
    }

    /// The SHOULDs of RFC 8493 §2.2.2 on reserved elements: not repeated, and in their stated forms.
    static func checkReservedElements(_ fields: [BagInfoField], file: String, problems: inout ProblemCollector) {
        for label in ["Bagging-Date", "Bag-Size", "Bag-Group-Identifier", "Bag-Count"] {
            let count = fields.filter { $0.label.lowercased() == label.lowercased() }.count
            if count > 1 {
                problems.warning(
                    .taginfoFormat, file, "\(label) appears \(count) times; RFC 8493 says it should appear at most once.")
            }
        }
        for field in fields where field.label.lowercased() == "bagging-date" {
            let parts = field.value.split(separator: "-", omittingEmptySubsequences: false)
            let digits = parts.map(\.count) == [4, 2, 2] && parts.allSatisfy { $0.allSatisfy(\.isASCIIDigit) }
            if !digits || !(1...12).contains(Int(parts[1]) ?? 0) || !(1...31).contains(Int(parts[2]) ?? 0) {
                problems.warning(.taginfoFormat, file, "Bagging-Date \"\(field.value)\" is not a date of the form YYYY-MM-DD.")
            }
        }
        for field in fields where field.label.lowercased() == "bag-count" {
            let words = field.value.split(separator: " ")
            let ok =
                words.count == 3 && words[1] == "of" && !words[0].isEmpty && words[0].allSatisfy(\.isASCIIDigit)
                && (words[2] == "?" || (words[2].allSatisfy(\.isASCIIDigit) && (Int(words[0]) ?? 0) <= (Int(words[2]) ?? 0)))
            if !ok {
                problems.warning(
                    .taginfoFormat, file, "Bag-Count \"\(field.value)\" is not of the form \"N of T\" (or \"N of ?\") with N ≤ T."
                )
            }
        }
    }
}
