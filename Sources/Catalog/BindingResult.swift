/// What binding found: one outcome per catalog record (in 档号 order), the images no record claims, and
/// the catalog rows that never became records.
///
/// JSON contract:
/// `{"records": [{"code", "status", "problems": [{"rule", "detail"}]}], "unmatched_images": [path],
/// "catalog_errors": [{"line", "reason"}]}`. The catalog file's name is not part of the contract, so
/// decoded ``CSVRowError``s have an empty `file`.
public struct BindingResult: Sendable, Hashable, Codable {
    /// One outcome per catalog record, in ``ArchivalCode`` order.
    public var records: [RecordBinding]
    /// Paths of accepted images whose 档号 has no catalog record, in 档号, page and path order.
    public var unmatchedImages: [String]
    /// The catalog's row errors, carried through.
    public var catalogErrors: [CSVRowError]

    /// Makes a result.
    public init(records: [RecordBinding], unmatchedImages: [String], catalogErrors: [CSVRowError]) {
        self.records = records
        self.unmatchedImages = unmatchedImages
        self.catalogErrors = catalogErrors
    }

    /// The records that were bound.
    public var bound: [RecordBinding] { records.filter { $0.status == .bound } }
    /// The records that were held.
    public var held: [RecordBinding] { records.filter { $0.status == .held } }
    /// Whether everything bound, every image matched and the catalog had no bad rows.
    public var isClean: Bool { held.isEmpty && unmatchedImages.isEmpty && catalogErrors.isEmpty }

    enum CodingKeys: String, CodingKey {
        case records
        case unmatchedImages = "unmatched_images"
        case catalogErrors = "catalog_errors"
    }

    /// The contract's form of a catalog error.
    private struct RowErrorEntry: Codable {
        var line: Int
        var reason: String
    }

    /// Decodes a result.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        records = try container.decode([RecordBinding].self, forKey: .records)
        unmatchedImages = try container.decode([String].self, forKey: .unmatchedImages)
        catalogErrors = try container.decode([RowErrorEntry].self, forKey: .catalogErrors)
            .map { CSVRowError(file: "", line: $0.line, reason: $0.reason) }
    }

    /// Encodes a result with exactly the contract's keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(records, forKey: .records)
        try container.encode(unmatchedImages, forKey: .unmatchedImages)
        try container.encode(
            catalogErrors.map { RowErrorEntry(line: $0.line, reason: $0.reason) },
            forKey: .catalogErrors)
    }
}
