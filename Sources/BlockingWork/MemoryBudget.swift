public import Foundation
public import QuireCore

/// How many bytes of file content a command may hold in memory at once, shared by its workers: set with
/// `QUIRE_MEMORY_BUDGET` (or a command's `--memory-budget`); by default 1 GiB, or half the machine's memory when
/// that is less, which leaves room on a 2 GB machine for the process itself and the page cache.
///
/// Written as a number of MiB (`512`) or with a binary suffix: `K`, `M`, `G` or `T`, optionally followed by
/// `iB` or `B` (`512M`, `2G`, `1536MiB`, `64k`); `B` alone means bytes (`1048576B`). At least 1 MiB.
///
/// ```swift
/// let budget = try MemoryBudget.fromEnvironment()   // QUIRE_MEMORY_BUDGET=2G → 2 147 483 648 bytes
/// let small = try MemoryBudget(parsing: "8M")
/// ```
public struct MemoryBudget: Sendable, Equatable, CustomStringConvertible {
    /// The budget in bytes.
    public var bytes: Int

    /// The environment variable every command reads.
    public static let environmentVariable = "QUIRE_MEMORY_BUDGET"
    /// The budget when none is given: 1 GiB, or half the physical memory when that is less.
    public static let standard = MemoryBudget(bytes: Int(min(UInt64(1) << 30, ProcessInfo.processInfo.physicalMemory / 2)))
    /// The smallest budget accepted.
    public static let minimumBytes = 1 << 20

    /// A budget of `bytes` (raised to the minimum).
    public init(bytes: Int) { self.bytes = max(Self.minimumBytes, bytes) }

    /// Parses a budget as written above.
    public init(parsing text: String) throws(MemoryBudgetError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        var unit = trimmed.dropFirst(digits.count).uppercased()
        if unit.hasSuffix("IB") { unit.removeLast(2) } else if unit.count == 2 && unit.hasSuffix("B") { unit.removeLast() }
        let shift: Int? =
            switch unit {
            case "": 20
            case "B": 0
            case "K": 10
            case "M": 20
            case "G": 30
            case "T": 40
            default: nil
            }
        guard !digits.isEmpty, let shift, let value = Int(digits) else { throw MemoryBudgetError(text: text) }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: 1 << shift)
        guard !overflow, bytes >= Self.minimumBytes else { throw MemoryBudgetError(text: text) }
        self.bytes = bytes
    }

    /// The budget `QUIRE_MEMORY_BUDGET` sets in `environment`, or ``standard`` when it is unset or empty.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(MemoryBudgetError) -> MemoryBudget {
        guard let text = environment[environmentVariable], !text.isEmpty else { return standard }
        do { return try MemoryBudget(parsing: text) } catch {
            throw MemoryBudgetError(text: text, source: environmentVariable)
        }
    }

    /// The budget in MiB, rounded down, with its unit: `512 MiB`.
    public var description: String { "\(bytes >> 20) MiB" }
}

/// A memory budget that does not parse, with where it came from.
public struct MemoryBudgetError: Error, Sendable, Equatable, CustomStringConvertible, QuireErrorConvertible {
    /// The text given.
    public var text: String
    /// Where it came from (an environment variable), when not an option.
    public var source: String?

    /// Makes an error for `text`, read from `source` (nil when it came from an option).
    public init(text: String, source: String? = nil) {
        self.text = text
        self.source = source
    }

    /// Quotes the text (after its source, when known) and says how a budget is written.
    public var description: String {
        (source.map { "\($0): " } ?? "")
            + "\"\(text)\" is not a memory budget: give MiB (512) or a size with K, M, G or T (512M, 2G), at least 1 MiB"
    }

    /// A setting that does not parse is a usage error (exit 2).
    public var quireError: QuireError { QuireError(.usage, stage: .policy, message: description) }
}
