import Foundation

/// A JSON document as parsed for tests (independently of the module's writer).
indirect enum TestJSON: Decodable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([TestJSON]), object([String: TestJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([TestJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: TestJSON].self))
        }
    }

    static func parse(_ text: String) throws -> TestJSON {
        try JSONDecoder().decode(TestJSON.self, from: Data(text.utf8))
    }

    subscript(key: String) -> TestJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    subscript(index: Int) -> TestJSON? {
        if case .array(let elements) = self, elements.indices.contains(index) { return elements[index] }
        return nil
    }

    /// The element of an array of objects whose `id` is `id`.
    func element(id: String) -> TestJSON? {
        guard case .array(let elements) = self else { return nil }
        return elements.first { $0["id"] == .string(id) }
    }

    var number: Double? { if case .number(let value) = self { value } else { nil } }
    var string: String? { if case .string(let value) = self { value } else { nil } }

    /// Every scalar with its path: keys joined by `.`, array elements `[id]` for objects with a string
    /// `id`, `[index]` otherwise (the convention the HTML report's `data-field` attributes follow).
    func leaves(prefix: String = "") -> [(path: String, value: TestJSON)] {
        switch self {
        case .array(let elements):
            return elements.enumerated().flatMap { offset, element in
                element.leaves(prefix: "\(prefix)[\(element["id"]?.string ?? String(offset))]")
            }
        case .object(let members):
            return members.keys.sorted().flatMap { key in
                members[key]!.leaves(prefix: prefix.isEmpty ? key : "\(prefix).\(key)")
            }
        default:
            return [(prefix, self)]
        }
    }
}
