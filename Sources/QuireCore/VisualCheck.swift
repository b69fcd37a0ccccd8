/// An auditor's verdict on one page in the visual check of DA/T 31 acceptance (图像质量抽检).
public enum VisualVerdict: String, Sendable, Codable, CaseIterable {
    /// The image is acceptable.
    case pass
    /// It is not: the page's record is held.
    case fail
}

/// Why a page failed the visual check: the fixed list an auditor chooses from.
public enum VisualCheckReason: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// The page is visibly skewed (歪斜).
    case skew
    /// Cropped badly: text cut off, or wide black borders (裁边不当).
    case crop
    /// Out of focus or smeared (模糊).
    case blur
    /// A page of the original is missing, or a page is shown twice (漏页/重页).
    case missingPage = "missing_page"
    /// The image belongs to another record (错挂).
    case wrongRecord = "wrong_record"
    /// Scanned in the wrong colour mode: seals or red ink lost in grey or bitonal (色彩模式不当).
    case colourMode = "colour_mode"
    /// Too dark, too light or noisy to read (不清晰).
    case illegible
    /// Anything else, said in the note (其他).
    case other

    /// The stored spelling.
    public var description: String { rawValue }

    /// Chinese, then English, as the dashboard shows it.
    public var label: String {
        switch self {
        case .skew: "歪斜 skew"
        case .crop: "裁边不当 bad crop"
        case .blur: "模糊 blur"
        case .missingPage: "漏页/重页 missing or doubled page"
        case .wrongRecord: "错挂 wrong record"
        case .colourMode: "色彩模式不当 wrong colour mode"
        case .illegible: "不清晰 illegible"
        case .other: "其他 other"
        }
    }
}
