import Foundation

/// Checks a BagIt bag (RFC 8493, and versions 0.93–0.97) and reports every problem it finds.
///
/// ```swift
/// let report = await BagVerifier.verify("/ws/bags/0026-003-0045", mode: .full)
/// if !report.valid { for problem in report.problems { print(problem) } }
/// ```
///
/// Rule ids and severities are listed on ``BagRule``. What is checked:
/// - `bagit.txt`: present, no BOM, exactly the two declaration lines (1.0), a supported version, a known encoding.
/// - Payload manifests: at least one; each line `<hex> <path>` with one or more spaces or tabs between, the hex
///   length right for the algorithm (either case), paths percent-decoded (`%25`, `%0D`, `%0A`), safe, under
///   `data/`, unique; in 1.0 bags every manifest lists every payload file.
/// - Payload: nothing missing, nothing extra, every digest in every manifest (full mode), `Payload-Oxum`.
/// - Tag manifests: list every payload manifest, every listed file present, every digest (full mode).
/// - `bag-info.txt`: element format, folding, a single well-formed `Payload-Oxum`.
/// - `fetch.txt`: line format; every listed file not yet fetched is an error.
///
/// Older bags: tag files are decoded in the declared encoding (UTF-8, ISO-8859-1, US-ASCII, Windows-1252,
/// UTF-16 with or without BOM); bags before 0.96 use `package-info.txt` and may say `Payload-Ossum`; whitespace
/// around colons is accepted before 1.0; a payload file listed in only one of several manifests is accepted
/// before 1.0. MD5, SHA-1, SHA-256, SHA-512 and SM3 manifests are verified; others are reported and skipped.
///
/// Full mode reads each file once, computing every algorithm that lists it from the same buffer, `workers`
/// files at a time; a ``PayloadInspection`` may examine the same bytes on the same worker. Fast mode reads no
/// content.
public enum BagVerifier {
    /// The default number of files hashed at once: the active processor count.
    public static var defaultWorkers: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Verifies the bag at `bagPath` and returns every problem found; never throws.
    public static func verify(_ bagPath: String, mode: BagVerificationMode = .full, workers: Int = defaultWorkers) async -> BagReport {
        await verify(bagPath, mode: mode, workers: workers, inspection: PayloadInspection<Never>?.none).report
    }

    /// Verifies the bag at `bagPath` as ``verify(_:mode:workers:)`` does and, in full mode, hands every payload
    /// file `inspection` wants to it, from the bytes that were hashed. Returns the report and the findings by
    /// bag-relative path (none in fast mode, and none for files that were not hashed).
    public static func verify<Finding: Sendable>(
        _ bagPath: String, mode: BagVerificationMode = .full, workers: Int = defaultWorkers,
        inspecting inspection: PayloadInspection<Finding>
    ) async -> (report: BagReport, findings: [String: Finding]) {
        await verify(bagPath, mode: mode, workers: workers, inspection: inspection)
    }

    private static func verify<Finding: Sendable>(
        _ bagPath: String, mode: BagVerificationMode, workers: Int, inspection: PayloadInspection<Finding>?
    ) async -> (report: BagReport, findings: [String: Finding]) {
        var problems = ProblemCollector()
        var base = bagPath
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: base, isDirectory: &isFolder), isFolder.boolValue else {
            problems.error(.bagitMissing, nil, "There is no bag folder at \(base).")
            return (BagReport(bagPath: base, mode: mode, bagItVersion: nil, problems: problems.problems, payloadFileCount: 0,
                              payloadByteCount: 0, manifestNames: [], tagManifestNames: [], filesHashed: 0, bytesHashed: 0), [:])
        }

        let declaration = readDeclaration(base: base, problems: &problems)

