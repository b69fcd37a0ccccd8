import Foundation
import Hummingbird
import Ledger
import Packaging
import QuireCore

/// The files of a record the dashboard shows, read through the workspace opened as a ``ConfinedFolder``: a path
/// comes from the ledger (a page it holds, an output it recorded), never from the URL, and the kernel refuses any
/// step out of the workspace, symbolic links included.
enum RecordFiles {
    /// The largest image served.
    static let imageLimit: UInt64 = 64 << 20

    /// An access copy or thumbnail of a page the ledger holds and whose output it recorded, or nil.
    static func image(_ output: WorkspaceLayout.PageOutput, batch: String, key: PageKey, source: DashboardSource) throws
        -> Data?
    {
        guard let page = try source.ledger.pages(batch: batch, code: key.code).first(where: { $0.page == key.page }) else {
            return nil
        }
        let role: FileRole = output == .access ? .access : .thumbnail
        let relative = WorkspaceLayout(root: source.workspace, pageDigits: source.pageDigits).relativePath(
            of: output, code: page.code, page: page.page)
        let recorded = try source.ledger.fixityRecords(batch: batch, paths: [relative]).first {
            $0.root == .workspace && $0.role == role
        }
        guard let recorded else { return nil }
        do {
            return try ConfinedFolder(path: source.workspace).contents(of: recorded.path, limit: imageLimit)
        } catch {
            if error.isMissing { return nil }
            if error.leavesFolder {
                throw HTTPError(.forbidden, message: "\(recorded.path) leads out of the workspace: not served")
            }
            throw error
        }
    }

    /// The record's catalog fields (name, value) from its `record.json`, or none when it has no metadata yet.
    static func catalogFields(code: String, workspace: String) -> [(name: String, value: String)] {
        let relative = WorkspaceLayout.metadataPath(code: code, .json)
        guard let data = try? ConfinedFolder(path: workspace).contents(of: relative, limit: 4 << 20),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let catalog = object["catalog"] as? [[String: Any]]
        else { return [] }
        return catalog.compactMap { field in
            guard let name = field["name"] as? String else { return nil }
            return (name, field["value"] as? String ?? "")
        }
    }
}
