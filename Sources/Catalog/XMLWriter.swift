/// A small writer for indented XML 1.0 in UTF-8.
///
/// Text and attribute values are escaped (`&`, `<`, `>`, `"`, `'`); CR (and, in attributes, LF and TAB)
/// become character references so that a parser reads back exactly the same text. Characters XML 1.0 cannot
/// carry at all (C0 controls other than TAB, LF, CR; U+FFFE, U+FFFF) are replaced by U+FFFD.
struct XMLWriter {
    private(set) var output = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    private var depth = 0

    /// Opens an element; attributes with nil values are left out.
    mutating func open(_ name: String, _ attributes: [(String, String?)] = []) {
        output += indent + "<" + name + Self.attributeList(attributes) + ">\n"
        depth += 1
    }

    /// Closes the element opened last.
    mutating func close(_ name: String) {
        depth -= 1
        output += indent + "</" + name + ">\n"
    }

    /// Writes an element with text content, or an empty element when `text` is nil.
    mutating func element(_ name: String, _ attributes: [(String, String?)] = [], text: String? = nil) {
        let start = indent + "<" + name + Self.attributeList(attributes)
        if let text {
            output += start + ">" + Self.escape(text, inAttribute: false) + "</" + name + ">\n"
        } else {
            output += start + "/>\n"
        }
    }

    /// An element holding `children`, or an empty element when there are none.
    mutating func list<T>(_ name: String, _ items: [T], _ write: (inout XMLWriter, T) -> Void) {
        if items.isEmpty {
            element(name)
            return
        }
        open(name)
        for item in items { write(&self, item) }
        close(name)
    }

    private var indent: String { String(repeating: "  ", count: depth) }

    private static func attributeList(_ attributes: [(String, String?)]) -> String {
        attributes.compactMap { name, value in
            value.map { " \(name)=\"\(escape($0, inAttribute: true))\"" }
        }.joined()
    }

    static func escape(_ text: String, inAttribute: Bool) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#13;"
            case "\n": out += inAttribute ? "&#10;" : "\n"
            case "\t": out += inAttribute ? "&#9;" : "\t"
            default:
                let v = scalar.value
                if v < 0x20 || v == 0xFFFE || v == 0xFFFF {
                    out.unicodeScalars.append("\u{FFFD}")
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// A double in `xs:double` lexical form: integral values without a fraction, `INF`, `-INF`, `NaN`.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-INF" : "INF" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