        // Payload on disk.
        var dataIsFolder: ObjCBool = false
        let hasData = FileManager.default.fileExists(atPath: base + "/data", isDirectory: &dataIsFolder) && dataIsFolder.boolValue
        if !hasData { problems.error(.payloadDirectory, "data", "The bag has no data/ payload folder.") }
        let scan = hasData ? PayloadScanner.scan(bag: base) : PayloadScanner.Result()
        for path in scan.special {
            problems.warning(.payloadSpecial, path, "This is neither a regular file nor a folder, so it was skipped.")
        }
        for (path, reason) in scan.unreadable {
            problems.error(.fileUnreadable, path, "This could not be listed: \(reason).")
        }
        for (kept, twin) in scan.normalizationTwins {
            problems.error(.payloadExtra, twin, "This name differs from \(kept) only in Unicode normalization (NFC/NFD), so no manifest line can tell the two files apart.")
        }
        for (path, target) in scan.escaping {
            problems.error(.payloadSymlink, path, "This is a symbolic link to \(target), outside the bag; it was not read.")
        }
        let payloadBytes = scan.files.values.reduce(UInt64(0)) { $0 + $1.size }

        // Manifests.
        let topNames = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).sorted()
        let manifestNames = topNames.filter { $0.hasPrefix("manifest-") && $0.hasSuffix(".txt") && $0.count > 13 }
        let tagManifestNames = topNames.filter { $0.hasPrefix("tagmanifest-") && $0.hasSuffix(".txt") && $0.count > 16 }
        if manifestNames.isEmpty {
            problems.error(.manifestMissing, nil, "The bag has no payload manifest (manifest-<algorithm>.txt).")
        }
        let manifests = manifestNames.map {
            readManifest(base: base, name: $0, isTag: false, declaration: declaration, scan: scan, problems: &problems)
        }
        let tagManifests = tagManifestNames.map {
            readManifest(base: base, name: $0, isTag: true, declaration: declaration, scan: scan, problems: &problems)
        }
        for manifest in manifests + tagManifests where !manifest.algorithm.isSupported {
            problems.warning(.manifestAlgorithmUnsupported, manifest.name,
                             "Quire cannot compute \(manifest.algorithm.name) digests, so this manifest's digests were not checked.")
        }
        if mode == .full, !manifests.isEmpty, !manifests.contains(where: { $0.algorithm.isSupported }) {
            problems.error(.manifestUnverifiable, nil,
                           "No payload manifest uses an algorithm Quire computes (\(manifests.map(\.algorithm.name).joined(separator: ", "))), so no payload digest was checked.")
        }
        if !manifests.isEmpty, manifests.allSatisfy({ $0.algorithm.isWeak }) {
            problems.warning(.manifestWeakAlgorithm, nil,
                             "Every payload manifest uses MD5 or SHA-1; add a SHA-256 or SHA-512 manifest.")
        }

        // fetch.txt and bag-info.txt.
        let unfetched = readFetch(base: base, declaration: declaration, manifests: manifests, scan: scan, problems: &problems)
        let bagInfo = checkBagInfo(base: base, declaration: declaration, mode: mode, payloadFiles: scan.files.count,
                                   payloadBytes: payloadBytes, problems: &problems)

        // Completeness.
        var listedBy = [String: [String]]()
        for manifest in manifests {
            for path in manifest.entries.keys { listedBy[path, default: []].append(manifest.name) }
        }
        for (path, names) in listedBy where scan.files[path] == nil && !unfetched.contains(path) {
            problems.error(.payloadMissing, path, "\(names.joined(separator: ", ")) \(names.count == 1 ? "lists" : "list") this file but it is absent.")
        }
        for path in scan.files.keys where listedBy[path] == nil {
            problems.error(.payloadExtra, path, "This payload file is listed in no payload manifest.")
        }
        if declaration.isStrict {
            for manifest in manifests {
                for (path, names) in listedBy where manifest.entries[path] == nil {
                    problems.error(.manifestIncomplete, manifest.name, "This manifest lacks \(path), which \(names.joined(separator: ", ")) \(names.count == 1 ? "lists" : "list").")
                }
            }
        }

        // Tag manifests: coverage and presence.
        var presentTagFiles = [String: String]()  // bag-relative → absolute
        let bagRoot = PayloadScanner.realPath(base) ?? base
        let otherTagFiles = tagManifests.isEmpty ? [] : Self.tagFiles(base: base).filter {
            !manifestNames.contains($0) && !tagManifestNames.contains($0)
        }
        var checkedTagFiles = Set<String>()
        for tagManifest in tagManifests {
            for name in manifestNames where tagManifest.entries[name] == nil {
                problems.add(.tagmanifestIncomplete, declaration.isStrict ? .error : .warning, tagManifest.name,
                             "This tag manifest does not list the payload manifest \(name).")
            }
            for name in otherTagFiles where tagManifest.entries[name] == nil {
                problems.warning(.tagmanifestIncomplete, tagManifest.name, "This tag manifest does not list the tag file \(name) (RFC 8493 §2.2.1: it should).")
            }
            for path in tagManifest.entries.keys where !checkedTagFiles.contains(path) {
                checkedTagFiles.insert(path)
                let absolute = base + "/" + path
                var link = stat()
                if lstat(absolute, &link) == 0, link.st_mode & S_IFMT == S_IFLNK,
                   let outside = PayloadScanner.escapeTarget(ofLink: absolute, bagRoot: bagRoot) {
                    problems.error(.payloadSymlink, path, "This is a symbolic link to \(outside), outside the bag; it was not read.")
                    continue
                }
                var info = stat()
                if stat(absolute, &info) == 0, info.st_mode & S_IFMT == S_IFREG {
                    presentTagFiles[path] = absolute
                } else {
                    problems.error(.tagmanifestMissingFile, path, "\(tagManifest.name) lists this tag file but it is absent.")
                }
            }
        }

        var filesHashed = 0
        var bytesHashed: UInt64 = 0
        var findings = [String: Finding]()
        if mode == .full {
            // One job per file, with every algorithm any manifest wants for it.
            var jobs = [String: HashJob]()
            for manifest in manifests where manifest.algorithm.isSupported {
                for path in manifest.entries.keys {
                    guard let entry = scan.files[path] else { continue }
                    jobs[path, default: HashJob(relativePath: path, absolutePath: entry.absolutePath, algorithms: [],
                                                size: entry.size, inspect: inspection?.wants(path) ?? false)]
                        .algorithms.append(manifest.algorithm)
                }
            }
            for manifest in tagManifests where manifest.algorithm.isSupported {
                for path in manifest.entries.keys {
                    guard let absolute = presentTagFiles[path] else { continue }
                    jobs[path, default: HashJob(relativePath: path, absolutePath: absolute, algorithms: [], size: 0)]
                        .algorithms.append(manifest.algorithm)
                }
            }
            let outcomes = await ContentHasher.hashAll(Array(jobs.values), workers: workers, inspect: inspection?.inspect)
            var byPath = [String: HashOutcome]()
            for (outcome, finding) in outcomes {
                if let finding { findings[outcome.relativePath] = finding }
                byPath[outcome.relativePath] = outcome
                bytesHashed += outcome.bytes
                if let failure = outcome.failure {
                    problems.error(.fileUnreadable, outcome.relativePath, "This file could not be read: \(failure).")
                } else {
                    filesHashed += 1
                }
            }
            for manifest in manifests + tagManifests where manifest.algorithm.isSupported {
                for (path, expected) in manifest.entries {
                    guard let outcome = byPath[path], outcome.failure == nil, let actual = outcome.digests[manifest.algorithm] else { continue }
                    if actual != expected {
                        problems.error(manifest.isTag ? .tagmanifestDigest : .payloadDigest, path,
                                       "The \(manifest.algorithm.name) digest is \(actual) but \(manifest.name) records \(expected).")
                    }
                }
            }
        }

        let report = BagReport(bagPath: base, mode: mode, bagItVersion: declaration.versionText, problems: problems.problems,
                               payloadFileCount: scan.files.count, payloadByteCount: payloadBytes, manifestNames: manifestNames,
                               tagManifestNames: tagManifestNames, filesHashed: filesHashed, bytesHashed: bytesHashed,
                               bagInfo: bagInfo)
        return (report, findings)
    }
}

extension BagVerifier {
    /// The bag's tag files: every regular file outside `data/` (bag-relative), in sorted order.
    static func tagFiles(base: String) -> [String] {
        var found: [String] = []
        func walk(_ relative: String) {
            let absolute = relative.isEmpty ? base : base + "/" + relative
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: absolute)) ?? []).sorted() {
                let child = relative.isEmpty ? name : relative + "/" + name
                if relative.isEmpty && name == "data" { continue }
                var info = stat()
                guard lstat(base + "/" + child, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFREG: found.append(child)
                case S_IFDIR: walk(child)
                default: continue
                }
            }
        }
        walk("")
        return found
    }
}
