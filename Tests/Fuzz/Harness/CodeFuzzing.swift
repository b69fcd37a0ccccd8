import ArchivalCode
import Foundation

/// Feeds fuzz input to the 档号 parser and the file-naming rules.
enum CodeFuzzing {
    /// `ArchivalCode.parse`; a code that parses must parse again from its canonical form to itself.
    static func code(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        guard let code = try? ArchivalCode.parse(text) else { return }
        guard let again = try? ArchivalCode.parse(code.canonical) else {
            fatalError("canonical form \(code.canonical.debugDescription) of \(text.debugDescription) does not parse")
        }
        precondition(
            again == code && again.canonical == code.canonical,
            "canonical form \(code.canonical.debugDescription) reparses as \(again.canonical.debugDescription)")
    }

    /// A 档号 that parses must name a single folder: no `/`, no NUL, not `.` or `..` (issue 12 item 3; not in
    /// the default set while that fix is pending).
    static func codePath(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        guard let code = try? ArchivalCode.parse(text) else { return }
        let scalars = code.canonical.unicodeScalars
        precondition(
            !scalars.contains("/") && !scalars.contains("\0") && code.canonical != "." && code.canonical != "..",
            "\(text.debugDescription) parses as the 档号 \(code.canonical.debugDescription), which is not one path component")
    }

    /// The input's first line is a `|`-separated list of naming forms (page digits from its length), the
    /// rest is a relative path mapped through that rule and through the default rule.
    static func naming(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        let (head, path) =
            text.firstIndex(of: "\n").map { (String(text[..<$0]), String(text[text.index(after: $0)...])) }
            ?? ("", text)
        if let rule = try? NamingRule(forms: head.split(separator: "|").map(String.init), pageDigits: 1 + head.count % 8) {
            sink(try? rule.map(path))
        }
        if let standard = try? NamingRule() {
            if let name = try? standard.map(path) {
                precondition(name.page >= 1, "page \(name.page) from \(path.debugDescription)")
            }
        }
    }
}
