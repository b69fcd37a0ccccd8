import ArchivalCode
import Catalog
import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import QuireTestSupport
import Testing

@Suite struct RecordMetadataTests {
    static let schema = Repository.root.appendingPathComponent("docs/schema/quire-record.xsd")
    static let xmllint = Program.find("xmllint")

    /// A document for sample record Z109-WS·2011-Y-BGS-0001 with tricky text planted in it.
    static func document() throws -> RecordMetadata {
        let catalog = try CatalogReader().read(contentsOf: Repository.sample("catalog.csv"))
        var record = try #require(catalog.records.first { $0.code.canonical == "Z109-WS·2011-Y-BGS-0001" })
        record.fields.append(CatalogFieldValue(name: "附注 \"甲\"", value: "第一行\r\n第二行\t<&>'\"\n 前后空格 "))
        let pages = [
            PageMetadata(
                page: 1, path: "Z109-WS·2011-Y-BGS-0001/0001.jpg", format: "jpeg", compression: "baseline",
                width: 1654, height: 2339, bitsPerSample: 8, colourMode: "rgb",
                resolution: PageResolution(x: 200, y: 200), sizeBytes: 412_345,
                digests: ["sha256": String(repeating: "ab", count: 32), "sm3": String(repeating: "0f", count: 32)]),
            PageMetadata(
                page: 2, path: "Z109-WS·2011-Y-BGS-0001/0002.jpg", format: "jpeg", width: 1654, height: 2339,
                bitsPerSample: 8, colourMode: "rgb", resolution: PageResolution(x: 199.5, y: 78.74, unit: "cm"),
                sizeBytes: 398_000),
            PageMetadata(
                page: 3, path: "Z109-WS·2011-Y-BGS-0001/0003.tif", format: "tiff", compression: "lzw",
                width: 1654, height: 2339, bitsPerSample: 8, colourMode: "gray", sizeBytes: 1_200_000,
                digests: ["md5": "D41D8CD98F00B204E9800998ECF8427E"]),
        ]
        let process = ProcessMetadata(
            vendor: "华文数字档案技术有限公司", scanner: ScannerInfo(make: "Fujitsu", model: "fi-7160"),
            software: SoftwareInfo(name: "ScanSoft", version: "1.0"), operatorName: "李晓梅", scanDate: "2026-11-02",
            steps: [
                ProcessingStep(
                    name: "deskew",
                    parameters: [
                        StepParameter(name: "angle", value: "0.4°"),
                        StepParameter(name: "tolerance", value: "≤ 3°"),
                    ]),
                ProcessingStep(name: "crop"),
            ],
            qcResults: [
                QCResult(check: "page_count", outcome: .pass, detail: "3 = 页数 3"),
                QCResult(check: "resolution", outcome: .warning, page: 2, detail: "低于 200 dpi"),
                QCResult(check: "decode", outcome: .pass),
            ])
        return RecordMetadata(record: record, pages: pages, process: process, generator: GeneratorInfo(version: "0.1.0"))
    }

