import Foundation

/// Maps a delivered file's path to its 档号 and page number (DA/T 31-2017 §9.5).
///
/// A rule is a list of forms tried in order. A form is a template over the path relative to the delivery,
/// without the file extension: `{code}` stands for a 档号, `{page}` for the zero-padded page number.
/// The defaults are a folder per 档号 (`{code}/{page}`, e.g. `0026-003-0045/0007.tif`) and the flat form
/// (`{code}-{page}`, e.g. `0026-003-0045-0007.tif`).
///
/// ```swift
/// let rule = try NamingRule(forms: ["{code}/{page}", "{code}-{page}"], pageDigits: 4)
/// let name = try rule.map("Z109-WS·2011-Y-BGS-0001/0002.jpg")
/// name.code.canonical  // "Z109-WS·2011-Y-BGS-0001"; name.page == 2
/// ```
public struct NamingRule: Sendable {
    /// The templates, in the order they are tried.
    public let forms: [String]
    /// Digits in a page number (zero-padded).
    public let pageDigits: Int
    /// How codes are validated.
    public let codeRules: CodeRules
    private let compiled: [CompiledForm]

    /// Builds a rule; throws when a template is malformed.
    public init(
        forms: [String] = ["{code}/{page}", "{code}-{page}"], pageDigits: Int = 4,
        codeRules: CodeRules = CodeRules()
    ) throws(NamingRuleError) {
        guard !forms.isEmpty else { throw NamingRuleError(form: "", reason: "the naming rule lists no forms") }
        guard (1...8).contains(pageDigits) else {
            throw NamingRuleError(form: "", reason: "page_digits must be 1–8, found \(pageDigits)")
        }
        self.forms = forms
        self.pageDigits = pageDigits
        self.codeRules = codeRules
        var compiled: [CompiledForm] = []
        for form in forms { compiled.append(try CompiledForm(form)) }
        self.compiled = compiled
    }

    /// The 档号 and page a relative path names, or why it names none.
    public func map(_ relativePath: String) throws(NameMappingError) -> PageName {
        // Matched in NFC, scalar by scalar: a character that combines with a following `/` cannot hide it.
        let stem = Self.removingExtension(relativePath).precomposedStringWithCanonicalMapping
        var codeProblem: ArchivalCodeError?
        for (index, form) in compiled.enumerated() {
            guard let (codeText, pageText) = form.match(stem, pageDigits: pageDigits) else { continue }
            guard let page = Int(pageText), page >= 1 else {
                throw NameMappingError(path: relativePath, reason: "page number '\(pageText)' must be 1 or more")
            }
            do {
                let code = try ArchivalCode.parse(codeText, rules: codeRules)
                return PageName(code: code, page: page, form: forms[index])
            } catch {
                codeProblem = codeProblem ?? error
            }
        }
        if let codeProblem {
            throw NameMappingError(path: relativePath, reason: codeProblem.description)
        }
        throw NameMappingError(
            path: relativePath,
            reason: "matches none of the naming forms \(forms.joined(separator: ", ")) with a \(pageDigits)-digit page number")
    }

    /// Drops a trailing `.ext` (1–5 letters or digits) from the last path component.
    static func removingExtension(_ path: String) -> String {
        guard let dot = path.lastIndex(of: ".") else { return path }
        let ext = path[path.index(after: dot)...]
        let componentStart = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        guard dot > componentStart, (1...5).contains(ext.count),
            ext.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else { return path }
        return String(path[..<dot])
    }
}

/// A file's place in the holdings: which record, which page.
public struct PageName: Sendable, Hashable {
    /// The record's 档号.
    public var code: ArchivalCode
    /// The page number, from 1.
    public var page: Int
    /// The naming form that matched.
    public var form: String

    /// Makes a page name.
    public init(code: ArchivalCode, page: Int, form: String) {
        self.code = code
        self.page = page
        self.form = form
    }
}

