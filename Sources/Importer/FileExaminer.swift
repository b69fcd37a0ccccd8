import QuireCore
import ArchivalCode
import Fixity
import Foundation
import ImageCodecs
import Ledger
import BlockingWork

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
    func examine(_ entry: DeliveryEntry) -> Outcome { examine(entry, keeping: nil, then: { (_: AcceptedPage) in () }).outcome }

    /// Examines a file; with `algorithms`, a page that decodes is handed with its image and the digests of its
    /// bytes for those algorithms, all from one read, to `followUp`, in this worker, while the page's memory is
    /// still reserved.
    ///
    /// Memory follows the shared ``MemoryBudget``, not what the file claims: the signature is read from the first
    /// bytes (a file that is no image is hashed in a stream, never loaded), the image header gives the decoded
    /// size, and the page reserves its file size plus ``MemoryReservations/pageCopies`` bitmaps before it is loaded or decoded —
    /// or is quarantined `too_large` with the figures when that alone exceeds the budget.
    func examine<Output>(
        _ entry: DeliveryEntry, keeping algorithms: [DigestAlgorithm]?,
        then followUp: (AcceptedPage) -> Output
    ) -> (outcome: Outcome, output: Output?) {
        examine(entry, algorithms: algorithms ?? [.sha256], following: algorithms != nil, then: followUp)
    }

    private func examine<Output>(
        _ entry: DeliveryEntry, algorithms: [DigestAlgorithm], following: Bool,
        then followUp: (AcceptedPage) -> Output
    ) -> (Outcome, Output?) {
        func quarantine(_ reason: QuarantineReason, _ detail: String, sha256: String? = nil, name: PageName? = nil) -> (
            Outcome, Output?
        ) {
            (
                .quarantined(
                    QuarantineRecord(
                        path: entry.path, size: entry.size, mtimeNanoseconds: entry.mtimeNanoseconds,
                        sha256: sha256, reason: reason, detail: detail,
                        code: name?.code.canonical, page: name?.page)), nil
            )
        }
        var name: PageName?
        var nameProblem: NameMappingError?
        do { name = try naming.map(entry.path) } catch { nameProblem = error }

        switch entry.kind {
        case .file: break
        case .linkOutside(let target):
            return quarantine(
                .linkOutside,
                "symbolic link to \(target), outside the delivery: links are not followed out of a delivery; copy the file in instead",
                name: name)
        case .directoryLink(let target):
            return quarantine(
                .directoryLink,
                "symbolic link to the folder \(target): folder links are not followed, so no page is registered twice", name: name
            )
        case .special:
            return quarantine(.notAFile, "not a regular file (device, FIFO or socket)", name: name)
        case .unreadable(let reason):
            return quarantine(.unreadable, "cannot be read: \(reason)", name: name)
        case .undecodableName(let isFolder):
            let what = isFolder ? "folder name is not valid UTF-8, so its files were not read" : "file name is not valid UTF-8"
            return quarantine(
                .unparseableName, "\(what) (each \\xHH above is a byte of no UTF-8 character); rename it in UTF-8 and redeliver")
        }

        if entry.size == 0 {
            return quarantine(.emptyFile, "zero-byte file: the scan was not written; rescan the page", name: name)
        }
        let path = root + "/" + entry.path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return quarantine(.unreadable, "cannot be read: \(String(cString: strerror(errno)))", name: name) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            return quarantine(.notAFile, "not a regular file when opened", name: name)
        }
        let size = Int64(info.st_size)
        /// The file's digests in a stream, for files that are not loaded.
        func streamedSHA256() -> String? {
            guard lseek(fd, 0, SEEK_SET) == 0 else { return nil }
            return try? FileDigester.digest(fd: fd, path: path, algorithms: [.sha256])[.sha256]
        }

        // The signature, from the first bytes: a file that is no image is never loaded whole.
        var head = [UInt8](repeating: 0, count: 8)
        let headRead = head.withUnsafeMutableBytes { raw in
            Result { () throws(SystemCallError) in try Syscall.pread(fd, into: raw, at: 0) }
        }
        let headCount: Int
        switch headRead {
        case .success(let count): headCount = count
        case .failure(let error): return quarantine(.unreadable, "cannot be read: \(error.message)", name: name)
        }
        head.removeLast(8 - headCount)
        let ext = (entry.path as NSString).pathExtension
        let claimed = ImageFormat.claimed(byExtension: ext)
        guard nameProblem == nil, name != nil, let format = ImageFormat.sniff(head) else {
            let sha256 = streamedSHA256()
            if let nameProblem { return quarantine(.unparseableName, nameProblem.reason, sha256: sha256) }
            guard name != nil else { return quarantine(.unparseableName, "no 档号 and page", sha256: sha256) }
            let shown = head.map { String(format: "%02x", $0) }.joined(separator: " ")
            let claim = claimed.map { "named .\(ext) (\($0.displayName)) but " } ?? ""
            return quarantine(
                .unknownFormat, "\(claim)content starts with \(shown), which is no TIFF, PNG or JPEG signature", sha256: sha256,
                name: name)
        }

        // What the page will hold: the file, and the decoded bitmap a few times over.
        let budget = MemoryReservations.shared
        var options = decodeOptions
        let need: Int
        if let header = ImageHeader.read(fd: fd, size: size) {
            need = MemoryReservations.pageCost(fileBytes: Int(clamping: size), bitmapBytes: header.decodedBytes)
            if need > budget.limit {
                return quarantine(
                    .tooLarge,
                    "the file claims \(header.summary): decoding it needs about \(Self.megabytes(need)) MB, more than the memory budget of \(Self.megabytes(budget.limit)) MB (QUIRE_MEMORY_BUDGET); raise the budget on a machine with the memory, or rescan the page smaller",
                    sha256: streamedSHA256(), name: name)
            }
        } else {
            // A header this cannot read: the decoder will most likely reject the file; bound what it may allocate.
            need = min(budget.limit, Int(clamping: size) + budget.limit / 4)
            options.maxPixels = min(options.maxPixels, budget.limit / (4 * MemoryReservations.pageCopies))
        }
        return budget.withReservation(need) { () -> (Outcome, Output?) in
            let data: Data
            let digests: [DigestAlgorithm: String]
            do throws(FixityError) {
                (data, digests) = try FileDigester.readWhole(
                    fd: fd, path: path, size: size,
                    algorithms: algorithms.contains(.sha256) ? algorithms : [.sha256] + algorithms)
            } catch {
                return quarantine(.unreadable, "cannot be read: \(error.reason)", name: name)
            }
            let sha256 = digests[.sha256]!
            guard let name else { return quarantine(.unparseableName, "no 档号 and page", sha256: sha256) }
            if claimed != format {
                let claim = claimed.map { "\($0.displayName)" } ?? "no image format"
                return quarantine(
                    .extensionMismatch,
                    "named .\(ext) (\(claim)) but the content is \(format.displayName); rename it .\(preferredExtension(format)) or redeliver",
                    sha256: sha256, name: name)
            }
            guard formats.contains(format) else {
                return quarantine(
                    .formatNotAllowed, "\(format.displayName) is not among the formats this pipeline accepts (import.formats)",
                    sha256: sha256, name: name)
            }
            let decoded: DecodedImage
            do throws(DecodeError) {
                decoded = try ImageDecoder.decode(data, as: format, options: options)
            } catch {
                let reason: QuarantineReason =
                    switch error {
                    case .unrecognizedFormat: .unknownFormat
                    case .corrupt: .corrupt
                    case .unsupported: .unsupported
                    case .tooLarge: .tooLarge
                    case .multiPage: .multiPage
                    }
                return quarantine(reason, error.message, sha256: sha256, name: name)
            }
            let info = decoded.info
            let page = PageRecord(
                path: entry.path, size: entry.size, mtimeNanoseconds: entry.mtimeNanoseconds,
                sha256: sha256, format: format.rawValue, width: info.width, height: info.height,
                bitsPerSample: info.bitsPerSample, samplesPerPixel: info.samplesPerPixel,
                colorType: info.colorType.rawValue, compression: info.compression,
                dpiX: info.resolution?.x, dpiY: info.resolution?.y, frames: info.frames,
                code: name.code.canonical, page: name.page, state: .decoded)
            guard following else { return (.page(page), nil) }
            return (.page(page), followUp(AcceptedPage(page: page, image: decoded, digests: digests)))
        }
    }

    private static func megabytes(_ bytes: Int) -> String {
        bytes == .max ? "more than 9 EB" : String(format: "%.1f", Double(bytes) / 1_048_576)
    }

    /// Re-hashes a registered page whose size or mtime moved.
    func recheck(_ entry: DeliveryEntry, registeredSHA256: String) -> Outcome {
        let sha256: String
        do {
            sha256 = try FileDigester.digest(path: root + "/" + entry.path, algorithms: [.sha256])[.sha256]!
        } catch {
            return .changed(
                ChangedFile(
                    path: entry.path, registeredSHA256: registeredSHA256, foundSHA256: "unreadable: \(error.reason)",
                    foundSize: entry.size))
        }
        if sha256 == registeredSHA256 { return .sameBytes(path: entry.path, mtimeNanoseconds: entry.mtimeNanoseconds) }
        return .changed(
            ChangedFile(path: entry.path, registeredSHA256: registeredSHA256, foundSHA256: sha256, foundSize: entry.size))
    }

    private func preferredExtension(_ format: ImageFormat) -> String {
        switch format {
        case .tiff: "tif"
        case .png: "png"
        case .jpeg: "jpg"
        }
    }
}
