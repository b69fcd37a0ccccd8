import ArchivalCode
import Fixity
import Foundation
import ImageCodecs
import Ledger

/// What the import learns about one delivered file. Runs in a worker; touches no shared state.
struct FileExaminer: Sendable {
    let root: String
    let naming: NamingRule
    let formats: Set<ImageFormat>
    let decodeOptions: DecodeOptions

    enum Outcome: Sendable {
        /// A page that decoded; `bytes` is its size, for throughput figures.
        case page(PageRecord)
        case quarantined(QuarantineRecord)
        /// A registered page seen again with a new mtime: its bytes are the same.
        case sameBytes(path: String, mtimeNanoseconds: Int64)
        /// A registered page whose bytes changed.
        case changed(ChangedFile)
    }

    /// Examines a file never seen (or a quarantined file that changed).
    func examine(_ entry: DeliveryEntry) -> Outcome { examine(entry, keeping: nil).outcome }

    /// Examines a file; with `algorithms`, a page that decodes also comes back with its image and the digests of
    /// its bytes for those algorithms, all from one read.
    func examine(_ entry: DeliveryEntry, keeping algorithms: [DigestAlgorithm]?) -> (outcome: Outcome, accepted: AcceptedPage?) {
        let outcome = examine(entry, algorithms: algorithms ?? [.sha256])
        return (outcome.0, algorithms == nil ? nil : outcome.1)
    }

    private func examine(_ entry: DeliveryEntry, algorithms: [DigestAlgorithm]) -> (Outcome, AcceptedPage?) {
        func quarantine(_ reason: QuarantineReason, _ detail: String, sha256: String? = nil, name: PageName? = nil) -> (Outcome, AcceptedPage?) {
            (.quarantined(QuarantineRecord(path: entry.path, size: entry.size, mtimeNanoseconds: entry.mtimeNanoseconds,
                                           sha256: sha256, reason: reason.rawValue, detail: detail,
                                           code: name?.code.canonical, page: name?.page)), nil)
        }
        var name: PageName?
        var nameProblem: NameMappingError?
        do { name = try naming.map(entry.path) } catch { nameProblem = error }

        switch entry.kind {
        case .file: break
        case .linkOutside(let target):
            return quarantine(.linkOutside, "symbolic link to \(target), outside the delivery: links are not followed out of a delivery; copy the file in instead", name: name)
        case .directoryLink(let target):
            return quarantine(.directoryLink, "symbolic link to the folder \(target): folder links are not followed, so no page is registered twice", name: name)
        case .special:
            return quarantine(.notAFile, "not a regular file (device, FIFO or socket)", name: name)
        case .unreadable(let reason):
            return quarantine(.unreadable, "cannot be read: \(reason)", name: name)
        }

        if entry.size == 0 {
            return quarantine(.emptyFile, "zero-byte file: the scan was not written; rescan the page", name: name)
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: root + "/" + entry.path))
        } catch {
            return quarantine(.unreadable, "cannot be read: \(describe(error))", name: name)
        }
        var digest = MultiDigest(algorithms.contains(.sha256) ? algorithms : [.sha256] + algorithms)
        digest.update(data)
        let digests = digest.finalize()
        let sha256 = digests[.sha256]!

        if let nameProblem {
            return quarantine(.unparseableName, nameProblem.reason, sha256: sha256)
        }
        guard let name else { return quarantine(.unparseableName, "no 档号 and page", sha256: sha256) }

        let ext = (entry.path as NSString).pathExtension
        let claimed = ImageFormat.claimed(byExtension: ext)
        guard let format = ImageFormat.sniff(data.prefix(8)) else {
            let head = data.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
            let claim = claimed.map { "named .\(ext) (\($0.displayName)) but " } ?? ""
            return quarantine(.unknownFormat, "\(claim)content starts with \(head), which is no TIFF, PNG or JPEG signature", sha256: sha256, name: name)
        }
        if claimed != format {
            let claim = claimed.map { "\($0.displayName)" } ?? "no image format"
            return quarantine(.extensionMismatch, "named .\(ext) (\(claim)) but the content is \(format.displayName); rename it .\(preferredExtension(format)) or redeliver",
                              sha256: sha256, name: name)
        }
        guard formats.contains(format) else {
            return quarantine(.formatNotAllowed, "\(format.displayName) is not among the formats this pipeline accepts (import.formats)",
                              sha256: sha256, name: name)
        }
        let decoded: DecodedImage
        do {
            decoded = try ImageDecoder.decode(data, as: format, options: decodeOptions)
        } catch {
            let reason: QuarantineReason = switch error {
            case .unrecognizedFormat: .unknownFormat
            case .corrupt: .corrupt
            case .unsupported: .unsupported
            case .tooLarge: .tooLarge
            case .multiPage: .multiPage
            }
            return quarantine(reason, error.message, sha256: sha256, name: name)
        }
        let info = decoded.info
        let page = PageRecord(path: entry.path, size: entry.size, mtimeNanoseconds: entry.mtimeNanoseconds,
                              sha256: sha256, format: format.rawValue, width: info.width, height: info.height,
                              bitsPerSample: info.bitsPerSample, samplesPerPixel: info.samplesPerPixel,
                              colorType: info.colorType.rawValue, compression: info.compression,
                              dpiX: info.resolution?.x, dpiY: info.resolution?.y, frames: info.frames,
                              code: name.code.canonical, page: name.page, state: .decoded)
        return (.page(page), AcceptedPage(page: page, image: decoded, digests: digests))
    }

    /// Re-hashes a registered page whose size or mtime moved.
    func recheck(_ entry: DeliveryEntry, registeredSHA256: String) -> Outcome {
        let sha256: String
        do {
            sha256 = try FileDigester.digest(path: root + "/" + entry.path, algorithms: [.sha256])[.sha256]!
        } catch {
            return .changed(ChangedFile(path: entry.path, registeredSHA256: registeredSHA256, foundSHA256: "unreadable: \(error.reason)", foundSize: entry.size))
        }
        if sha256 == registeredSHA256 { return .sameBytes(path: entry.path, mtimeNanoseconds: entry.mtimeNanoseconds) }
        return .changed(ChangedFile(path: entry.path, registeredSHA256: registeredSHA256, foundSHA256: sha256, foundSize: entry.size))
    }

    private func preferredExtension(_ format: ImageFormat) -> String {
        switch format {
        case .tiff: "tif"
        case .png: "png"
        case .jpeg: "jpg"
        }
    }

    private func describe(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }
}
