import Foundation

extension BagVerifier {
    /// Reads and checks `bagit.txt` (RFC 8493 §2.1.1).
    static func readDeclaration(_ bag: ConfinedFolder, problems: inout ProblemCollector) -> BagDeclaration {
        var declaration = BagDeclaration()
        let file = "bagit.txt"
        guard let data = readTagFile(bag, file, problems: &problems) else {
            if !problems.leftBag.contains(file) { problems.error(.bagitMissing, file, "The bag has no bagit.txt declaration.") }
            return declaration
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            problems.error(.bagitBOM, file, "bagit.txt begins with a byte-order mark, which RFC 8493 forbids.")
            bytes.removeFirst(3)
        } else if bytes.starts(with: [0xFE, 0xFF]) || bytes.starts(with: [0xFF, 0xFE]) {
            problems.error(.bagitBOM, file, "bagit.txt begins with a UTF-16 byte-order mark; it must be UTF-8 without one.")
            let decoded = TagEncoding.utf16.decode(Data(bytes))
            bytes = Array(decoded.text.utf8)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if !text.utf8.elementsEqual(bytes) {
            problems.error(.encoding, file, "bagit.txt is not valid UTF-8.")
        }
        let lines = TextLines(text).lines

        // Lenient read first, to learn the version and encoding.
        var values = [String: String]()
        for line in lines {
            guard let colon = line.text.firstIndex(of: ":") else { continue }
            let label = line.text[..<colon].trimmingWhitespace()
            if values[label] == nil { values[label] = line.text[line.text.index(after: colon)...].trimmingWhitespace() }
        }
        if let versionText = values["BagIt-Version"] {
            declaration.versionText = versionText
            let parts = versionText.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }),
                let major = Int(parts[0]), let minor = Int(parts[1])
            {
                declaration.version = (major, minor)
                if !BagDeclaration.isSupported((major, minor)) {
                    problems.error(
                        .bagitVersionUnsupported, file,
                        "BagIt-Version \(versionText) is not one Quire verifies (0.93–0.97, 1.0); the 1.0 rules were applied.")
                }
            } else {
                problems.error(.bagitFormat, file, "BagIt-Version \"\(versionText)\" is not of the form M.N.")
            }
        } else {
            problems.error(.bagitFormat, file, "bagit.txt has no BagIt-Version line.")
        }
        if let encodingName = values["Tag-File-Character-Encoding"] {
            if let encoding = TagEncoding(declared: encodingName) {
                declaration.encoding = encoding
                if encoding != .utf8, declaration.version.map({ $0.major >= 1 }) == true {
                    problems.warning(
                        .encoding, file, "Tag-File-Character-Encoding is \(encodingName); BagIt 1.0 recommends UTF-8.")
                }
            } else {
                problems.error(
                    .encoding, file,
                    "Tag-File-Character-Encoding \"\(encodingName)\" is not an encoding Quire reads; tag files were read as UTF-8."
                )
            }
        } else {
            problems.error(.bagitFormat, file, "bagit.txt has no Tag-File-Character-Encoding line.")
        }

        // The exact form, for 1.0 (and unknown) versions.
        if declaration.isStrict {
            let all = lines
            if all.count != 2 {
                problems.error(.bagitFormat, file, "bagit.txt has \(all.count) lines where exactly two are required.")
            }
            let expected = ["BagIt-Version", "Tag-File-Character-Encoding"]
            for (index, label) in expected.enumerated() where index < all.count {
                let line = all[index].text
                if let value = values[label], line == "\(label): \(value)" { continue }
                problems.error(
                    .bagitFormat, file,
                    "Line \(index + 1) must read \"\(label): …\" with one space after the colon and nothing around it.")
            }
            if let last = all.last, !last.terminated {
                problems.warning(.bagitFormat, file, "The last line of bagit.txt has no line ending.")
            }
        }
        return declaration
    }

    /// Reads a tag file in the declared encoding, reporting encoding problems; `nil` when absent.
    static func readTagText(_ bag: ConfinedFolder, name: String, declaration: BagDeclaration, problems: inout ProblemCollector)
        -> String?
    {
        guard let data = readTagFile(bag, name, problems: &problems) else { return nil }
        let decoded = declaration.encoding.decode(data)
        if decoded.hadBOM && declaration.encoding == .utf8 {
            // RFC 8493 forbids the BOM in bagit.txt (checked there); elsewhere it is discouraged, and common
            // (Windows editors add one), so it is a warning and the text is read without it.
            problems.warning(
                .encoding, name, "This UTF-8 tag file begins with a byte-order mark; BagIt tools may misread its first line.")
        }
        if !decoded.valid {
            problems.error(.encoding, name, "This tag file is not valid in its declared encoding.")
        }
        return decoded.text
    }

    /// The content of the tag file `name`, read beneath the bag; nil when it is absent or unreadable, and when it
    /// leads out of the bag (reported here, once, as `payload.symlink`).
    static func readTagFile(_ bag: ConfinedFolder, _ name: String, problems: inout ProblemCollector) -> Data? {
        do { return try bag.contents(of: name) } catch  where error.leavesFolder {
            problems.leavesBag(name, error)
            return nil
        } catch {
            return nil
        }
    }
}
