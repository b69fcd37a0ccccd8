import Foundation
/// Reads shares written either as fractions (`0.70`) or percentages (`"70%"`).
enum QuotaFraction {
    /// The share a configuration value gives, or a reason it is not one.
    static func parse(_ value: Any) -> Result<Double, QuotaRulesError> {
        let number: Double
        switch value {
        case let double as Double: number = double
        case let int as Int: number = Double(int)
        case let string as String:
            let trimmed = string.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.hasSuffix("%"),
                let percent = Double(String(trimmed.dropLast()).trimmingCharacters(in: .whitespacesAndNewlines))
            {
                number = percent / 100
            } else if let plain = Double(trimmed) {
                number = plain
            } else {
                return .failure(QuotaRulesError(reason: "'\(string)' is not a share (write 0.70 or \"70%\")"))
            }
        default:
            return .failure(QuotaRulesError(reason: "\(value) is not a share (write 0.70 or \"70%\")"))
        }
        guard number.isFinite, (0...1).contains(number) else {
            return .failure(QuotaRulesError(reason: "\(number) is not a share between 0 and 1 (write 0.70 or \"70%\")"))
        }
        return .success(number)
    }

    /// Decodes a share from a keyed container.
    static func decode<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, forKey key: Key) throws -> Double {
        let raw: Any
        if let double = try? container.decode(Double.self, forKey: key) {
            raw = double
        } else {
            raw = try container.decode(String.self, forKey: key)
        }
        switch parse(raw) {
        case .success(let value): return value
        case .failure(let error):
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: error.reason)
        }
    }
}
