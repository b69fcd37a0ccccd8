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
}
