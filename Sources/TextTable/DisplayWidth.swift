/// The width of text in a terminal: East Asian wide and fullwidth characters (汉字, fullwidth forms, CJK
/// punctuation) take two columns, combining marks and zero-width characters none, others one.
public enum DisplayWidth {
    /// The columns `text` takes.
    public static func of(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + of($1) }
    }

    /// The columns one scalar takes.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value == 0 { return 0 }
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return 0 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if value == 0x200B { return 0 }
        return isWide(value) ? 2 : 1
    }

    private static func isWide(_ v: UInt32) -> Bool {
        (0x1100...0x115F).contains(v)  // Hangul Jamo
            || (0x2E80...0x303E).contains(v)  // CJK radicals, Kangxi, CJK symbols and punctuation
            || (0x3041...0x33FF).contains(v)  // Hiragana … CJK compatibility
            || (0x3400...0x4DBF).contains(v)  // CJK extension A
            || (0x4E00...0x9FFF).contains(v)  // CJK unified ideographs
            || (0xA000...0xA4CF).contains(v)  // Yi
            || (0xAC00...0xD7A3).contains(v)  // Hangul syllables
            || (0xF900...0xFAFF).contains(v)  // CJK compatibility ideographs
            || (0xFE30...0xFE4F).contains(v)  // CJK compatibility forms
            || (0xFF00...0xFF60).contains(v)  // fullwidth forms
            || (0xFFE0...0xFFE6).contains(v)  // fullwidth signs
            || (0x1F300...0x1F64F).contains(v)  // pictographs, emoticons
            || (0x1F900...0x1F9FF).contains(v)
            || (0x20000...0x3FFFD).contains(v)  // CJK extensions B…
    }
}
