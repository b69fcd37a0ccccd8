/// One tar entry's header blocks: a pax extended header when the name or size does not fit ustar, then the
/// ustar header.
struct TarHeader {
    var name: String
    var size: UInt64
    var isFolder: Bool
    var modificationTime: Int64

    /// The largest size an 11-digit octal field holds.
    static let ustarSizeLimit: UInt64 = 0o77777777777

    /// The header bytes, a multiple of 512.
    func blocks() -> [UInt8] {
        let nameBytes = Array(name.utf8)
        let fitsName = nameBytes.count <= 100 && nameBytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        let fitsSize = size <= Self.ustarSizeLimit
        var out = [UInt8]()
        if !fitsName || !fitsSize {
            var records = [UInt8]()
            if !fitsName { records += Self.paxRecord("path", nameBytes) }
            if !fitsSize { records += Self.paxRecord("size", Array(String(size).utf8)) }
            out += Self.ustar(
                name: Array("PaxHeaders/entry".utf8), size: UInt64(records.count), type: UInt8(ascii: "x"),
                mode: 0o644, mtime: modificationTime)
            out += records
            out += [UInt8](repeating: 0, count: (512 - records.count % 512) % 512)
        }
        let fallbackName =
            fitsName ? nameBytes : Array(nameBytes.map { $0 >= 0x20 && $0 < 0x7F ? $0 : UInt8(ascii: "_") }.suffix(100))
        out += Self.ustar(
            name: fallbackName, size: fitsSize ? size : 0, type: isFolder ? UInt8(ascii: "5") : UInt8(ascii: "0"),
            mode: isFolder ? 0o755 : 0o644, mtime: modificationTime)
        return out
    }

    /// `"<length> <key>=<value>\n"`, where length counts the whole record.
    static func paxRecord(_ key: String, _ value: [UInt8]) -> [UInt8] {
        let body = Array(" \(key)=".utf8) + value + [0x0A]
        var length = body.count + 1
        while String(length).utf8.count + body.count != length { length = String(length).utf8.count + body.count }
        return Array(String(length).utf8) + body
    }

    /// A 512-byte ustar header.
    static func ustar(name: [UInt8], size: UInt64, type: UInt8, mode: Int, mtime: Int64) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: [UInt8], at offset: Int, width: Int) {
            for (i, b) in bytes.prefix(width).enumerated() { block[offset + i] = b }
        }
        func octal(_ value: UInt64, at offset: Int, width: Int) {
            let digits = String(value, radix: 8)
            let padded = String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
            put(Array(padded.utf8), at: offset, width: width - 1)
        }
        put(name, at: 0, width: 100)
        octal(UInt64(mode), at: 100, width: 8)
        octal(0, at: 108, width: 8)  // uid
        octal(0, at: 116, width: 8)  // gid
        octal(size, at: 124, width: 12)
        octal(UInt64(max(0, mtime)), at: 136, width: 12)
        put(Array(repeating: UInt8(ascii: " "), count: 8), at: 148, width: 8)
        block[156] = type
        put(Array("ustar\0".utf8), at: 257, width: 6)
        put(Array("00".utf8), at: 263, width: 2)
        octal(0, at: 329, width: 8)  // devmajor
        octal(0, at: 337, width: 8)  // devminor
        let sum = block.reduce(0) { $0 + Int($1) }
        let digits = String(sum, radix: 8)
        put(
            Array((String(repeating: "0", count: max(0, 6 - digits.count)) + digits).utf8) + [0, UInt8(ascii: " ")], at: 148,
            width: 8)
        return block
    }
}
