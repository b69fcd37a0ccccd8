/// Verified records that name an archive id the register does not have: counted nowhere, reported so
/// that a typo in a pipeline's `archive:` does not go unnoticed.
public struct UnregisteredArchive: Sendable, Hashable {
    /// The id the events name.
    public var id: String
    /// How many events.
    public var events: Int
    /// What they add up to.
    public var digitized: DigitizedCount

    /// Makes a value.
    public init(id: String, events: Int, digitized: DigitizedCount) {
        self.id = id
        self.events = events
        self.digitized = digitized
    }
}
