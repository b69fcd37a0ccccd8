public import Foundation

/// The repository the tests run from, and the shared corpus beside it.
public enum Repository {
    /// The repository root: three levels up from this file (`Sources/QuireTestSupport/Repository.swift`).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A file under `samples/`.
    public static func sample(_ name: String) -> URL {
        root.appendingPathComponent("samples").appendingPathComponent(name)
    }
}
