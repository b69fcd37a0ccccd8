/// One processing step the normalizer applied to a page, with its parameters as recorded in the page's
/// `page.normalized` event: `{"step":"deskew","measured_degrees":"1.20",…}` (keys sorted, values as text).
public struct ProcessStep: Sendable, Equatable {
    /// What was done.
    public enum Kind: String, Sendable, CaseIterable {
        /// The decode turned the pixels upright (TIFF/EXIF orientation).
        case orientation
        /// The colour mode was decided (kept colour for red, or reduced to gray).
        case colourMode = "colour_mode"
        /// The scanner's border was cropped.
        case borderCrop = "border_crop"
        /// The skew was measured and, above the threshold, corrected.
        case deskew
        /// The blank-page analysis.
        case blankDetection = "blank_detection"
        /// The archival master written.
        case master
        /// The access copy made.
        case access
        /// The thumbnail made.
        case thumbnail
    }

    /// What was done.
    public var kind: Kind
    /// Its parameters (`measured_degrees`, `compression`, …); never a key named `step`.
    public var parameters: [String: String]

    /// Makes a step.
    public init(_ kind: Kind, _ parameters: [String: String] = [:]) {
        self.kind = kind
        self.parameters = parameters.filter { $0.key != "step" }
    }
}

extension ProcessStep: Encodable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Encodes the step as one flat object: `step` beside the parameters.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(kind.rawValue, forKey: Key(stringValue: "step"))
        for (key, value) in parameters { try c.encode(value, forKey: Key(stringValue: key)) }
    }
}
