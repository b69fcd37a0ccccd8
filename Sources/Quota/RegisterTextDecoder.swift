import Catalog
import Foundation
#if canImport(CoreFoundation)
import CoreFoundation
#endif

/// Turns register bytes into text the way the Catalog module does for catalogs: a byte-order mark is
/// stripped, valid UTF-8 is UTF-8, anything else is decoded as GB18030, and an undecodable file is
/// reported with the line of its first bad bytes.
///
/// (Catalog's own decoder is internal to that module; this mirrors it through Foundation and
/// CoreFoundation, obtaining the GB18030 encoding exactly as Catalog does.)
enum RegisterTextDecoder {
    /// Decodes `data`; `file` names it in errors.
    static func decode(_ data: Data, file: String) throws(HoldingsRegisterFileError) -> (text: String, encoding: CatalogEncoding) {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw HoldingsRegisterFileError(file: file, line: nil,
                                            reason: "the file is UTF-16 (Excel \"Unicode text\"); export it as \"CSV UTF-8\" or CSV in GB18030")
        }
        let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]
        let gbBOM: [UInt8] = [0x84, 0x31, 0x95, 0x33]
        if bytes.starts(with: utf8BOM) {
            let body = Array(bytes.dropFirst(3))
            guard let text = utf8String(body) else {
                throw HoldingsRegisterFileError(file: file, line: firstBadLine(body, decoder: utf8String),
                                                reason: "the bytes are not valid UTF-8 although the file starts with a UTF-8 byte-order mark")
            }
            return (text, .utf8)
        }
        if bytes.starts(with: gbBOM) {
            let body = Array(bytes.dropFirst(4))
            guard let text = gb18030String(body) else {
                throw HoldingsRegisterFileError(file: file, line: firstBadLine(body, decoder: gb18030String),
                                                reason: "the bytes are not valid GB18030")
            }
            return (text, .gb18030)
        }
        if let text = utf8String(bytes) { return (text, .utf8) }
        if let text = gb18030String(bytes) { return (text, .gb18030) }
        throw HoldingsRegisterFileError(file: file, line: firstBadLine(bytes, decoder: utf8String),
                                        reason: "the file is neither valid UTF-8 nor valid GB18030")
    }

    /// Strict UTF-8 decoding (nil instead of replacement characters).
    static func utf8String(_ bytes: [UInt8]) -> String? {
        String(validating: bytes, as: UTF8.self)
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

    /// The 1-based line holding the first bytes that do not decode (neither encoding uses 0x0A inside a
    /// multi-byte sequence).
    static func firstBadLine(_ bytes: [UInt8], decoder: ([UInt8]) -> String?) -> Int? {
        var lineNumber = 1
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if decoder(Array(line)) == nil { return lineNumber }
            lineNumber += 1
        }
        return nil
    }
}