/// A naming template that cannot be used.
public struct NamingRuleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template.
    public var form: String
    /// What is wrong with it.
    public var reason: String
    /// The reason, after the template when there is one.
    public var description: String { form.isEmpty ? reason : "naming form '\(form)': \(reason)" }
}

/// A path the naming rule cannot map.
public struct NameMappingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path relative to the delivery.
    public var path: String
    /// Why it does not map.
    public var reason: String
    /// `<path>: <reason>`.
    public var description: String { "\(path): \(reason)" }
}

/// A template split into literal text and placeholders.
private struct CompiledForm: Sendable {
    enum Piece: Sendable { case literal(String), code, page }
    let pieces: [Piece]

    init(_ form: String) throws(NamingRuleError) {
        var pieces: [Piece] = []
        var rest = Substring(form)
        var literal = ""
        while !rest.isEmpty {
            if rest.hasPrefix("{code}") {
                if !literal.isEmpty { pieces.append(.literal(literal)); literal = "" }
                pieces.append(.code)
                rest = rest.dropFirst(6)
            } else if rest.hasPrefix("{page}") {
                if !literal.isEmpty { pieces.append(.literal(literal)); literal = "" }
                pieces.append(.page)
                rest = rest.dropFirst(6)
            } else if rest.first == "{" || rest.first == "}" {
                throw NamingRuleError(form: form, reason: "only {code} and {page} may stand in braces")
            } else {
                literal.append(rest.removeFirst())
            }
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        pieces = pieces.map {
            if case .literal(let text) = $0 { .literal(text.precomposedStringWithCanonicalMapping) } else { $0 }
        }
        guard pieces.contains(where: { if case .code = $0 { true } else { false } }) else {
            throw NamingRuleError(form: form, reason: "the form has no {code}")
        }
        guard pieces.filter({ if case .page = $0 { true } else { false } }).count == 1 else {
            throw NamingRuleError(form: form, reason: "the form needs exactly one {page}")
        }
        for (a, b) in zip(pieces, pieces.dropFirst()) {
            if case .literal = a { continue }
            if case .literal = b { continue }
            throw NamingRuleError(form: form, reason: "placeholders must be separated by literal text")
        }
        self.pieces = pieces
    }

    /// Matches the whole stem, scalar by scalar; returns the code and page text. Every `{code}` must capture the
    /// same text.
    func match(_ stem: String, pageDigits: Int) -> (String, String)? {
        let chars = Array(stem.unicodeScalars)
        func string(_ slice: ArraySlice<Unicode.Scalar>) -> String { String(String.UnicodeScalarView(slice)) }
        var code: String?
        var page: String?
        // Right-to-left: the page sits at a fixed width next to a literal, and codes never contain '/'.
        var end = chars.count
        for (i, piece) in pieces.enumerated().reversed() {
            switch piece {
            case .literal(let text):
                let t = Array(text.unicodeScalars)
                guard end >= t.count, Array(chars[(end - t.count)..<end]) == t else { return nil }
                end -= t.count
            case .page:
                guard end >= pageDigits else { return nil }
                let digits = chars[(end - pageDigits)..<end]
                guard digits.allSatisfy({ (0x30...0x39).contains($0.value) }) else { return nil }
                page = string(digits)
                end -= pageDigits
            case .code:
                // A code never contains '/': it starts at the segment's start, or just after the nearest
                // occurrence of the literal before it when that literal lies inside the same segment.
                var start = end
                while start > 0 && chars[start - 1] != "/" { start -= 1 }
                if i > 0, case .literal(let text) = pieces[i - 1], !text.hasSuffix("/") {
                    let t = Array((text.split(separator: "/", omittingEmptySubsequences: false).last ?? "").unicodeScalars)
                    var s = end - 1
                    while s - t.count >= start, Array(chars[(s - t.count)..<s]) != t { s -= 1 }
                    guard s - t.count >= start else { return nil }
                    start = s
                }
                guard start < end else { return nil }
                let captured = string(chars[start..<end])
                if let code, code != captured { return nil }
                code = captured
                end = start
            }
        }
        guard end == 0, let code, let page else { return nil }
        return (code, page)
    }
}
