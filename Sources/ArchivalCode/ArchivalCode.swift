import Foundation

/// An archival reference code (档号), parsed into its levels.
///
/// Two styles are in use in Chinese archives:
/// - **volume** (DA/T 13-1994): 全宗号-目录号-案卷号[-件号], e.g. `0026-003-0045`;
/// - **item** (DA/T 22-2015, 文书): 全宗号-门类代码·年度-保管期限[-机构代码]-件号, e.g.
///   `Z109-WS·2011-Y-BGS-0001`. Codes of one level are joined by `·` (U+00B7); real data also uses an
///   ASCII `.` there, which is accepted and normalised to `·`.
///
/// Codes compare by their components (numbers as numbers), so `0026-003-0100` sorts after `0026-003-0045`
/// and `Z109-WS·2011-Y-BGS-0010` after `…-0009` whatever the padding.
///
/// ```swift
/// let code = try ArchivalCode.parse("Z109-WS.2011-Y-BGS-0001")
/// code.canonical          // "Z109-WS·2011-Y-BGS-0001"
/// code.style              // .item
/// code.components.year    // 2011
/// ```
public struct ArchivalCode: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// The two code styles.
    public enum Style: String, Sendable, Codable, CaseIterable {
        /// 全宗号-目录号-案卷号[-件号].
        case volume
        /// 全宗号-门类代码·年度-保管期限[-机构代码]-件号.
        case item
    }

    /// The levels of a code. Fields not used by a style are nil.
    public struct Components: Sendable, Hashable, Codable {
        /// 全宗号 (fonds number).
        public var fonds: String
        /// 目录号 (catalogue number), volume style.
        public var catalogue: String?
        /// 案卷号 (file/volume number), volume style.
        public var volume: String?
        /// 门类代码 (record class code, e.g. WS 文书), item style.
        public var recordClass: String?
        /// 年度 (year), item style.
        public var year: Int?
        /// 保管期限 (retention: Y permanent, D30, D10), item style.
        public var retention: String?
        /// 机构代码 (organisational unit code), item style, optional.
        public var unit: String?
        /// 件号 (item number); optional in volume style.
        public var item: String?
    }

    /// The style the code was written in.
    public let style: Style
    /// The parsed levels.
    public let components: Components
    /// The code in canonical spelling (`·` between codes of one level).
    public let canonical: String

    /// The canonical spelling.
    public var description: String { canonical }

    /// The longest canonical code accepted, in UTF-8 bytes: a code becomes a file and folder name (with a page
    /// suffix and an extension), and Linux allows 255 bytes in one.
    public static let maxUTF8Length = 200

    /// Parses a code, trying the item style first (it is unambiguous by its `·`), then the volume style.
    ///
    /// Every check works on Unicode scalars, not on grapheme clusters: a character that combines with the one
    /// after it (U+0D4E before `/`, a combining mark) cannot hide a separator inside one "letter". The code is
    /// compared, stored and turned into paths in NFC, so its NFC and NFD spellings are one code; ``canonical`` is
    /// always a single safe path component (no `/`, `\`, control or format character, not `.` or `..`).
    public static func parse(_ text: String, rules: CodeRules = CodeRules()) throws(ArchivalCodeError) -> ArchivalCode {
        if text.isEmpty { throw ArchivalCodeError(code: text, reason: "the code is empty") }
        for (offset, scalar) in text.unicodeScalars.enumerated() where scalar.isForbiddenInCode {
            throw ArchivalCodeError(
                code: text,
                reason: "character \(offset + 1) is \(scalar.shown), which cannot be part of a 档号 (a code must be one file name)")
        }
        let nfc = text.precomposedStringWithCanonicalMapping
        if nfc != nfc.trimmingSpaces() {
            throw ArchivalCodeError(code: text, reason: "the code has leading or trailing spaces")
        }
        let code =
            nfc.unicodeScalars.contains("·") || nfc.unicodeScalars.contains(".")
            ? try parseItem(nfc, original: text, rules: rules) : try parseVolume(nfc, original: text, rules: rules)
        guard code.canonical.utf8.count <= maxUTF8Length else {
            throw ArchivalCodeError(
                code: text,
                reason:
                    "the code is \(code.canonical.utf8.count) bytes long in UTF-8; at most \(maxUTF8Length) fit in a file name")
        }
        return code
    }

    // MARK: - Styles

    private static func parseVolume(_ nfc: String, original text: String, rules: CodeRules) throws(ArchivalCodeError)
        -> ArchivalCode
    {
        let parts = nfc.unicodeScalars.split(separator: "-", omittingEmptySubsequences: false).map { String($0) }
        guard parts.count == 3 || parts.count == 4 else {
            throw ArchivalCodeError(
                code: text, reason: "a volume code has 3 or 4 levels joined by '-' (全宗号-目录号-案卷号[-件号]), found \(parts.count)")
        }
        try checkFonds(parts[0], in: text, rules: rules)
        try checkToken(parts[1], name: "目录号 (catalogue number)", in: text, allowLetters: true)
        try checkDigits(parts[2], name: "案卷号 (volume number)", in: text)
        var components = Components(fonds: parts[0], catalogue: parts[1], volume: parts[2])
        if parts.count == 4 {
            try checkDigits(parts[3], name: "件号 (item number)", in: text)
            components.item = parts[3]
        }
        return ArchivalCode(style: .volume, components: components, canonical: nfc)
    }

    private static func parseItem(_ nfc: String, original text: String, rules: CodeRules) throws(ArchivalCodeError)
        -> ArchivalCode
    {
        let normalised = nfc.replacingDots()
        let parts = normalised.unicodeScalars.split(separator: "-", omittingEmptySubsequences: false).map { String($0) }
        guard parts.count == 4 || parts.count == 5 else {
            throw ArchivalCodeError(
                code: text,
                reason: "an item code has 4 or 5 levels joined by '-' (全宗号-门类代码·年度-保管期限[-机构代码]-件号), found \(parts.count)")
        }
        try checkFonds(parts[0], in: text, rules: rules)
        let classYear = parts[1].unicodeScalars.split(separator: "·", omittingEmptySubsequences: false).map { String($0) }
        guard classYear.count == 2 else {
            throw ArchivalCodeError(code: text, reason: "the second level must be 门类代码·年度 (e.g. WS·2011), found '\(parts[1])'")
        }
        let recordClass = classYear[0]
        guard !recordClass.isEmpty, recordClass.unicodeScalars.count <= 4,
            recordClass.unicodeScalars.allSatisfy({ $0.isASCIILetter })
        else {
            throw ArchivalCodeError(code: text, reason: "门类代码 (record class) must be 1–4 Latin letters, found '\(recordClass)'")
        }
        guard classYear[1].unicodeScalars.count == 4, classYear[1].unicodeScalars.allSatisfy(\.isASCIIDigit),
            let year = Int(classYear[1]),
            rules.years.contains(year)
        else {
            throw ArchivalCodeError(
                code: text,
                reason:
                    "年度 (year) must be four digits in \(rules.years.lowerBound)–\(rules.years.upperBound), found '\(classYear[1])'"
            )
        }
        let retention = parts[2]
        guard rules.retentionCodes.contains(retention) else {
            throw ArchivalCodeError(
                code: text,
                reason:
                    "保管期限 (retention) must be one of \(rules.retentionCodes.sorted().joined(separator: ", ")), found '\(retention)'"
            )
        }
        var unit: String?
        if parts.count == 5 {
            try checkToken(parts[3], name: "机构代码 (unit code)", in: text, allowLetters: true)
            unit = parts[3]
        }
        let item = parts[parts.count - 1]
        try checkDigits(item, name: "件号 (item number)", in: text)
        if let width = rules.itemDigits, item.unicodeScalars.count != width {
            throw ArchivalCodeError(code: text, reason: "件号 (item number) must be \(width) digits, zero-padded, found '\(item)'")
        }
        let components = Components(
            fonds: parts[0], recordClass: recordClass, year: year, retention: retention,
            unit: unit, item: item)
        return ArchivalCode(style: .item, components: components, canonical: normalised)
    }

    // MARK: - Level checks

    private static func checkFonds(_ value: String, in text: String, rules: CodeRules) throws(ArchivalCodeError) {
        guard !value.isEmpty, value.unicodeScalars.count <= rules.maxFondsLength, value.isLettersOrDigits(allowLetters: true)
        else {
            throw ArchivalCodeError(
                code: text, reason: "全宗号 (fonds number) must be 1–\(rules.maxFondsLength) letters or digits, found '\(value)'")
        }
    }

    private static func checkDigits(_ value: String, name: String, in text: String) throws(ArchivalCodeError) {
        guard !value.isEmpty, value.unicodeScalars.count <= 8, value.unicodeScalars.allSatisfy(\.isASCIIDigit) else {
            throw ArchivalCodeError(code: text, reason: "\(name) must be 1–8 digits, found '\(value)'")
        }
    }

    private static func checkToken(_ value: String, name: String, in text: String, allowLetters: Bool) throws(ArchivalCodeError) {
        guard !value.isEmpty, value.unicodeScalars.count <= 10, value.isLettersOrDigits(allowLetters: allowLetters) else {
            throw ArchivalCodeError(code: text, reason: "\(name) must be 1–10 letters or digits, found '\(value)'")
        }
    }

    // MARK: - Ordering

    /// Component-wise order: style, then each level, numbers compared as numbers.
    public static func < (lhs: ArchivalCode, rhs: ArchivalCode) -> Bool {
        lhs.sortKey.lexicographicallyPrecedes(rhs.sortKey)
    }

    /// Equality is by canonical spelling (so `.` and `·` spellings are the same code).
    public static func == (lhs: ArchivalCode, rhs: ArchivalCode) -> Bool { lhs.canonical == rhs.canonical }

    /// Hashes the canonical spelling, as `==` compares it.
    public func hash(into hasher: inout Hasher) { hasher.combine(canonical) }

    private var sortKey: [SortToken] {
        let c = components
        let levels: [String?] =
            style == .volume
            ? [c.fonds, c.catalogue, c.volume, c.item]
            : [c.fonds, c.recordClass, c.year.map(String.init), c.retention, c.unit, c.item]
        return [.text(style.rawValue)] + levels.map { SortToken($0) }
    }
}

