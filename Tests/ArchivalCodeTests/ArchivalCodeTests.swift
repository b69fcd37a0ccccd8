import ArchivalCode
import Testing

@Suite struct ArchivalCodeTests {
    @Test func volumeCodeParsesIntoLevels() throws {
        let code = try ArchivalCode.parse("0026-003-0045")
        #expect(code.style == .volume)
        #expect(code.components.fonds == "0026")
        #expect(code.components.catalogue == "003")
        #expect(code.components.volume == "0045")
        #expect(code.components.item == nil)
        let withItem = try ArchivalCode.parse("0026-003-0045-0007")
        #expect(withItem.components.item == "0007")
    }

    @Test(arguments: ["Z109-WS·2011-Y-BGS-0001", "0194-WS·2016-D30-BGS-0001", "J012-WS·2024-Y-0003"])
    func itemCodesFromTheStandardParse(_ text: String) throws {
        let code = try ArchivalCode.parse(text)
        #expect(code.style == .item)
        #expect(code.canonical == text)
        #expect(code.components.recordClass == "WS")
    }

    @Test func itemCodeLevels() throws {
        let code = try ArchivalCode.parse("0194-WS·2016-D30-BGS-0001")
        #expect(code.components.fonds == "0194")
        #expect(code.components.year == 2016)
        #expect(code.components.retention == "D30")
        #expect(code.components.unit == "BGS")
        #expect(code.components.item == "0001")
        let noUnit = try ArchivalCode.parse("J012-WS·2024-Y-0003")
        #expect(noUnit.components.unit == nil)
    }

    @Test func asciiDotIsAcceptedAndNormalised() throws {
        let dotted = try ArchivalCode.parse("Z109-WS.2011-Y-BGS-0001")
        #expect(dotted.canonical == "Z109-WS·2011-Y-BGS-0001")
        #expect(dotted == (try ArchivalCode.parse("Z109-WS·2011-Y-BGS-0001")))
    }

    @Test func nonASCIIFondsIsAccepted() throws {
        let code = try ArchivalCode.parse("档案馆-WS·2011-Y-办公室-0001")
        #expect(code.components.fonds == "档案馆")
        #expect(code.components.unit == "办公室")
    }

    @Test(arguments: [
        ("", "empty"),
        ("0026-003", "3 or 4 levels"),
        ("0026-003-0045-0001-0002", "3 or 4 levels"),
        ("0026--0045", "目录号"),
        ("0026-003-00A5", "案卷号"),
        ("Z109-WS2011-Y-BGS-0001", "3 or 4 levels"),
        ("Z109-WS·11-Y-BGS-0001", "年度"),
        ("Z109-WS·2011-X-BGS-0001", "保管期限"),
        ("Z109-WS·2011-Y-BGS-001", "件号"),
        ("Z109-W1·2011-Y-BGS-0001", "门类代码"),
        (" 0026-003-0045", "spaces"),
        ("00/26-003-0045", "U+002F"),
        ("00X!-003-0045", "全宗号"),
    ])
    func malformedCodesAreRejectedWithTheReason(_ text: String, _ expected: String) {
        #expect {
            _ = try ArchivalCode.parse(text)
        } throws: { error in
            guard let error = error as? ArchivalCodeError else { return false }
            return error.reason.contains(expected) && error.code == text
        }
    }

    @Test func orderingIsByComponentsNotStrings() throws {
        let a = try ArchivalCode.parse("0026-003-45")
        let b = try ArchivalCode.parse("0026-003-0100")
        #expect(a < b)  // as strings "45" > "0100"
        #expect(!(b < a))
        let codes = try ["Z109-WS·2011-Y-BGS-0010", "Z109-WS·2011-Y-BGS-0009", "Z109-WS·2010-Y-BGS-0100"]
            .map { try ArchivalCode.parse($0) }
        #expect(
            codes.sorted().map(\.canonical) == [
                "Z109-WS·2010-Y-BGS-0100", "Z109-WS·2011-Y-BGS-0009", "Z109-WS·2011-Y-BGS-0010",
            ])
    }

    @Test func rulesAreConfigurable() throws {
        let rules = CodeRules(itemDigits: nil)
        #expect((try ArchivalCode.parse("Z109-WS·2011-Y-BGS-01", rules: rules)).components.item == "01")
    }
}

@Suite struct NamingRuleTests {
    let rule = try! NamingRule()

    @Test func folderForm() throws {
        let name = try rule.map("0026-003-0045/0007.tif")
        #expect(name.code.canonical == "0026-003-0045")
        #expect(name.page == 7)
        #expect(name.form == "{code}/{page}")
    }

    @Test func flatForm() throws {
        let name = try rule.map("0026-003-0045-0007.tif")
        #expect(name.code.canonical == "0026-003-0045")
        #expect(name.page == 7)
        #expect(name.form == "{code}-{page}")
    }

    @Test func itemCodeWithMiddleDotInBothForms() throws {
        let folder = try rule.map("Z109-WS·2011-Y-BGS-0001/0002.jpg")
        #expect(folder.code.canonical == "Z109-WS·2011-Y-BGS-0001")
        #expect(folder.page == 2)
        let flat = try rule.map("Z109-WS.2011-Y-BGS-0002-0001.png")
        #expect(flat.code.canonical == "Z109-WS·2011-Y-BGS-0002")
        #expect(flat.page == 1)
    }

