import Foundation

// MARK: - CSV

extension QuotaReport {
    /// The CSV columns, in order.
    public static let csvColumns = [
        "id", "name", "level", "parent", "baseline", "baseline_volumes", "baseline_items", "baseline_pages",
        "digitized", "digitized_volumes", "digitized_items", "digitized_pages", "digitized_gb",
        "percent", "target_percent", "target", "deadline", "gap", "status", "recent_rate", "projected_date",
    ]

    /// The report as CSV (RFC 4180, CRLF line ends, UTF-8 without byte-order mark; prepend "\u{FEFF}" for
    /// Excel): a header, one row per register row, and a last row with id `TOTAL` for the total. Figures
    /// are as in the JSON; empty cells where the JSON has null.
    public func csvString() -> String {
        let json = jsonValue()
        guard case .object(let root) = json, case .array(let rows)? = root["archives"], let total = root["total"] else {
            return ""
        }
        var lines = [Self.csvColumns.joined(separator: ",")]
        for case .object(let fields) in rows {
            lines.append(Self.csvColumns.map { Self.csvCell(fields[$0]) }.joined(separator: ","))
        }
        if case .object(var fields) = total {
            fields["id"] = .string("TOTAL")
            fields["name"] = .string("合计 Total")
            lines.append(Self.csvColumns.map { Self.csvCell(fields[$0]) }.joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private static func csvCell(_ value: JSONValue?) -> String {
        guard let value, value != .null, let text = value.scalarText else { return "" }
        let needsQuotes =
            text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || text.hasPrefix(" ") || text.hasSuffix(" ")
        return needsQuotes ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
