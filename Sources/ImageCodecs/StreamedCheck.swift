/// What ``ImageDecoder/check(descriptor:size:memoryLimit:options:)`` found about an image read from a file
/// piece by piece, never held whole.
public enum StreamedCheck: Sendable, Equatable {
    /// The image decodes in full: what it says about itself, as ``ImageDecoder/check(_:options:)`` reports it.
    case decoded(ImageInfo)
    /// It does not decode.
    case failed(DecodeError)
    /// Checking it would hold more than the limit at once (`bytes`: one strip or tile with its compressed bytes,
    /// a page for layouts read whole, the file for formats other than TIFF); nothing was decoded.
    case needsMoreMemory(bytes: Int)
}
