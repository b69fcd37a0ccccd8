/// Writes `bag-info.txt` lines, folding long values at spaces so no line exceeds 79 characters where a
/// space allows it (RFC 8493 §2.2.2 recommends that length). The continuation line starts with the one
/// space it replaces, so unfolding by either RFC 2822 rules or ``BagInfoParser`` gives the value back.
enum BagInfoFormatter {
    /// The recommended maximum line length.
    static let lineLimit = 79

    /// The element as one or more lines, each ending in LF.
    static func format(_ field: BagInfoField) -> String {
        var lines = [String]()
        var line = field.label + ": "
        var words = field.value.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        // A value with runs of spaces or leading/trailing spaces would not survive folding: keep it whole.
        if words.contains(where: \.isEmpty) { words = [field.value] }
        var first = true
        for word in words {
            if first {
                line += word
                first = false
            } else if line.count + 1 + word.count <= lineLimit {
                line += " " + word
            } else {
                lines.append(line)
                line = " " + word
            }
        }
        lines.append(line)
        return lines.map { $0 + "\n" }.joined()
    }
}
