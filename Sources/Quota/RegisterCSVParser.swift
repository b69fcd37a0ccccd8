/// A minimal RFC 4180 parser with the same rules as the Catalog module's (internal) parser: records end
/// at CRLF, LF or CR; a field starting with `"` runs to the next lone `"` and may hold commas and line
/// breaks, `""` standing for `"`; text after a closing quote, or a quote never closed, makes the row
/// malformed.
enum RegisterCSVParser {
    /// Splits decoded text into rows. A final line break does not start an empty row.
    static func parse(_ text: String, delimiter: Unicode.Scalar = ",") -> [RegisterCSVRow] {
        let scalars = Array(text.unicodeScalars)
        let n = scalars.count
        var rows: [RegisterCSVRow] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var rowLine = 1
        var problem: String?
        var i = 0
        var atFieldStart = true

        func endField() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
        }
        func endRow() {
            endField()
            rows.append(RegisterCSVRow(line: rowLine, fields: fields, problem: problem))
            fields = []
            problem = nil
        }
        func lineBreakLength(at index: Int) -> Int {
            if scalars[index] == "\r" { return index + 1 < n && scalars[index + 1] == "\n" ? 2 : 1 }
            return scalars[index] == "\n" ? 1 : 0
        }

        while i < n {
            let c = scalars[i]
            if atFieldStart && c == "\"" {
                let openedOn = line
                i += 1
                var closed = false
                while i < n {
                    if scalars[i] == "\"" {
                        if i + 1 < n && scalars[i + 1] == "\"" {
                            field.append("\"")
                            i += 2
                        } else {
                            i += 1
                            closed = true
                            break
                        }
                    } else if case let length = lineBreakLength(at: i), length > 0 {
                        field.append(contentsOf: scalars[i..<(i + length)])
                        i += length
                        line += 1
                    } else {
                        field.append(scalars[i])
                        i += 1
                    }
                }
                if !closed {
                    problem = problem ?? "the quoted field opened on line \(openedOn) is never closed"
                    break
                }
                if i < n, scalars[i] != delimiter, lineBreakLength(at: i) == 0 {
                    problem = problem ?? "unexpected text after the closing quote of field \(fields.count + 1)"
                    while i < n, scalars[i] != delimiter, lineBreakLength(at: i) == 0 {
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
            } else if case let length = lineBreakLength(at: i), length > 0 {
                i += length
                line += 1
                endRow()
                rowLine = line
                atFieldStart = true
            } else {
                field.append(c)
                i += 1
                atFieldStart = false
            }
        }
        if !(atFieldStart && fields.isEmpty && field.isEmpty) || problem != nil {
            endRow()
        }
        return rows
    }
}
