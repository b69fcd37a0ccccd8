public import QuireCore
public import Fixity
import DurableIO
import Foundation

/// Writes a BagIt 1.0 bag (RFC 8493) so that a crash never leaves something that looks finished.
///
/// The bag is built in a hidden sibling folder `.<name>.partial-<pid>`: payload files are hard-linked when the
/// source is on the same file system (copied and fsynced otherwise), their sizes checked; then `bagit.txt`,
/// `bag-info.txt`, one `manifest-<algorithm>.txt` per manifest algorithm (digests as the caller computed them,
/// paths percent-encoded), any extra tag files, and `tagmanifest-<algorithm>.txt` over every tag file. The
/// finished folder is verified with ``BagVerifier`` (full by default), its folders fsynced, and only then renamed
/// to `<name>`; the destination folder is fsynced after the rename. Any failure removes the partial folder.
/// Partial folders left by a crashed process are removed by ``removeStrayPartials(in:)``.
///
/// The output is deterministic for the same inputs: manifest lines are sorted by path, bag-info elements keep
/// the caller's order (with `Payload-Oxum` and `Bag-Size` appended), and nothing depends on the clock — the
/// caller supplies `Bagging-Date`.
///
/// ```swift
/// var writer = BagWriter(manifestAlgorithms: [.sha256, .sha512], tagManifestAlgorithms: [.sha256])
/// let result = try await writer.write(name: "0026-003-0045", in: "/ws/bags", payload: files, bagInfo: [
///     BagInfoField("Source-Organization", "Example Archives"),
///     BagInfoField("Bagging-Date", "2026-03-14"),
///     BagInfoField("External-Identifier", "0026-003-0045"),
/// ])
/// ```
public struct BagWriter: Sendable {
    /// Algorithms of the payload manifests; every payload entry must carry a digest for each.
    public var manifestAlgorithms: [DigestAlgorithm]
    /// Algorithms of the tag manifests (may be empty).
    public var tagManifestAlgorithms: [DigestAlgorithm]
    /// Hard link or copy.
    public var placement: PayloadPlacement = .hardLinkWhenPossible
    /// How `%` is written in manifest paths (RFC 8493 form by default).
    public var pathEncoding: ManifestPathEncoding = .rfc8493
    /// How the finished bag is checked before it gets its final name.
    public var verification: BagVerificationMode = .full
    /// Files hashed at once during verification.
    public var workers: Int = WorkerCount.standard
    /// Also serialize the finished bag to `<name>.tar` beside it (see ``BagTarWriter``).
    public var serializeToTar = false

    /// Makes a writer.
    public init(
        manifestAlgorithms: [DigestAlgorithm] = [.sha256, .sha512], tagManifestAlgorithms: [DigestAlgorithm] = [.sha256, .sha512]
    ) {
        self.manifestAlgorithms = manifestAlgorithms
        self.tagManifestAlgorithms = tagManifestAlgorithms
    }

    /// The bag-info labels the writer computes itself.
    static let computedLabels: Set<String> = ["payload-oxum", "bag-size"]

