public import Foundation

/// The shared corpus of real image files (`<repo>/../shared/corpus`, or `$QUIRE_CORPUS`).
public enum Corpus {
    /// One row of MANIFEST.tsv.
    public struct Entry: Sendable {
        /// The file, relative to the corpus folder.
        public var path: String
        /// Its size in bytes (-1 when the manifest has none).
        public var size: Int
        /// What a decoder must make of it: `valid`, `corrupt`, `unsupported`…
        public var expect: String
        /// The manifest's category (the kind of damage or feature).
        public var category: String
        /// `image` or another kind of file.
        public var kind: String
        /// Why the expectation holds (the reference that says so).
        public var basis: String

        /// The file's URL.
        public var url: URL { Corpus.root!.appendingPathComponent(path) }
        /// The file's name.
        public var name: String { (path as NSString).lastPathComponent }
        /// The file's name without its extension.
        public var stem: String { (name as NSString).deletingPathExtension }
        /// The file's bytes.
        public func data() throws -> Data { try Data(contentsOf: url) }
    }

    /// The corpus folder, or nil when it is absent.
    public static let root: URL? = {
        let fm = FileManager.default
        let candidate: URL
        if let env = ProcessInfo.processInfo.environment["QUIRE_CORPUS"], !env.isEmpty {
            candidate = URL(fileURLWithPath: env, isDirectory: true)
        } else {
            candidate = Repository.root.deletingLastPathComponent().appendingPathComponent("shared/corpus", isDirectory: true)
        }
        return fm.fileExists(atPath: candidate.appendingPathComponent("MANIFEST.tsv").path) ? candidate : nil
    }()

    /// Whether the corpus is there.
    public static var isAvailable: Bool { root != nil }

    /// Every manifest row (empty when the corpus is absent).
    public static let entries: [Entry] = {
        guard let root, let text = try? String(contentsOf: root.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8)
        else { return [] }
        var rows = [Entry]()
        var header: [String: Int] = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if number == 0 {
                for (i, name) in columns.enumerated() { header[name] = i }
                continue
            }
            func column(_ name: String) -> String {
                guard let i = header[name], i < columns.count else { return "" }
                return columns[i]
            }
            rows.append(
                Entry(
                    path: column("path"), size: Int(column("size")) ?? -1, expect: column("expect"),
                    category: column("category"), kind: column("kind"), basis: column("basis")))
        }
        return rows
    }()

    /// Image rows with the given expectation (and category, when given).
    public static func images(_ expect: String, category: String? = nil) -> [Entry] {
        entries.filter { $0.kind == "image" && $0.expect == expect && (category == nil || $0.category == category) }
    }
}