/// Tunable parts of 档号 validation; the defaults follow DA/T 13 and DA/T 22-2015.
public struct CodeRules: Sendable, Equatable, Codable {
    /// Longest 全宗号 accepted (usually 4).
    public var maxFondsLength: Int
    /// Accepted 保管期限 codes.
    public var retentionCodes: Set<String>
    /// Required width of an item-style 件号, or nil for any width.
    public var itemDigits: Int?
    /// Plausible 年度 values.
    public var years: ClosedRange<Int>

    /// Makes rules.
    public init(
        maxFondsLength: Int = 8, retentionCodes: Set<String> = ["Y", "D30", "D10", "C", "D"],
        itemDigits: Int? = 4, years: ClosedRange<Int> = 1900...2100
    ) {
        self.maxFondsLength = maxFondsLength
        self.retentionCodes = retentionCodes
        self.itemDigits = itemDigits
        self.years = years
    }
}

/// A code that does not parse, with the reason.
public struct ArchivalCodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text that was given.
    public var code: String
    /// Why it is not a valid 档号.
    public var reason: String

    /// Makes an error.
    public init(code: String, reason: String) {
        self.code = code
        self.reason = reason
    }

    /// `'<code>' is not a valid 档号: <reason>`.
    public var description: String { "'\(code)' is not a valid 档号: \(reason)" }
}

