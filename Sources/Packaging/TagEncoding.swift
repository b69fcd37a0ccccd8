import Foundation
#if canImport(CoreFoundation)
    import CoreFoundation
#endif

/// A `Tag-File-Character-Encoding` Quire can read: UTF-8 (BagIt 1.0), and for older bags ISO-8859-1,
/// US-ASCII, Windows-1252 and UTF-16 (with a BOM; big-endian without one, as Unicode specifies), plus the
/// East Asian and European code pages an archive meets (GB18030, GBK, GB2312, Big5, Shift_JIS, EUC-JP,
/// EUC-KR, ISO-8859-2/15, Windows-1250/1251) through Foundation's converters.
enum TagEncoding: Equatable, Sendable {
    case utf8, latin1, ascii, windows1252, utf16, utf16LE, utf16BE
    /// A code page Foundation converts (CoreFoundation's converter, also on Linux), with its declared name.
    case foundation(String.Encoding, name: String)

    /// IANA names (lowercase, letters and digits only) → CoreFoundation encodings.
    private static let codePages: [String: UInt32] = [
        "gb18030": 0x0632, "gbk": 0x0631, "cp936": 0x0421, "windows936": 0x0421,
        "gb2312": 0x0930, "euccn": 0x0930, "big5": 0x0A03, "big5hkscs": 0x0A06,
        "shiftjis": 0x0A01, "sjis": 0x0A01, "windows31j": 0x0420, "cp932": 0x0420, "eucjp": 0x0920, "euckr": 0x0940,
        "iso88592": 0x0202, "iso885915": 0x020F, "windows1250": 0x0501, "windows1251": 0x0502,
    ]

    /// The encoding for a declared name (case and punctuation ignored), or `nil` when unknown.
    init?(declared: String) {
        let key = String(declared.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) })
        switch key {
        case "utf8": self = .utf8
        case "iso88591", "latin1", "l1", "iso885911987", "isoir100", "cp819", "ibm819": self = .latin1
        case "usascii", "ascii", "ansix341968", "iso646us": self = .ascii
        case "windows1252", "cp1252": self = .windows1252
        case "utf16": self = .utf16
        case "utf16le": self = .utf16LE
        case "utf16be": self = .utf16BE
        default:
            guard let cf = Self.codePages[key] else { return nil }
            let encoding = String.Encoding(rawValue: CFStringConvertEncodingToNSStringEncoding(CFStringEncoding(cf)))
            // A converter missing from this Foundation build turns every conversion into nil: treat as unknown.
            guard String(data: Data("BagIt".utf8), encoding: encoding) == "BagIt" else { return nil }
            self = .foundation(encoding, name: declared)
        }
    }

    /// The result of decoding a tag file.
    struct Decoded {
        /// The text (lossy where invalid).
        var text: String
        /// Whether every byte was valid in the encoding.
        var valid: Bool
        /// Whether the bytes began with a byte-order mark (which was dropped).
        var hadBOM: Bool
    }

    /// Decodes `data`, dropping a leading BOM.
    func decode(_ data: Data) -> Decoded {
        let bytes = [UInt8](data)
        switch self {
        case .utf8:
            let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF])
            let body = bom ? Array(bytes.dropFirst(3)) : bytes
            let text = String(decoding: body, as: UTF8.self)
            // Repair changes the bytes exactly when some were invalid.
            return Decoded(text: text, valid: text.utf8.elementsEqual(body), hadBOM: bom)
        case .latin1:
            return Decoded(text: String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) })), valid: true, hadBOM: false)
        case .ascii:
            let valid = bytes.allSatisfy { $0 < 0x80 }
            return Decoded(text: String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) })), valid: valid, hadBOM: false)
        case .foundation(let encoding, _):
            if data.isEmpty { return Decoded(text: "", valid: true, hadBOM: false) }
            if let text = String(data: data, encoding: encoding) { return Decoded(text: text, valid: true, hadBOM: false) }
            return Decoded(text: String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) })), valid: false, hadBOM: false)
        case .windows1252:
            if let text = String(data: data, encoding: .windowsCP1252) { return Decoded(text: text, valid: true, hadBOM: false) }
            return Decoded(text: String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) })), valid: false, hadBOM: false)
        case .utf16, .utf16LE, .utf16BE:
            var bigEndian = self != .utf16LE
            var body = bytes[...]
            var bom = false
            if body.count >= 2 {
                if body.starts(with: [0xFE, 0xFF]) {
                    bom = true; bigEndian = true
                } else if body.starts(with: [0xFF, 0xFE]) {
                    bom = true; bigEndian = false
                }
            }
            if bom { body = body.dropFirst(2) }
            var units = [UInt16]()
            units.reserveCapacity(body.count / 2)
            var index = body.startIndex
            while index + 1 < body.endIndex {
                let a = UInt16(body[index]), b = UInt16(body[index + 1])
                units.append(bigEndian ? (a << 8 | b) : (b << 8 | a))
                index += 2
            }
            var valid = body.count % 2 == 0
            var decoder = UTF16()
            var iterator = units.makeIterator()
            var scalars = String.UnicodeScalarView()
            decoding: while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar): scalars.append(scalar)
                case .emptyInput: break decoding
                case .error: valid = false; scalars.append("\u{FFFD}")
                }
            }
            return Decoded(text: String(scalars), valid: valid, hadBOM: bom)
        }
    }
}
