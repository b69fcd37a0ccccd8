/// Process metadata (DA/T 31-2017 §4): who digitized the record, with what, when, and what was done.
public struct ProcessMetadata: Sendable, Hashable, Codable {
    /// The digitization vendor, when outsourced.
    public var vendor: String?
    /// The scanner.
    public var scanner: ScannerInfo?
    /// The scanning software.
    public var software: SoftwareInfo?
    /// The operator (`operator` in JSON and XML).
    public var operatorName: String?
    /// The scan date, ISO 8601 (`YYYY-MM-DD`, or a date and time).
    public var scanDate: String?
    /// The processing steps applied, in order.
    public var steps: [ProcessingStep]
    /// The quality-check results.
    public var qcResults: [QCResult]

    /// Makes process metadata.
    public init(
        vendor: String? = nil, scanner: ScannerInfo? = nil, software: SoftwareInfo? = nil,
        operatorName: String? = nil, scanDate: String? = nil, steps: [ProcessingStep] = [],
        qcResults: [QCResult] = []
    ) {
        self.vendor = vendor
        self.scanner = scanner
        self.software = software
        self.operatorName = operatorName
        self.scanDate = scanDate
        self.steps = steps
        self.qcResults = qcResults
    }

    enum CodingKeys: String, CodingKey {
        case vendor, scanner, software, steps
        case operatorName = "operator"
        case scanDate = "scan_date"
        case qcResults = "qc_results"
    }
}
