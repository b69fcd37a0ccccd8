/// Splits tag-file text into lines ended by LF, CR or CRLF (RFC 8493 §2.3), remembering line numbers.
struct TextLines {
    /// One line, without its ending.
    struct Line {
        /// 1-based line number.
        var number: Int
        /// The text.
        var text: String
        /// Whether the line had an ending (the last line may not).
        var terminated: Bool
    }

    /// The lines; a final empty segment after the last ending is not a line.
    let lines: [Line]

    /// Splits `text`.
    init(_ text: String) {
        var lines = [Line]()
        var current = String.UnicodeScalarView()
        var previousCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" && previousCR { previousCR = false; continue }
            previousCR = false
            if scalar == "\n" || scalar == "\r" {
                lines.append(Line(number: lines.count + 1, text: String(current), terminated: true))
                current = String.UnicodeScalarView()
                previousCR = scalar == "\r"
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { lines.append(Line(number: lines.count + 1, text: String(current), terminated: false)) }
        self.lines = lines
    }
}
