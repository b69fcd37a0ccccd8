import Foundation

/// The `data-field` / `data-value` pairs of a serialized DOM.
enum DOMFields {
    static func parse(_ dom: String) -> [String: String] {
        var fields: [String: String] = [:]
        let pattern = #/data-field="([^"]*)" data-value="([^"]*)"/#
        for match in dom.matches(of: pattern) {
            fields[unescape(String(match.1))] = unescape(String(match.2))
        }
        return fields
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&nbsp;", with: "\u{A0}").replacingOccurrences(of: "&amp;", with: "&")
    }
}
