public import Foundation

/// A fresh folder under the system's temporary folder for one test, removed when the value goes away.
///
/// ```swift
/// let scratch = try ScratchFolder("import")
/// let delivery = scratch.url.appendingPathComponent("delivery")
/// ```
public final class ScratchFolder: Sendable {
    /// The folder.
    public let url: URL

    /// The folder's path.
    public var path: String { url.path }

    /// Creates `quire-<label>-<random>` under the temporary folder.
    public init(_ label: String = "test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "quire-\(label)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The path of `relative` inside the folder.
    public func path(_ relative: String) -> String { url.appendingPathComponent(relative).path }

    /// Writes `bytes` at `relative` (creating folders) and returns the absolute path.
    @discardableResult
    public func file(_ relative: String, _ bytes: [UInt8]) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        return full
    }

    /// Writes `text` (UTF-8) at `relative` and returns the absolute path.
    @discardableResult
    public func text(_ relative: String, _ text: String) throws -> String { try file(relative, Array(text.utf8)) }
}
