/// How report figures are written: deterministic, locale-free.
enum QuotaNumberFormat {
    /// Decimals for percentages and rates.
    static let percentDecimals = 2
    /// Decimals for gigabytes.
    static let gigabyteDecimals = 3

    /// `value` rounded to `decimals` places, trailing zeros dropped but one decimal kept: 64 → "64.0",
    /// 12.345 → "12.35" (2 decimals), 0.0005 → "0.001" (3 decimals).
    static func decimal(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "null" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return String(value) }
        let units = Int(scaled)
        var integer = String(units / Int(scale))
        var fraction = String(units % Int(scale))
        fraction = String(repeating: "0", count: max(0, decimals - fraction.count)) + fraction
        while fraction.count > 1, fraction.hasSuffix("0") { fraction.removeLast() }
        if value < 0 && units != 0 { integer = "-" + integer }
        return decimals == 0 ? integer : "\(integer).\(fraction)"
    }

    /// `value` with exactly `decimals` decimals, for people: 100 → "100.00" (2 decimals).
    static func fixed(_ value: Double, decimals: Int) -> String {
        let text = decimal(value, decimals: decimals)
        guard decimals > 0, value.isFinite else { return text }
        let fraction = text.split(separator: ".", omittingEmptySubsequences: false).dropFirst().first.map(String.init) ?? ""
        return text + String(repeating: "0", count: max(0, decimals - fraction.count))
    }

    /// A whole number with thousands separators: 12345 → "12,345".
    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    /// A percentage for people: "64.00%" (always two decimals), "—" when nil.
    static func percent(_ value: Double?) -> String {
        guard let value else { return "—" }
        return fixed(value, decimals: percentDecimals) + "%"
    }
}
