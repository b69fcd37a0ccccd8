import Foundation
public import QuireCore

/// The seed of a test's random choices (delays, orders, data), so that a failure can be replayed.
///
/// The seed is `QUIRE_TEST_SEED` when set, else drawn at random; put `seed.comment` in every expectation's
/// message, and a failing run names the value to set:
///
/// ```swift
/// let seed = TestSeed()
/// var rng = seed.generator()
/// #expect(result == expected, "\(seed)")   // "… QUIRE_TEST_SEED=1234567 replays this run"
/// ```
public struct TestSeed: Sendable, CustomStringConvertible {
    /// The seed.
    public let value: UInt64

    /// The seed from `QUIRE_TEST_SEED` (decimal or 0x-hex), or a random one when it is unset or does not parse.
    public init() {
        if let text = ProcessInfo.processInfo.environment["QUIRE_TEST_SEED"], let parsed = Self.parse(text) {
            value = parsed
        } else {
            value = UInt64.random(in: 0...UInt64.max)
        }
    }

    /// A fixed seed.
    public init(_ value: UInt64) { self.value = value }

    /// A generator starting at this seed.
    public func generator() -> SplitMix { SplitMix(seed: value) }

    /// How to replay the run: `QUIRE_TEST_SEED=<value> replays this run`.
    public var description: String { "QUIRE_TEST_SEED=\(value) replays this run" }

    static func parse(_ text: String) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased().hasPrefix("0x") { return UInt64(trimmed.dropFirst(2), radix: 16) }
        return UInt64(trimmed)
    }
}
