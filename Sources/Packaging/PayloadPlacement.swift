/// How ``BagWriter`` puts payload files into the bag.
public enum PayloadPlacement: String, Sendable, Codable {
    /// Hard-link when the source is on the same filesystem (fast, no extra space), copy otherwise.
    ///
    /// A hard-linked payload file shares its content with the source: changing the source changes the bag.
    case hardLinkWhenPossible
    /// Always copy (and fsync) the bytes.
    case copy
}
