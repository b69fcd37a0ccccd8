public import QuireCore
import Foundation

/// The bags `quire verify` is given: a folder is a bag when it holds `bagit.txt` or `data`, else the bags are its
/// children that hold `bagit.txt` (hidden ones, such as a writer's partial folders, left out).
public enum BagFolders {
    /// The bags at or directly under each of `paths`, in order (children sorted by name).
    ///
    /// Whether a folder holds `bagit.txt` or `data/` is asked of the entry itself (`lstat`): a link there is never
    /// followed here, and the verifier reports where it leads.
    public static func bags(under paths: [String]) throws(QuireError) -> [String] {
        var bags: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw QuireError(.couldNotRun, stage: .verify, message: "\(path): no such folder")
            }
            if hasEntry(path + "/bagit.txt") || hasEntry(path + "/data") {
                bags.append(path)
            } else {
                let children = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                bags += children.filter { !$0.hasPrefix(".") }.sorted().map { path + "/" + $0 }
                    .filter { hasEntry($0 + "/bagit.txt") }
            }
        }
        guard !bags.isEmpty else {
            throw QuireError(
                .couldNotRun, stage: .verify,
                message: "no bag (a folder with bagit.txt) under \(paths.joined(separator: ", "))")
        }
        return bags
    }

    /// Whether something (of any kind, a link included, not followed) is at `path`.
    static func hasEntry(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }
}