    /// Builds the bag `<destination>/<name>` from `payload`, `bagInfo` and `extraTagFiles`.
    public func write(
        name: String, in destination: String, payload: [PayloadFile], bagInfo: [BagInfoField],
        extraTagFiles: [TagFile] = []
    ) async throws(BagWriteError) -> BagWriteResult {
        var folder = destination
        while folder.count > 1 && folder.hasSuffix("/") { folder.removeLast() }
        try Self.checkName(name)
        let manifestAlgorithms = Self.unique(manifestAlgorithms)
        let tagManifestAlgorithms = Self.unique(tagManifestAlgorithms)
        guard !manifestAlgorithms.isEmpty else { throw .noManifestAlgorithm }
        let entries = try Self.checkPayload(payload, algorithms: manifestAlgorithms)
        try Self.checkBagInfo(bagInfo)
        try Self.checkTagFiles(extraTagFiles)

        let finalPath = folder + "/" + name
        var info = stat()
        if lstat(finalPath, &info) == 0 { throw .destinationExists(finalPath) }
        let partial = folder + "/" + Self.partialName(for: name, pid: getpid())
        guard PartialRegistry.shared.claim(partial) else { throw .busy(finalPath) }
        defer { PartialRegistry.shared.release(partial) }

        do throws(DurableFileError) { try DurableFile.makeFolder(folder) } catch { throw .io(error) }
        if lstat(partial, &info) == 0 { try? FileManager.default.removeItem(atPath: partial) }  // a dead namesake's leftovers
        do throws(BagWriteError) {
            var folders = FolderMaker(root: partial)
            try folders.make("data")

            // Payload.
            var linked = 0, copied = 0
            for entry in entries {
                try folders.make((entry.bagPath as NSString).deletingLastPathComponent)
                if try PayloadPlacer.place(entry, at: partial + "/" + entry.bagPath, placement: placement) {
                    linked += 1
                } else {
                    copied += 1
                }
            }

            // Tag files.
            let octets = entries.reduce(UInt64(0)) { $0 + $1.size }
            let oxum = "\(octets).\(entries.count)"
            let bagSize = Self.formatBagSize(octets)
            var tagFiles = [(path: String, data: Data)]()
            tagFiles.append(("bagit.txt", Data("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".utf8)))
            let infoText = (bagInfo + [BagInfoField("Payload-Oxum", oxum), BagInfoField("Bag-Size", bagSize)])
                .map(BagInfoFormatter.format).joined()
            tagFiles.append(("bag-info.txt", Data(infoText.utf8)))
            for algorithm in manifestAlgorithms {
                var text = ""
                for entry in entries {
                    text += "\(entry.digests[algorithm]!) \(ManifestPath.encode(entry.bagPath, pathEncoding))\n"
                }
                tagFiles.append(("manifest-\(algorithm.rawValue).txt", Data(text.utf8)))
            }
            for file in extraTagFiles { tagFiles.append((ManifestPath.normalized(file.path), file.contents)) }
            tagFiles.sort { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
            var tagDigests = [(path: String, digests: [DigestAlgorithm: String])]()
            for file in tagFiles {
                try folders.make((file.path as NSString).deletingLastPathComponent)
                do throws(DurableFileError) { try DurableFile.write(file.data, to: partial + "/" + file.path) } catch {
                    throw .io(error)
                }
                var digest = MultiDigest(tagManifestAlgorithms)
                digest.update(file.data)
                tagDigests.append((file.path, digest.finalize()))
            }
            for algorithm in tagManifestAlgorithms {
                var text = ""
                for file in tagDigests { text += "\(file.digests[algorithm]!) \(ManifestPath.encode(file.path, pathEncoding))\n" }
                do throws(DurableFileError) {
                    try DurableFile.write(Data(text.utf8), to: partial + "/tagmanifest-\(algorithm.rawValue).txt")
                } catch { throw .io(error) }
            }
            try folders.syncAll()

            // Verify, then publish.
            var report = await BagVerifier.verify(partial, mode: verification, workers: workers)
            guard report.valid else { throw BagWriteError.verificationFailed(report) }
            if lstat(finalPath, &info) == 0 { throw BagWriteError.destinationExists(finalPath) }
            guard rename(partial, finalPath) == 0 else {
                throw BagWriteError.io(DurableFileError(path: finalPath, operation: "rename", errno: errno))
            }
            do throws(DurableFileError) { try DurableFile.syncFolder(folder) } catch { throw .io(error) }
            report.bagPath = finalPath

            var tarPath: String?
            if serializeToTar {
                let date = bagInfo.first { $0.label.lowercased() == "bagging-date" }?.value
                let path = folder + "/" + name + ".tar"
                try BagTarWriter.write(bag: finalPath, to: path, modificationTime: BagTarWriter.timestamp(baggingDate: date))
                tarPath = path
            }
            return BagWriteResult(
                path: finalPath, payloadOxum: oxum, bagSize: bagSize, linkedFileCount: linked,
                copiedFileCount: copied, verification: report, tarPath: tarPath)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    /// Removes partial bag folders (`.<name>.partial-<pid>`) in `folder` left by processes that are gone (or by
    /// this process, for bags it is not writing now). Returns the names removed, sorted.
    @discardableResult
    /// With `olderThan`, another process's partial is removed only when it has also not changed for that many
    /// seconds: in a bags folder other machines write into, their pids mean nothing here.
    public static func removeStrayPartials(in folder: String, olderThan age: Double? = nil) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var removed = [String]()
        for name in names.sorted() {
            guard name.hasPrefix("."), let marker = name.range(of: ".partial-", options: .backwards),
                marker.lowerBound > name.index(after: name.startIndex),
                let pid = Int32(name[marker.upperBound...]), pid > 0
            else { continue }
            let path = folder + "/" + name
            if pid == getpid() {
                if PartialRegistry.shared.isClaimed(path) { continue }
            } else if Syscall.processExists(pid) {
                continue  // that process is still alive and may be writing it
            } else if let age {
                var info = stat()
                guard stat(path, &info) == 0, Date().timeIntervalSince1970 - Double(info.st_mtim.tv_sec) > age else { continue }
            }
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(name) }
        }
        if !removed.isEmpty { try? DurableFile.syncFolder(folder) }
        return removed
    }

    /// `.<name>.partial-<pid>`.
    static func partialName(for name: String, pid: Int32) -> String { ".\(name).partial-\(pid)" }

    /// A human size for `Bag-Size`, in decimal units with one decimal (`42.6 GB`).
    static func formatBagSize(_ bytes: UInt64) -> String {
        let units = ["KB", "MB", "GB", "TB", "PB", "EB"]
        if bytes < 1000 { return "\(bytes) B" }
        var unit = 0
        var scale: UInt64 = 1000
        while unit < units.count - 1 && bytes / scale >= 1000 { scale *= 1000; unit += 1 }
        let tenth = scale / 10
        let tenths = bytes / tenth + (bytes % tenth >= tenth / 2 ? 1 : 0)
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    private static func unique(_ algorithms: [DigestAlgorithm]) -> [DigestAlgorithm] {
        var seen = Set<DigestAlgorithm>()
        return algorithms.filter { seen.insert($0).inserted }
    }
}
