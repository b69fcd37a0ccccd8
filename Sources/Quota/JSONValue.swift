/// A JSON document built in code and written deterministically: object keys sorted, numbers with a
/// fixed number of decimals, two-space indentation, non-ASCII text as UTF-8.
indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    /// A number written with at most `decimals` decimals (trailing zeros dropped, at least one kept).
    case number(Double, decimals: Int)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// An optional value, or null.
    static func optional<T>(_ value: T?, _ make: (T) -> JSONValue) -> JSONValue {
        value.map(make) ?? .null
    }

    /// The document as text, ending with a line break.
    func serialized() -> String {
        var out = ""
        write(to: &out, indent: 0)
        out.append("\n")
        return out
    }

    /// A scalar's text as it appears in the document, strings without their quotes; nil for arrays and objects.
    var scalarText: String? {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .number(let value, let decimals): QuotaNumberFormat.decimal(value, decimals: decimals)
        case .string(let value): value
        case .array, .object: nil
        }
    }

    /// Every scalar with its path: keys joined by `.`, array elements as `[id]` when they are objects
    /// with an `id` string, `[index]` otherwise — e.g. `archives[C01].percent`, `units.city.without_room[0]`.
    func leaves(prefix: String = "") -> [(path: String, value: JSONValue)] {
        switch self {
        case .array(let elements):
            return elements.enumerated().flatMap { offset, element -> [(path: String, value: JSONValue)] in
                var key = String(offset)
                if case .object(let members) = element, case .string(let id)? = members["id"] { key = id }
                return element.leaves(prefix: "\(prefix)[\(key)]")
            }
        case .object(let members):
            return members.keys.sorted().flatMap { key in
                members[key]!.leaves(prefix: prefix.isEmpty ? key : "\(prefix).\(key)")
            }
        default:
            return [(prefix, self)]
        }
    }

    private func write(to out: inout String, indent: Int) {
        switch self {
        case .array(let elements):
            if elements.isEmpty { out.append("[]"); return }
            out.append("[\n")
            for (offset, element) in elements.enumerated() {
                out.append(String(repeating: " ", count: indent + 2))
                element.write(to: &out, indent: indent + 2)
                out.append(offset == elements.count - 1 ? "\n" : ",\n")
            }
            out.append(String(repeating: " ", count: indent) + "]")
        case .object(let members):
            if members.isEmpty { out.append("{}"); return }
            out.append("{\n")
            let keys = members.keys.sorted()
            for (offset, key) in keys.enumerated() {
                out.append(String(repeating: " ", count: indent + 2))
                out.append(Self.quoted(key))
                out.append(": ")
                members[key]!.write(to: &out, indent: indent + 2)
                out.append(offset == keys.count - 1 ? "\n" : ",\n")
            }
            out.append(String(repeating: " ", count: indent) + "}")
        case .string(let value):
            out.append(Self.quoted(value))
        default:
            out.append(scalarText ?? "null")
        }
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case "\u{2028}", "\u{2029}": out.append(hexEscape(scalar.value))
            default:
                if scalar.value < 0x20 { out.append(hexEscape(scalar.value)) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    private static func hexEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}