    @Test func nonASCIICodeInAFolder() throws {
        let name = try rule.map("档案馆-WS·2011-Y-办公室-0001/0003.TIF")
        #expect(name.code.components.fonds == "档案馆")
        #expect(name.page == 3)
    }

    @Test func nestedFolderWithFlatNames() throws {
        let nested = try NamingRule(forms: ["{code}/{code}-{page}"])
        let name = try nested.map("0026-003-0045/0026-003-0045-0002.tif")
        #expect(name.page == 2)
        #expect(throws: NameMappingError.self) { try nested.map("0026-003-0045/0026-003-0046-0002.tif") }
    }

    @Test(arguments: [
        "0026-003-0045/7.tif", "0026-003-0045/page-0001.tif", "scan0001.tif",
        "0026-003-0045/0000.tif", "a/b/0026-003-0045/0001.tif", "0026-003-XX45/0001.tif",
    ])
    func unmappablePathsSayWhy(_ path: String) {
        #expect {
            _ = try rule.map(path)
        } throws: { error in
            (error as? NameMappingError)?.path == path && !((error as? NameMappingError)?.reason.isEmpty ?? true)
        }
    }

    @Test func badTemplatesAreRejected() {
        #expect(throws: NamingRuleError.self) { try NamingRule(forms: ["{page}"]) }
        #expect(throws: NamingRuleError.self) { try NamingRule(forms: ["{code}{page}"]) }
        #expect(throws: NamingRuleError.self) { try NamingRule(forms: ["{code}/{pg}"]) }
        #expect(throws: NamingRuleError.self) { try NamingRule(forms: []) }
    }
}

@Suite struct PageRangesTests {
    @Test func runsAreJoinedWithDashesAndCommas() {
        #expect(PageRanges.describe([3, 5, 6, 7]) == "3, 5–7")
        #expect(PageRanges.describe([1, 2, 4, 9, 10, 11, 13]) == "1–2, 4, 9–11, 13")
        #expect(PageRanges.describe([8]) == "8")
        #expect(PageRanges.describe([]) == "")
    }
}

/// Hostile 档号 (issue 12, item 3 and 6): checks run on Unicode scalars, codes are NFC, and a code is always one
/// safe path component.
@Suite struct HostileCodeTests {
    /// U+0D4E (MALAYALAM LETTER DOT REPH) joins the `/` after it into one grapheme cluster; a check on Characters
    /// saw one letter and let the separator through, and the code became a nested path.
    @Test(arguments: [
        "ൎ/x-003-0045", "0026/x-003-0045", "00\u{301}/6-003-0045", "0026-00\\3-0045",
        "0026-003-0045\u{0}", "0026-003\u{200B}-0045", "0026-003-0045\u{202E}", "0026\u{0A}-003-0045",
    ])
    func codeThatIsNotOnePathComponentIsRefused(_ text: String) {
        #expect(throws: ArchivalCodeError.self) { try ArchivalCode.parse(text) }
    }

    @Test func refusalNamesTheScalar() {
        do {
            _ = try ArchivalCode.parse("ൎ/x-003-0045")
            Issue.record("parsed")
        } catch {
            #expect(error.reason.contains("U+002F"))
        }
    }

    @Test func everyAcceptedCodeIsASinglePathComponent() throws {
        // Letters of other scripts and a letter with a combining mark stay acceptable, as one component.
        for text in ["档案-003-0045", "ൎx-003-0045", "e\u{301}12-003-0045", "Z109-WS·2011-Y-BGS-0001"] {
            let code = try ArchivalCode.parse(text)
            #expect(!code.canonical.unicodeScalars.contains("/"))
            #expect(code.canonical != "." && code.canonical != "..")
        }
    }

    @Test func nfcAndNFDSpellingsAreOneCode() throws {
        let nfc = try ArchivalCode.parse("\u{E9}12-003-0045")  // é precomposed
        let nfd = try ArchivalCode.parse("e\u{301}12-003-0045")  // e + combining acute
        #expect(nfc.canonical.unicodeScalars.elementsEqual(nfd.canonical.unicodeScalars))
        #expect(Array(nfd.canonical.utf8) == Array("\u{E9}12-003-0045".utf8))
    }

    @Test func overlongCodeIsRefused() {
        let fonds = String(repeating: "档", count: 8)
        let unit = String(repeating: "档", count: 10)
        // 8 + 10 + 10 CJK letters at 3 bytes each stay under the limit; a code over 200 bytes does not parse.
        #expect((try? ArchivalCode.parse("\(fonds)-\(unit)-0045")) != nil)
        let rules = CodeRules(maxFondsLength: 80)
        #expect(throws: ArchivalCodeError.self) {
            try ArchivalCode.parse(String(repeating: "档", count: 70) + "-003-0045", rules: rules)
        }
    }

    @Test func namingRuleDoesNotLetACombiningCharacterHideASlash() throws {
        let rule = try NamingRule()
        #expect(throws: NameMappingError.self) { try rule.map("ൎ/x-003-0045-0001.tif") }
        #expect(throws: NameMappingError.self) { try rule.map("ൎ/x-003-0045/0001.tif") }
        // NFD path, NFC code.
        let name = try rule.map("e\u{301}12-003-0045/0001.tif")
        #expect(Array(name.code.canonical.utf8) == Array("\u{E9}12-003-0045".utf8))
    }
}
