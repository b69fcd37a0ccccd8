/// Encoding, decoding and safety checks for the paths in manifests and `fetch.txt` (RFC 8493 §2.1.3, §6.1).
enum ManifestPath {
    /// The manifest form of a bag-relative path.
    static func encode(_ path: String, _ encoding: ManifestPathEncoding) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(path.unicodeScalars.count)
        for scalar in path.unicodeScalars {
            switch scalar {
            case "%" where encoding == .rfc8493: out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Decodes `%25`, `%0D` and `%0A` (any hex case) in one pass and leaves every other `%` as it is, so a
    /// name like `100%.tif` written by a tool that does not encode `%` still reads back unchanged.
    static func decode(_ encoded: String) -> String {
        guard encoded.utf8.contains(UInt8(ascii: "%")) else { return encoded }
        let bytes = Array(encoded.utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count {
                let low = bytes[i + 2] | 0x20  // lowercases a letter; leaves digits alone
                let decoded: UInt8? =
                    switch (bytes[i + 1], low) {
                    case (UInt8(ascii: "2"), UInt8(ascii: "5")): UInt8(ascii: "%")
                    case (UInt8(ascii: "0"), UInt8(ascii: "d")): 0x0D
                    case (UInt8(ascii: "0"), UInt8(ascii: "a")): 0x0A
                    default: nil
                    }
                if let decoded {
                    out.append(decoded)
                    i += 3
                    continue
                }
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Why a path could reach outside the bag, or `nil` when it cannot.
    static func escapeReason(_ path: String) -> String? {
        if path.hasPrefix("/") || path.hasPrefix("\\") { return "is absolute" }
        if path.hasPrefix("~") { return "starts with ~" }
        let head = Array(path.utf8.prefix(2))
        if head.count == 2, head[1] == UInt8(ascii: ":"), (head[0] | 0x20) >= UInt8(ascii: "a"),
            (head[0] | 0x20) <= UInt8(ascii: "z")
        {
            return "names a drive"
        }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            if component == ".." { return "contains .." }
            if component.contains("\\") && component.split(separator: "\\").contains("..") { return "contains .." }
        }
        return nil
    }

    /// The path without `.` and empty components (`data//a/./b` → `data/a/b`).
    static func normalized(_ path: String) -> String {
        guard path.contains("//") || path.contains("./") || path.hasSuffix("/") || path.hasPrefix("./") else { return path }
        return path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }.joined(separator: "/")
    }

    /// Whether the (decoded) path lies under `data/`.
    static func isPayload(_ path: String) -> Bool { path.hasPrefix("data/") && path.count > 5 }
}
