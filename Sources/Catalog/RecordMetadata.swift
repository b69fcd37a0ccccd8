public import Foundation

/// The metadata document of one record: its catalog fields, the technical metadata of every page, the
/// process metadata (DA/T 31-2017 §4) and the program that wrote it.
///
/// Two serialisations: ``xml()`` (namespace `urn:quire:record:1`, described by
/// `docs/schema/quire-record.xsd`) and ``json()`` (sorted keys, snake_case).
///
/// ```swift
/// let doc = RecordMetadata(record: record, pages: pages, process: process,
///                          generator: GeneratorInfo(version: "0.1.0"))
/// try doc.xml().write(to: url, atomically: true, encoding: .utf8)
/// ```
public struct RecordMetadata: Sendable, Hashable, Codable {
    /// The XML namespace.
    public static let namespace = "urn:quire:record:1"

    /// The record's 档号, canonical spelling.
    public var code: String
    /// The catalog row's cells, in column order.
    public var catalog: [CatalogFieldValue]
    /// One entry per page image, in page order.
    public var pages: [PageMetadata]
    /// How the record was digitized.
    public var process: ProcessMetadata
    /// The program that wrote the document.
    public var generator: GeneratorInfo

    /// Makes a document.
    public init(
        code: String, catalog: [CatalogFieldValue], pages: [PageMetadata], process: ProcessMetadata,
        generator: GeneratorInfo
    ) {
        self.code = code
        self.catalog = catalog
        self.pages = pages
        self.process = process
        self.generator = generator
    }

    /// Makes the document of a catalog record.
    public init(record: CatalogRecord, pages: [PageMetadata], process: ProcessMetadata, generator: GeneratorInfo) {
        self.init(
            code: record.code.canonical, catalog: record.fields, pages: pages, process: process,
            generator: generator)
    }

    /// The document as UTF-8 XML text (Chinese text verbatim, special characters escaped).
    public func xml() -> String {
        var w = XMLWriter()
        w.open("record", [("xmlns", Self.namespace), ("code", code)])
        w.list("catalog", catalog) { w, field in
            w.element("field", [("name", field.name), ("key", field.field?.rawValue)], text: field.value)
        }
        w.list("pages", pages) { w, page in
            w.open("page", [("number", String(page.page)), ("path", page.path)])
            w.element("format", text: page.format)
            if let compression = page.compression { w.element("compression", text: compression) }
            w.element("width", text: String(page.width))
            w.element("height", text: String(page.height))
            w.element("bits-per-sample", text: String(page.bitsPerSample))
            w.element("colour-mode", text: page.colourMode)
            if let r = page.resolution {
                w.element("resolution", [("x", XMLWriter.number(r.x)), ("y", XMLWriter.number(r.y)), ("unit", r.unit)])
            }
            w.element("size-bytes", text: String(page.sizeBytes))
            w.list("digests", page.digests.sorted { $0.key < $1.key }) { w, digest in
                w.element("digest", [("algorithm", digest.key)], text: digest.value)
            }
            w.close("page")
        }
        w.open("process")
        if let vendor = process.vendor { w.element("vendor", text: vendor) }
        if let scanner = process.scanner { w.element("scanner", [("make", scanner.make), ("model", scanner.model)]) }
        if let software = process.software {
            w.element("software", [("name", software.name), ("version", software.version)])
        }
        if let name = process.operatorName { w.element("operator", text: name) }
        if let date = process.scanDate { w.element("scan-date", text: date) }
        w.list("steps", process.steps) { w, step in
            if step.parameters.isEmpty {
                w.element("step", [("name", step.name)])
            } else {
                w.open("step", [("name", step.name)])
                for parameter in step.parameters {
                    w.element("parameter", [("name", parameter.name)], text: parameter.value)
                }
                w.close("step")
            }
        }
        w.list("qc", process.qcResults) { w, result in
            w.element(
                "result",
                [
                    ("check", result.check), ("outcome", result.outcome.rawValue),
                    ("page", result.page.map(String.init)),
                ], text: result.detail)
        }
        w.close("process")
        w.element("generator", [("name", generator.name), ("version", generator.version)])
        w.close("record")
        return w.output
    }

    /// The document as UTF-8 JSON with sorted keys (non-finite resolutions as `"INF"`, `"-INF"`, `"NaN"`).
    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "INF",
            negativeInfinity: "-INF", nan: "NaN")
        do {
            return try encoder.encode(self)
        } catch {
            // Every value is a string, an integer, a finite-or-stringified double or a collection of these.
            preconditionFailure("RecordMetadata cannot fail to encode as JSON: \(error)")
        }
    }
}
