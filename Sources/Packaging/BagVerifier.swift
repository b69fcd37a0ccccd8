public import QuireCore
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
    /// Verifies the bag at `bagPath` and returns every problem found; never throws.
    public static func verify(_ bagPath: String, mode: BagVerificationMode = .full, workers: Int = WorkerCount.standard) async
        -> BagReport
    {
        await verify(bagPath, mode: mode, workers: workers, memory: .standard, inspection: PayloadInspection<Never>?.none).report
    }

    /// Verifies the bag at `bagPath` as ``verify(_:mode:workers:)`` does and, in full mode, hands every payload
    /// file `inspection` wants to it, from the bytes that were hashed. Returns the report and the findings by
    /// bag-relative path (none in fast mode, and none for files that were not hashed).
    public static func verify<Finding: Sendable>(
        _ bagPath: String, mode: BagVerificationMode = .full, workers: Int = WorkerCount.standard, memory: ByteBudget = .standard,
        inspecting inspection: PayloadInspection<Finding>
    ) async -> (report: BagReport, findings: [String: Finding]) {
        await verify(bagPath, mode: mode, workers: workers, memory: memory, inspection: inspection)
    }

    /// Verifies the bag `bag`, already opened (a caller that reads more of the bag afterwards opens it once and
    /// reads everything through the same folder), as ``verify(_:mode:workers:memory:inspecting:)`` does.
    public static func verify<Finding: Sendable>(
        _ bag: ConfinedFolder, mode: BagVerificationMode = .full, workers: Int = WorkerCount.standard,
        memory: ByteBudget = .standard,
        inspecting inspection: PayloadInspection<Finding>?
    ) async -> (report: BagReport, findings: [String: Finding]) {
        await verify(bag, base: Self.trimmed(bag.path), mode: mode, workers: workers, memory: memory, inspection: inspection)
    }

    private static func trimmed(_ path: String) -> String {
        var base = path
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        return base
    }

    private static func verify<Finding: Sendable>(
        _ bagPath: String, mode: BagVerificationMode, workers: Int, memory: ByteBudget, inspection: PayloadInspection<Finding>?
    ) async -> (report: BagReport, findings: [String: Finding]) {
        let base = trimmed(bagPath)
        let bag: ConfinedFolder
        do { bag = try ConfinedFolder(path: base) } catch {
            var problems = ProblemCollector()
            problems.error(.bagitMissing, nil, "There is no bag folder at \(base).")
            return (
                BagReport(
                    bagPath: base, mode: mode, bagItVersion: nil, problems: problems.problems, payloadFileCount: 0,
                    payloadByteCount: 0, manifestNames: [], tagManifestNames: [], filesHashed: 0, bytesHashed: 0), [:]
            )
        }
        return await verify(bag, base: base, mode: mode, workers: workers, memory: memory, inspection: inspection)
    }

    /// Every check, every read through `bag`: nothing is opened by a path, so nothing outside the bag is read.
    private static func verify<Finding: Sendable>(
        _ bag: ConfinedFolder, base: String, mode: BagVerificationMode, workers: Int, memory: ByteBudget,
        inspection: PayloadInspection<Finding>?
    ) async -> (report: BagReport, findings: [String: Finding]) {
        var problems = ProblemCollector()
        let declaration = readDeclaration(bag, problems: &problems)

        // Payload on disk.
        var hasData = false
        do { hasData = try bag.status(of: "data").kind == .folder } catch  where error.leavesFolder {
            problems.leavesBag("data", error)
        } catch {}
        if !hasData && !problems.leftBag.contains("data") {
            problems.error(.payloadDirectory, "data", "The bag has no data/ payload folder.")
        }
        let scan = hasData ? PayloadScanner.scan(bag) : PayloadScanner.Result()
        for path in scan.special {
            problems.warning(.payloadSpecial, path, "This is neither a regular file nor a folder, so it was skipped.")
        }
        for (path, reason) in scan.unreadable {
            problems.error(.fileUnreadable, path, "This could not be listed: \(reason).")
        }
        for (kept, twin) in scan.normalizationTwins {
            problems.error(
                .payloadExtra, twin,
                "This name differs from \(kept) only in Unicode normalization (NFC/NFD), so no manifest line can tell the two files apart."
            )
        }
        for (path, cause) in scan.escaping { problems.leavesBag(path, cause) }
        let payloadBytes = scan.files.values.reduce(UInt64(0)) { $0 + $1.size }

        // Manifests.
        let topNames = ((try? bag.entries(in: "")) ?? []).map(\.name).sorted()
        let manifestNames = topNames.filter { $0.hasPrefix("manifest-") && $0.hasSuffix(".txt") && $0.count > 13 }
        let tagManifestNames = topNames.filter { $0.hasPrefix("tagmanifest-") && $0.hasSuffix(".txt") && $0.count > 16 }
        if manifestNames.isEmpty {
            problems.error(.manifestMissing, nil, "The bag has no payload manifest (manifest-<algorithm>.txt).")
        }
        let manifests = manifestNames.map {
            readManifest(bag, name: $0, isTag: false, declaration: declaration, scan: scan, problems: &problems)
        }
        let tagManifests = tagManifestNames.map {
            readManifest(bag, name: $0, isTag: true, declaration: declaration, scan: scan, problems: &problems)
        }
        for manifest in manifests + tagManifests where !manifest.algorithm.isSupported {
            problems.warning(
                .manifestAlgorithmUnsupported, manifest.name,
                "Quire cannot compute \(manifest.algorithm.name) digests, so this manifest's digests were not checked.")
        }
        if mode == .full, !manifests.isEmpty, !manifests.contains(where: { $0.algorithm.isSupported }) {
            problems.error(
                .manifestUnverifiable, nil,
                "No payload manifest uses an algorithm Quire computes (\(manifests.map(\.algorithm.name).joined(separator: ", "))), so no payload digest was checked."
            )
        }
        if !manifests.isEmpty, manifests.allSatisfy({ $0.algorithm.isWeak }) {
            problems.warning(
                .manifestWeakAlgorithm, nil,
                "Every payload manifest uses MD5 or SHA-1; add a SHA-256 or SHA-512 manifest.")
        }

        // fetch.txt and bag-info.txt.
        let unfetched = readFetch(bag, declaration: declaration, manifests: manifests, scan: scan, problems: &problems)
        let bagInfo = checkBagInfo(
            bag, declaration: declaration, mode: mode, payloadFiles: scan.files.count,
            payloadBytes: payloadBytes, problems: &problems)

        // Completeness.
        var listedBy = [String: [String]]()
        for manifest in manifests {
            for path in manifest.entries.keys { listedBy[path, default: []].append(manifest.name) }
        }
        for (path, names) in listedBy where scan.files[path] == nil && !unfetched.contains(path) {
            problems.error(
                .payloadMissing, path,
                "\(names.joined(separator: ", ")) \(names.count == 1 ? "lists" : "list") this file but it is absent.")
        }
        for path in scan.files.keys where listedBy[path] == nil {
            problems.error(.payloadExtra, path, "This payload file is listed in no payload manifest.")
        }
        if declaration.isStrict {
            for manifest in manifests {
                for (path, names) in listedBy where manifest.entries[path] == nil {
                    problems.error(
                        .manifestIncomplete, manifest.name,
                        "This manifest lacks \(path), which \(names.joined(separator: ", ")) \(names.count == 1 ? "lists" : "list")."
                    )
                }
            }
        }

        // Tag manifests: coverage and presence.
        var presentTagFiles = Set<String>()  // bag-relative
        let otherTagFiles =
            tagManifests.isEmpty
            ? []
            : Self.tagFiles(bag).filter {
                !manifestNames.contains($0) && !tagManifestNames.contains($0)
            }
        var checkedTagFiles = Set<String>()
        for tagManifest in tagManifests {
            for name in manifestNames where tagManifest.entries[name] == nil {
                problems.add(
                    .tagmanifestIncomplete, declaration.isStrict ? .error : .warning, tagManifest.name,
                    "This tag manifest does not list the payload manifest \(name).")
            }
            for name in otherTagFiles where tagManifest.entries[name] == nil {
                problems.warning(
                    .tagmanifestIncomplete, tagManifest.name,
                    "This tag manifest does not list the tag file \(name) (RFC 8493 §2.2.1: it should).")
            }
            for path in tagManifest.entries.keys where !checkedTagFiles.contains(path) {
                checkedTagFiles.insert(path)
                do {
                    if try bag.status(of: path).kind == .file {
                        presentTagFiles.insert(path)
                        continue
                    }
                } catch  where error.leavesFolder {
                    problems.leavesBag(path, error)
                    continue
                } catch {}
                if !problems.leftBag.contains(path) {
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
                    jobs[
                        path,
                        default: HashJob(
                            relativePath: path, diskPath: entry.relativePath, algorithms: [], size: entry.size,
                            inspect: inspection?.wants(path) ?? false)
                    ]
                    .algorithms.append(manifest.algorithm)
                }
            }
            for manifest in tagManifests where manifest.algorithm.isSupported {
                for path in manifest.entries.keys {
                    guard presentTagFiles.contains(path) else { continue }
                    jobs[path, default: HashJob(relativePath: path, diskPath: path, algorithms: [], size: 0)]
                        .algorithms.append(manifest.algorithm)
                }
            }
            let outcomes = await ContentHasher.hashAll(
                Array(jobs.values), in: bag, workers: workers, memory: memory,
                inspection: inspection)
            var byPath = [String: HashOutcome]()
            for (outcome, finding) in outcomes {
                if let finding { findings[outcome.relativePath] = finding }
                byPath[outcome.relativePath] = outcome
                bytesHashed += outcome.bytes
                if outcome.leftBag {
                    // Replaced by a link out since it was listed: refused by the kernel all the same.
                    problems.leavesBag(
                        outcome.relativePath,
                        ConfinedFolderError(
                            path: outcome.relativePath,
                            cause: .leavesFolder(link: nil, target: nil)))
                } else if let failure = outcome.failure {
                    problems.error(.fileUnreadable, outcome.relativePath, "This file could not be read: \(failure).")
                } else {
                    filesHashed += 1
                }
            }
            for manifest in manifests + tagManifests where manifest.algorithm.isSupported {
                for (path, expected) in manifest.entries {
                    guard let outcome = byPath[path], outcome.failure == nil, let actual = outcome.digests[manifest.algorithm]
                    else { continue }
                    if actual != expected {
                        problems.error(
                            manifest.isTag ? .tagmanifestDigest : .payloadDigest, path,
                            "The \(manifest.algorithm.name) digest is \(actual) but \(manifest.name) records \(expected).")
                    }
                }
            }
        }

        let report = BagReport(
            bagPath: base, mode: mode, bagItVersion: declaration.versionText, problems: problems.problems,
            payloadFileCount: scan.files.count, payloadByteCount: payloadBytes, manifestNames: manifestNames,
            tagManifestNames: tagManifestNames, filesHashed: filesHashed, bytesHashed: bytesHashed,
            bagInfo: bagInfo)
        return (report, findings)
    }
}

extension BagVerifier {
    /// The bag's tag files: every regular file outside `data/` (bag-relative), in sorted order; links are not
    /// followed.
    static func tagFiles(_ bag: ConfinedFolder) -> [String] {
        var found: [String] = []
        func walk(_ relative: String) {
            let entries = ((try? bag.entries(in: relative)) ?? []).sorted { $0.name < $1.name }
            for entry in entries {
                if relative.isEmpty && entry.name == "data" { continue }
                let child = relative.isEmpty ? entry.name : relative + "/" + entry.name
                switch entry.kind {
                case .file: found.append(child)
                case .folder: walk(child)
                default: continue
                }
            }
        }
        walk("")
        return found
    }
}
