/// A TIFF compression a preservation master may be written with (`master.compression.*` in a pipeline file);
/// `ImageCodecs`' TIFF encoder writes each of them.
public enum MasterCompression: String, Sendable, Codable, CaseIterable {
    /// Uncompressed.
    case none
    /// LZW (lossless; with the horizontal predictor for 8- and 16-bit samples).
    case lzw
    /// Adobe Deflate (lossless; with the horizontal predictor for 8- and 16-bit samples).
    case deflate
    /// PackBits run-length (lossless).
    case packbits
    /// CCITT Group 4 fax: bilevel images only.
    case g4

    /// The compressions a master of more than one bit per sample (gray, colour) may use: all but G4.
    public static let continuousTone: [MasterCompression] = [.lzw, .deflate, .packbits, .none]

    /// The compressions a bitonal master may use: G4 first, then the others.
    public static let bitonal: [MasterCompression] = [.g4] + continuousTone
}
