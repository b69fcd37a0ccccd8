/// A raster file format Quire reads, identified by the file's leading bytes, never by its name.
public enum ImageFormat: String, Sendable, Codable, CaseIterable {
    case tiff
    case png
    case jpeg

    /// The format whose signature `header` starts with, or nil.
    ///
    /// TIFF: `II*\0` or `MM\0*` (classic) and `II+\0` / `MM\0+` (BigTIFF); PNG: the eight-byte
    /// signature `89 50 4E 47 0D 0A 1A 0A`; JPEG: `FF D8 FF`.
    public static func sniff(_ header: some Collection<UInt8>) -> ImageFormat? {
        let b = Array(header.prefix(8))
        if b.count >= 4 {
            if b[0] == 0x49, b[1] == 0x49, b[2] == 0x2A || b[2] == 0x2B, b[3] == 0x00 { return .tiff }
            if b[0] == 0x4D, b[1] == 0x4D, b[2] == 0x00, b[3] == 0x2A || b[3] == 0x2B { return .tiff }
        }
        if b == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return .png }
        if b.count >= 3, b[0] == 0xFF, b[1] == 0xD8, b[2] == 0xFF { return .jpeg }
        return nil
    }

    /// The format a file name's extension claims (case-insensitive), or nil for any other extension.
    public static func claimed(byExtension ext: String) -> ImageFormat? {
        switch ext.lowercased() {
        case "tif", "tiff": .tiff
        case "png": .png
        case "jpg", "jpeg", "jpe", "jfif": .jpeg
        default: nil
        }
    }

    /// The name users know the format by.
    public var displayName: String {
        switch self {
        case .tiff: "TIFF"
        case .png: "PNG"
        case .jpeg: "JPEG"
        }
    }
}
