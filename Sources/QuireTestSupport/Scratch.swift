public import Foundation
import ImageCodecs
public import Ledger
public import SyntheticPages

/// A scratch delivery and workspace for one stage test, removed when the value goes away.
///
/// ```swift
/// let s = try Scratch()
/// try s.tiff("0026-003-0045/0001.tif", seed: 1)
/// let ledger = try s.ledger()
/// ```
public final class Scratch {
    /// The folder holding the delivery and the workspace.
    public let root: String
    /// `root/delivery`: where the vendor's files go.
    public let delivery: String
    /// `root/workspace`: the ledger and the outputs.
    public let workspace: String

    /// Creates `quire-test-<uuid>` under the temporary folder, with an empty delivery and workspace.
    public init() throws {
        root = (NSTemporaryDirectory() as NSString).appendingPathComponent("quire-test-\(UUID().uuidString)")
        delivery = root + "/delivery"
        workspace = root + "/workspace"
        try FileManager.default.createDirectory(atPath: delivery, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// A small gray page (fast to write and decode) as a TIFF at `path` relative to the delivery.
    public func tiff(_ path: String, seed: UInt64, mode: SyntheticPage.Mode = .gray) throws {
        let page = SyntheticPage.make(mode, width: 160, height: 220, dpi: 200, seed: seed)
        try make(path)
        try TIFFEncoder.write(
            page, to: delivery + "/" + path,
            options: .init(compression: mode == .bitonal ? .g4 : .lzw))
    }

    /// A small colour page as a JPEG at `path` relative to the delivery.
    public func jpeg(_ path: String, seed: UInt64) throws {
        let page = SyntheticPage.make(.colour, width: 160, height: 220, dpi: 200, seed: seed)
        try make(path)
        try JPEGEncoder.write(page, to: delivery + "/" + path)
    }

    /// `data` as the file at `path` relative to the delivery.
    public func bytes(_ path: String, _ data: Data) throws {
        try make(path)
        try data.write(to: URL(fileURLWithPath: delivery + "/" + path))
    }

    /// The bytes of the delivery's file at `path`.
    public func read(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: delivery + "/" + path)) }

    private func make(_ path: String) throws {
        let folder = ((delivery + "/" + path) as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// The workspace's SQLite ledger (created on first use).
    public func ledger() throws -> SQLiteLedger { try SQLiteLedger(path: workspace + "/ledger.sqlite") }
}
