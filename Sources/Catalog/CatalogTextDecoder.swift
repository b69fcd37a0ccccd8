public import Foundation
#if canImport(CoreFoundation)
    import CoreFoundation
#endif

/// Turns CSV bytes (a catalog or a holdings register) into text: strips a byte-order mark, detects UTF-8 versus GB18030, and says on which
/// line undecodable bytes sit.
public enum CatalogTextDecoder {
    /// The decoded text, the encoding used, and whether there was a byte-order mark.
    public struct Decoded: Sendable {
        /// The decoded text, without the byte-order mark.
        public var text: String
        /// The encoding used: the stated one, else the one detected.
        public var encoding: CatalogEncoding
        /// Whether the bytes began with a UTF-8 or GB18030 byte-order mark.
        public var hadByteOrderMark: Bool
    }

    /// Decodes CSV bytes: the stated encoding, or UTF-8 when the bytes are valid UTF-8 and GB18030 otherwise.
    public static func decode(
        _ data: Data, as stated: CatalogEncoding?, file: String,
        kind: CSVFileKind = .catalog
    ) throws(CSVFileError) -> Decoded {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw CSVFileError(
                kind: kind, file: file, line: nil,
                reason: "the file is UTF-16 (Excel \"Unicode text\"); export it as \"CSV UTF-8\" or CSV in GB18030")
        }
        let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]
        let gbBOM: [UInt8] = [0x84, 0x31, 0x95, 0x33]
        switch stated {
        case .utf8?:
            let hasBOM = bytes.starts(with: utf8BOM)
            let body = hasBOM ? Array(bytes.dropFirst(3)) : bytes
            guard let text = utf8String(body) else {
                throw CSVFileError(
                    kind: kind, file: file, line: firstBadLine(body, decoder: utf8String),
                    reason: "the bytes are not valid UTF-8 (is the file GB18030?)")
            }
            return Decoded(text: text, encoding: .utf8, hadByteOrderMark: hasBOM)
        case .gb18030?:
            if bytes.starts(with: utf8BOM) {
                throw CSVFileError(
                    kind: kind, file: file, line: 1,
                    reason: "GB18030 was stated but the file starts with a UTF-8 byte-order mark")
            }
            let hasBOM = bytes.starts(with: gbBOM)
            let body = hasBOM ? Array(bytes.dropFirst(4)) : bytes
            guard let text = gb18030String(body) else {
                throw CSVFileError(
                    kind: kind, file: file, line: firstBadLine(body, decoder: gb18030String),
                    reason: "the bytes are not valid GB18030")
            }
            return Decoded(text: text, encoding: .gb18030, hadByteOrderMark: hasBOM)
        case nil:
            if bytes.starts(with: utf8BOM) { return try decode(data, as: .utf8, file: file, kind: kind) }
            if bytes.starts(with: gbBOM) { return try decode(data, as: .gb18030, file: file, kind: kind) }
            if let text = utf8String(bytes) {
                return Decoded(text: text, encoding: .utf8, hadByteOrderMark: false)
            }
            if let text = gb18030String(bytes) {
                return Decoded(text: text, encoding: .gb18030, hadByteOrderMark: false)
            }
            throw CSVFileError(
                kind: kind, file: file, line: firstBadLine(bytes, decoder: utf8String),
                reason: "the file is neither valid UTF-8 nor valid GB18030")
        }
    }

    /// Strict UTF-8 decoding (no replacement characters).
    static func utf8String(_ bytes: [UInt8]) -> String? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var scalars = String.UnicodeScalarView()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): scalars.append(Unicode.UTF8.decode(encoded))
            case .emptyInput: return String(scalars)
            case .error: return nil
            }
        }
    }

    /// GB18030 decoding through Foundation (CoreFoundation's converter, also on Linux).
    static func gb18030String(_ bytes: [UInt8]) -> String? {
        if bytes.isEmpty { return "" }
        return String(data: Data(bytes), encoding: gb18030)
    }

    /// Foundation's `String.Encoding` for GB18030.
    static let gb18030: String.Encoding = {
        let cf = CFStringEncoding(CFStringEncodings.GB_18030_2000.rawValue)
        return String.Encoding(rawValue: CFStringConvertEncodingToNSStringEncoding(cf))
    }()

    /// The 1-based line holding the first bytes that do not decode. Neither UTF-8 nor GB18030 uses 0x0A
    /// inside a multi-byte sequence, so lines can be decoded one at a time.
    static func firstBadLine(_ bytes: [UInt8], decoder: ([UInt8]) -> String?) -> Int? {
        var lineNumber = 1
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if decoder(Array(line)) == nil { return lineNumber }
            lineNumber += 1
        }
        return nil
    }
}
