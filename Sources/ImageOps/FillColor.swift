/// What `Rotator` paints where the rotated page leaves the frame (the corners).
public enum FillColor: Sendable, Equatable {
    /// The paper colour estimated from the image's outer frame: the per-channel median of a band 1% of the
    /// shorter side wide (at least 1 pixel) along all four edges.
    case estimatedPaper
    /// A gray level (replicated on each channel of a colour image).
    case gray(UInt8)
    /// A colour (reduced to BT.601 luma for a gray image).
    case rgb(UInt8, UInt8, UInt8)
}