// MARK: - Helpers

private enum SortToken: Comparable {
    case missing
    case number(Int, String)
    case text(String)

    init(_ value: String?) {
        guard let value else { self = .missing; return }
        if value.unicodeScalars.allSatisfy(\.isASCIIDigit), let n = Int(value) {
            self = .number(n, value)
        } else {
            self = .text(value)
        }
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) }
    fileprivate var isASCIIDigit: Bool { (0x30...0x39).contains(value) }

    /// A letter of any script (general category L*).
    fileprivate var isLetterScalar: Bool {
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
        default: false
        }
    }

    /// A combining mark (Mn, Mc): accepted only after a letter, where it belongs to that letter.
    fileprivate var isMarkScalar: Bool {
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark: true
        default: false
        }
    }

    /// Scalars no 档号 may hold anywhere: path separators, NUL and other controls, format characters (zero-width
    /// and bidirectional controls, which make two codes look alike), line and paragraph separators, private use,
    /// surrogates and unassigned code points.
    fileprivate var isForbiddenInCode: Bool {
        if self == "/" || self == "\\" { return true }
        switch properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned: return true
        default: return false
        }
    }

    /// `U+002F '/'`, for messages.
    fileprivate var shown: String {
        let hex = String(value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        return properties.generalCategory == .control || properties.generalCategory == .format ? code : "\(code) '\(self)'"
    }
}

extension String {
    /// Whether every scalar is a decimal digit or (with `allowLetters`) a letter, a mark following a letter.
    fileprivate func isLettersOrDigits(allowLetters: Bool) -> Bool {
        var afterLetter = false
        for scalar in unicodeScalars {
            if scalar.properties.generalCategory == .decimalNumber {
                afterLetter = false
            } else if allowLetters && scalar.isLetterScalar {
                afterLetter = true
            } else if allowLetters && afterLetter && scalar.isMarkScalar {
                continue
            } else {
                return false
            }
        }
        return true
    }

    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }

    fileprivate func replacingDots() -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in unicodeScalars { scalars.append(scalar == "." ? "·" : scalar) }
        return String(scalars)
    }
}