    @Test func xmlIsEscapedAndCarriesChineseVerbatim() throws {
        let xml = try Self.document().xml()
        #expect(
            xml.hasPrefix(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<record xmlns=\"urn:quire:record:1\" code=\"Z109-WS·2011-Y-BGS-0001\">"
            ))
        #expect(xml.contains("<field name=\"题名\" key=\"title\">关于印发《全市纸质档案数字化工作实施方案》的通知</field>"))
        #expect(xml.contains("<field name=\"附注 &quot;甲&quot;\">第一行&#13;\n第二行\t&lt;&amp;&gt;&apos;&quot;\n 前后空格 </field>"))
        #expect(xml.contains("<resolution x=\"200\" y=\"200\" unit=\"inch\"/>"))
        #expect(xml.contains("<resolution x=\"199.5\" y=\"78.74\" unit=\"cm\"/>"))
        #expect(xml.contains("<digest algorithm=\"sha256\">"))
        #expect(xml.contains("<operator>李晓梅</operator>"))
        #expect(xml.contains("<generator name=\"Quire\" version=\"0.1.0\"/>"))
    }

    @Test func xmlValidatesAgainstTheSchema() throws {
        guard let lint = Self.xmllint else { throw MissingTool(tool: "xmllint (libxml2-utils)") }
        let scratch = try ScratchFolder("catalog")
        let directory = scratch.url

        let file = directory.appendingPathComponent("record.xml")
        try Data(try Self.document().xml().utf8).write(to: file)
        let valid = try Program.run(lint, ["--noout", "--schema", Self.schema.path, file.path])
        #expect(valid.status == 0, "\(valid.stderr)")

        // A bare document (no pages, no process details, empty catalog) is valid too.
        let bare = RecordMetadata(
            code: "0026-003-0047", catalog: [], pages: [], process: ProcessMetadata(),
            generator: GeneratorInfo(version: "0.1.0"))
        let bareFile = directory.appendingPathComponent("bare.xml")
        try Data(bare.xml().utf8).write(to: bareFile)
        let bareRun = try Program.run(lint, ["--noout", "--schema", Self.schema.path, bareFile.path])
        #expect(bareRun.status == 0, "\(bareRun.stderr)")

        // The schema does reject what it should: a non-positive width and an unknown QC outcome.
        let broken = try Self.document().xml()
            .replacingOccurrences(of: "<width>1654</width>", with: "<width>0</width>")
            .replacingOccurrences(of: "outcome=\"pass\"", with: "outcome=\"ok\"")
        let brokenFile = directory.appendingPathComponent("broken.xml")
        try Data(broken.utf8).write(to: brokenFile)
        let invalid = try Program.run(lint, ["--noout", "--schema", Self.schema.path, brokenFile.path])
        #expect(invalid.status != 0)
        #expect(!invalid.stderr.contains("failed to compile"), "\(invalid.stderr)")
        #expect(invalid.stderr.contains("width"), "\(invalid.stderr)")
        #expect(invalid.stderr.contains("outcome"), "\(invalid.stderr)")
    }

    @Test func xmlRoundTripsTextExactly() throws {
        let document = try Self.document()
        let data = Data(document.xml().utf8)
        let reader = FieldCollector()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.delegate = reader
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
        #expect(reader.namespace == RecordMetadata.namespace)
        #expect(reader.code == "Z109-WS·2011-Y-BGS-0001")
        #expect(reader.fields.map(\.name) == document.catalog.map(\.name))
        #expect(reader.fields.map(\.value) == document.catalog.map(\.value))
        #expect(reader.fields.last?.value == "第一行\r\n第二行\t<&>'\"\n 前后空格 ")
        #expect(reader.operatorName == "李晓梅")
    }

    @Test func jsonHasSortedKeysAndRoundTrips() throws {
        let document = try Self.document()
        let data = document.json()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"operator\" : \"李晓梅\""))
        #expect(text.contains("\"bits_per_sample\" : 8"))
        #expect(text.contains("\"key\" : \"title\""))
        let catalogAt = try #require(text.range(of: "\"catalog\""))
        let codeAt = try #require(text.range(of: "\"code\""))
        let generatorAt = try #require(text.range(of: "\"generator\""))
        #expect(catalogAt.lowerBound < codeAt.lowerBound && codeAt.lowerBound < generatorAt.lowerBound)
        let decoded = try JSONDecoder().decode(RecordMetadata.self, from: data)
        #expect(decoded == document)
        #expect(decoded.catalog.last?.value == "第一行\r\n第二行\t<&>'\"\n 前后空格 ")
        #expect(document.json() == data)
    }
}

/// Collects catalog fields, the record's code and the operator from a record document.
private final class FieldCollector: NSObject, XMLParserDelegate {
    var fields: [(name: String, value: String)] = []
    var code: String?
    var namespace: String?
    var operatorName: String?
    private var text: String?
    private var fieldName: String?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
    ) {
        switch elementName {
        case "record":
            code = attributeDict["code"]
            namespace = namespaceURI
        case "field":
            fieldName = attributeDict["name"]
            text = ""
        case "operator":
            text = ""
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text? += string
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
        qualifiedName qName: String?
    ) {
        switch elementName {
        case "field":
            fields.append((fieldName ?? "", text ?? ""))
        case "operator":
            operatorName = text
        default:
            break
        }
        text = nil
    }
}
