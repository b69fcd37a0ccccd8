/// How hard a Deflate-compressed master is compressed (the pipeline's `master.deflate_level`).
///
/// Both write standard zlib streams (RFC 1950/1951, TIFF compression 8) that every Deflate reader decodes; they
/// differ only in how much searching the encoder does.
public enum DeflateEffort: Sendable, Hashable, CustomStringConvertible {
    /// Huffman coding only: each strip gets its own Huffman code of its bytes, with no search for repeated strings
    /// (`DeflateCoding.HuffmanDeflate`). On scans the sensor noise leaves almost no repeated strings after the
    /// predictor, so this is as small as level 1 or smaller and about four times faster.
    case huffmanOnly
    /// libdeflate's level, 1 (fastest string matching) to 12 (smallest), through libtiff.
    case level(Int)

    /// The value as the pipeline file spells it: `huffman` or the level.
    public var description: String {
        switch self {
        case .huffmanOnly: "huffman"
        case .level(let n): String(n)
        }
    }

    /// Parses `huffman` or a level 1…12; nil for anything else.
    public init?(_ text: String) {
        if text == "huffman" {
            self = .huffmanOnly
        } else if let n = Int(text), (1...12).contains(n) {
            self = .level(n)
        } else {
            return nil
        }
    }
}
