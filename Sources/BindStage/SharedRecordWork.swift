public import Catalog
import Fixity
import Foundation
public import Ledger
import QuireCore

/// Binding on other machines: the run records the catalog and process file it bound by (``RecordWork``), and a
/// `quire worker` that claims a record reads the very same files back, refusing them if they changed since.
extension BindStage {
    /// The largest catalog or process file read for shared work (a catalog of a million records is ~200 MB).
    static let largestSharedFile = 512 << 20

    /// What a run records for workers: absolute paths, the files' SHA-256, and the bags' folder.
    public static func recordWork(catalog: String, encoding: CatalogEncoding?, processFile: String?, out: String)
        throws(BindError) -> RecordWork
    {
        let catalogPath = absolute(catalog)
        let (_, catalogDigest) = try readShared(catalogPath, what: "catalog")
        let processPath = processFile.map(absolute)
        let processDigest = try processPath.map { (path: String) throws(BindError) -> String in
            try readShared(path, what: "process metadata file").digest
        }
        return RecordWork(
            catalog: catalogPath, catalogSHA256: catalogDigest, encoding: encoding?.rawValue, processFile: processPath,
            processSHA256: processDigest, out: absolute(out))
    }

    /// Reads the catalog and process file a run recorded, from the same bytes their digests are checked on.
    public func prepare(_ work: RecordWork) throws(BindError) -> Prepared {
        for path in [work.catalog, work.out] + (work.processFile.map { [$0] } ?? []) {
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            guard path.hasPrefix("/"), !path.contains("\0"), !parts.contains(".."), !parts.contains(".") else {
                throw .process(
                    file: path,
                    reason:
                        "the ledger's record work names a relative path or one with '.' or '..' in it; run 'quire run' on the batch again"
                )
            }
        }
        let (catalogBytes, catalogDigest) = try Self.readShared(work.catalog, what: "catalog")
        guard catalogDigest == work.catalogSHA256 else {
            throw .process(
                file: work.catalog,
                reason:
                    "the catalog changed since the run recorded it (SHA-256 \(catalogDigest.prefix(12))…, the run's \(work.catalogSHA256.prefix(12))…); run 'quire run' on the batch again with the catalog as it is now"
            )
        }
        let encoding: CatalogEncoding?
        if let name = work.encoding {
            guard let known = CatalogEncoding(rawValue: name) else {
                throw .process(file: work.catalog, reason: "the ledger's record work names an unknown encoding '\(name)'")
            }
            encoding = known
        } else {
            encoding = nil
        }
        let catalog: Catalog
        do {
            catalog = try CatalogReader(encoding: encoding, columns: .standardAndEnglish, codeRules: policy.intake.codeRules)
                .read(catalogBytes, source: work.catalog)
        } catch {
            throw .catalog(error)
        }
        var process = ProcessMetadata()
        if let path = work.processFile {
            let (bytes, digest) = try Self.readShared(path, what: "process metadata file")
            guard digest == work.processSHA256 else {
                throw .process(
                    file: path,
                    reason: "the process metadata file changed since the run recorded it; run 'quire run' on the batch again")
            }
            guard let text = String(data: bytes, encoding: .utf8) else {
                throw .process(file: path, reason: "not UTF-8 text")
            }
            process = try ProcessFile.parse(text, file: path)
        }
        return Prepared(catalog: catalog, catalogPath: work.catalog, process: process)
    }

    /// A regular file's bytes (not a FIFO, folder or device; at most ``largestSharedFile``) and their SHA-256.
    static func readShared(_ path: String, what: String) throws(BindError) -> (bytes: Data, digest: String) {
        guard let regular = Syscall.isRegularFile(path) else {
            throw .process(file: path, reason: "the \(what) cannot be found (\(String(cString: strerror(errno))))")
        }
        guard regular else { throw .process(file: path, reason: "the \(what) is not a regular file") }
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int, size <= largestSharedFile
        else {
            throw .process(
                file: path, reason: "the \(what) is larger than \(largestSharedFile >> 20) MiB, or its size cannot be read")
        }
        let bytes: Data
        do { bytes = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe) } catch {
            throw .process(file: path, reason: "the \(what) cannot be read (\(error.localizedDescription))")
        }
        guard bytes.count <= largestSharedFile else {
            throw .process(file: path, reason: "the \(what) is larger than \(largestSharedFile >> 20) MiB")
        }
        var digest = MultiDigest([.sha256])
        digest.update(bytes)
        return (bytes, digest.finalize()[.sha256] ?? "")
    }

    private static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
