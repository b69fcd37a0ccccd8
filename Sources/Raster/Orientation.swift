/// How a stored image maps onto its display: the TIFF Orientation tag (274) and the EXIF Orientation tag
/// (0x0112), which share the same eight values.
///
/// Each case names where the stored image's first row and first column go on display: `.rightTop` (6) means
/// the first stored row is the right side of the displayed page and the first stored column its top, so the
/// stored image is shown turned a quarter clockwise. Cases 5–8 swap width and height.
///
/// ```swift
/// let upright = stored.applyingOrientation(.bottomRight) // turned half a turn
/// ```
public enum Orientation: Int, Sendable, Equatable, CaseIterable, Codable {
    /// 1: stored as displayed.
    case topLeft = 1
    /// 2: mirrored left to right.
    case topRight = 2
    /// 3: turned half a turn.
    case bottomRight = 3
    /// 4: mirrored top to bottom.
    case bottomLeft = 4
    /// 5: transposed (mirrored about the main diagonal).
    case leftTop = 5
    /// 6: displayed by turning the stored image a quarter turn clockwise.
    case rightTop = 6
    /// 7: transversed (mirrored about the anti-diagonal).
    case rightBottom = 7
    /// 8: displayed by turning the stored image a quarter turn counter-clockwise.
    case leftBottom = 8

    /// The orientation a tag value states; nil for values outside 1...8.
    public init?(tagValue: Int) {
        self.init(rawValue: tagValue)
    }

    /// Whether display swaps the stored width and height (values 5–8).
    public var swapsAxes: Bool { rawValue >= 5 }

    /// What display does to the stored image, in words ("none", "rotate 90° clockwise", "mirror left-right"…),
    /// for processing records.
    public var displayTransform: String {
        switch self {
        case .topLeft: "none"
        case .topRight: "mirror left-right"
        case .bottomRight: "rotate 180°"
        case .bottomLeft: "mirror top-bottom"
        case .leftTop: "transpose (mirror about the main diagonal)"
        case .rightTop: "rotate 90° clockwise"
        case .rightBottom: "transverse (mirror about the anti-diagonal)"
        case .leftBottom: "rotate 90° counter-clockwise"
        }
    }

    /// The displayed size of an image stored `width` × `height`.
    public func displaySize(width: Int, height: Int) -> (width: Int, height: Int) {
        swapsAxes ? (height, width) : (width, height)
    }

    /// The stored pixel shown at display position (`x`, `y`), for an image stored `width` × `height`.
    ///
    /// The definition every transform here follows; useful to check one independently.
    public func storedPosition(x: Int, y: Int, width: Int, height: Int) -> (x: Int, y: Int) {
        switch self {
        case .topLeft: (x, y)
        case .topRight: (width - 1 - x, y)
        case .bottomRight: (width - 1 - x, height - 1 - y)
        case .bottomLeft: (x, height - 1 - y)
        case .leftTop: (y, x)
        case .rightTop: (y, height - 1 - x)
        case .rightBottom: (width - 1 - y, height - 1 - x)
        case .leftBottom: (width - 1 - y, x)
        }
    }
}
