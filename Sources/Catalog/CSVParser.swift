/// An RFC 4180 parser for catalog CSV files.
///
/// Fields are separated by the delimiter; records end at CRLF, LF or a lone CR. A field that starts with
/// `"` is quoted: it runs to the next lone `"`, may contain delimiters and line breaks (kept verbatim), and
/// `""` inside stands for one `"`. A `"` inside an unquoted field is taken literally (as Excel and most
/// readers do). Text between a closing quote and the next delimiter, and a quoted field that is never
/// closed, make the row malformed.
public struct CSVParser: Sendable {
    /// The field separator.
    public var delimiter: Unicode.Scalar = ","

    /// Makes a parser for `delimiter`-separated text.
    public init(delimiter: Unicode.Scalar = ",") {
        self.delimiter = delimiter
    }

    /// Splits decoded text into rows. A final line break does not start an empty row.
    public func parse(_ text: String) -> [CSVRow] {
        let scalars = Array(text.unicodeScalars)
        var rows: [CSVRow] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var rowLine = 1
        var problem: String?
        var i = 0
        let n = scalars.count

        func endField() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
        }
        func endRow() {
            endField()
            rows.append(CSVRow(line: rowLine, fields: fields, problem: problem))
            fields = []
            problem = nil
        }
        /// Consumes a line break at `i` if there is one; returns whether it did.
        func consumeLineBreak() -> Bool {
            if scalars[i] == "\r" {
                i += (i + 1 < n && scalars[i + 1] == "\n") ? 2 : 1
            } else if scalars[i] == "\n" {
                i += 1
            } else {
                return false
            }
            line += 1
            return true
        }

        var atFieldStart = true
        while i < n {
            let c = scalars[i]
            if atFieldStart && c == "\"" {
                // Quoted field.
                let openedOn = line
                i += 1
                var closed = false
                while i < n {
                    let q = scalars[i]
                    if q == "\"" {
                        if i + 1 < n && scalars[i + 1] == "\"" {
                            field.append("\"")
                            i += 2
                        } else {
                            i += 1
                            closed = true
                            break
                        }
                    } else if q == "\r" || q == "\n" {
                        let start = i
                        _ = consumeLineBreak()
                        field.append(contentsOf: scalars[start..<i])
                    } else {
                        field.append(q)
                        i += 1
                    }
                }
                if !closed {
                    problem = problem ?? "the quoted field opened on line \(openedOn) is never closed"
                    break
                }
                // After the closing quote: a delimiter, a line break or the end; anything else is malformed.
                if i < n, scalars[i] != delimiter, scalars[i] != "\r", scalars[i] != "\n" {
                    problem = problem ?? "unexpected text after the closing quote of field \(fields.count + 1)"
                    // Keep the stray text, up to the next delimiter or line break, as part of the field.
                    while i < n, scalars[i] != delimiter, scalars[i] != "\r", scalars[i] != "\n" {
                        field.append(scalars[i])
                        i += 1
                    }
                }
                atFieldStart = false
                continue
            }
            if c == delimiter {
                endField()
                i += 1
                atFieldStart = true
            } else if consumeLineBreak() {
                endRow()
                rowLine = line
                atFieldStart = true
            } else {
                field.append(c)
                i += 1
                atFieldStart = false
            }
        }
        // The last row, unless the text ended with a line break (or was empty).
        if !(atFieldStart && fields.isEmpty && field.isEmpty) || problem != nil {
            endRow()
        }
        return rows
    }
}
