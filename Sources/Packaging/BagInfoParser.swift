/// Reads `bag-info.txt` (or `package-info.txt` before 0.96) into ordered label/value pairs (RFC 8493 §2.2.2).
///
/// Continuation lines (starting with a space or tab) are joined to the value with one space, their leading
/// whitespace dropped. In 1.0 bags labels must not start or end with whitespace; before 1.0 whitespace around
/// the colon is accepted.
enum BagInfoParser {
    /// Parses `text`, reporting format problems against `file`.
    static func parse(_ text: String, file: String, strict: Bool, problems: inout ProblemCollector) -> [BagInfoField] {
        var fields = [BagInfoField]()
        for line in TextLines(text).lines {
            let content = line.text
            if content.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            if content.first == " " || content.first == "\t" {
                guard !fields.isEmpty else {
                    problems.error(
                        .taginfoFormat, file, "Line \(line.number) is indented as a continuation but no element precedes it.")
                    continue
                }
                let piece = content.drop { $0 == " " || $0 == "\t" }
                fields[fields.count - 1].value += (fields[fields.count - 1].value.isEmpty ? "" : " ") + piece
                continue
            }
            guard let colon = content.firstIndex(of: ":") else {
                problems.error(.taginfoFormat, file, "Line \(line.number) has no colon between a label and a value.")
                continue
            }
            let rawLabel = content[..<colon]
            let rawValue = content[content.index(after: colon)...]
            let label = rawLabel.trimmingWhitespace()
            if label.isEmpty {
                problems.error(.taginfoFormat, file, "Line \(line.number) has an empty label.")
                continue
            }
            if strict {
                if label.count != rawLabel.count {
                    problems.error(
                        .taginfoFormat, file,
                        "The label on line \(line.number) starts or ends with whitespace, which BagIt 1.0 forbids.")
                }
                if let first = rawValue.first, first != " " && first != "\t" {
                    problems.error(
                        .taginfoFormat, file,
                        "Line \(line.number) lacks the single space or tab BagIt 1.0 requires after the colon.")
                }
            }
            fields.append(BagInfoField(label, rawValue.trimmingWhitespace()))
        }
        return fields
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingWhitespace() -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isBlank($0) }), let end = lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(self[start...end])
    }
}

extension Character {
    /// Whether this is one of the ASCII digits 0–9.
    var isASCIIDigit: Bool { isASCII && ("0"..."9").contains(self) }
}
