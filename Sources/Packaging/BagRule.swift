/// The stable identifier of one rule ``BagVerifier`` checks; the raw value is what reports carry.
///
/// Ids never change meaning once published, so scripts and dashboards may match on them.
///
/// | id | severity | what it means |
/// | --- | --- | --- |
/// | `bagit.missing` | error | The bag folder or its `bagit.txt` is absent. |
/// | `bagit.bom` | error | `bagit.txt` begins with a byte-order mark (RFC 8493 §2.1.1). |
/// | `bagit.format` | error (warning for a missing final line ending) | `bagit.txt` is not exactly `BagIt-Version: M.N` and `Tag-File-Character-Encoding: ENC` on two lines, one space after each colon (before 1.0: extra whitespace around the colon is accepted). |
/// | `bagit.version.unsupported` | error | The version is not 0.93–0.97 or 1.0; the rest is checked by the 1.0 rules. |
/// | `encoding` | error (warning for a BOM in a tag file other than `bagit.txt`, and for a 1.0 bag not in UTF-8) | The declared encoding is unknown, a tag file is not valid in it, or a UTF-8 tag file starts with a BOM. |
/// | `payload.directory` | error | The bag has no `data/` folder. |
/// | `payload.missing` | error | A manifest lists a payload file that is absent (and not awaiting `fetch.txt`). |
/// | `payload.extra` | error | A file under `data/` is listed in no payload manifest. |
/// | `payload.digest` | error | A payload file's digest differs from its manifest (the message names the algorithm and both values). |
/// | `payload.special` | warning | Something under `data/` that is neither a regular file nor a folder (a symbolic link to a folder, a socket, …); it was skipped. |
/// | `payload.symlink` | error | A path the bag names leads outside it through a symbolic link, at any depth (RFC 8493 §6.1): `data/` itself, a folder or file under it, `bagit.txt`, a manifest, `bag-info.txt`, `fetch.txt`, or a tag file or a folder on its way; it was not read (the id predates tag files). Every read goes through ``ConfinedFolder``, so the kernel refuses the step out. |
/// | `file.unreadable` | error | A file listed in a manifest or tag manifest could not be read. |
/// | `manifest.missing` | error | No `manifest-<algorithm>.txt` payload manifest exists. |
/// | `manifest.format` | error | A manifest line is not `<hex> <path>`, or the hex length is wrong for the algorithm. |
/// | `manifest.path.escape` | error | A manifest or `fetch.txt` path is absolute, starts with `~`, names a drive, or contains `..` (RFC 8493 §6.1). |
/// | `manifest.path.duplicate` | error when the two digests differ, warning when they are the same (as the Library of Congress conformance suite expects) | A manifest lists the same path twice (paths equal up to Unicode normalization count as equal). |
/// | `manifest.path.outside-data` | error | A payload manifest lists a path not under `data/`. |
/// | `manifest.incomplete` | error (1.0 only) | A payload manifest lacks a payload file that another payload manifest lists; before 1.0 one manifest sufficed. |
/// | `manifest.weak-algorithm` | warning | Every payload manifest uses MD5 or SHA-1. |
/// | `manifest.algorithm.unsupported` | warning | A manifest's algorithm is not one Quire computes (`sha256`, `sha512`, `md5`, `sm3`, and through libcrypto `sha1`, `sha224`, `sha384`, `sha3-*`, `blake2b`, `blake2s`); its paths are checked, its digests are not. |
/// | `manifest.unverifiable` | error (full mode) | No payload manifest uses an algorithm Quire computes, so not one payload digest could be checked. |
/// | `manifest.legacy` | warning | A path resolved only by a lenient reading: a `%` that was not percent-encoded as `%25`, an md5sum `*` binary marker (RFC 8493 §7.4 requires the warning), or blanks after the path. |
/// | `tagmanifest.digest` | error | A tag file's digest differs from its tag manifest. |
/// | `tagmanifest.missing-file` | error | A tag manifest lists a file that is absent. |
/// | `tagmanifest.incomplete` | error in 1.0 (warning before) when a payload manifest is not listed (RFC 8493 §2.2.1); warning when another tag file is not listed, or the tag manifests list different files (SHOULD) | A tag manifest does not list every payload manifest, or not every tag file. |
/// | `tagmanifest.lists-payload` | error | A tag manifest lists a file under `data/`. |
/// | `tagmanifest.lists-tagmanifest` | error in 1.0 (warning before) | A tag manifest lists a tag manifest (RFC 8493 §2.2.1). |
/// | `taginfo.oxum` | error (warning when fast mode finds no Payload-Oxum) | `Payload-Oxum` disagrees with the payload on disk, is malformed, or appears more than once. |
/// | `taginfo.format` | error (warnings before 1.0, and for the SHOULDs) | A `bag-info.txt` line has no label or colon, a label starts or ends with whitespace or the colon is not followed by a space or tab (1.0), or a continuation line has nothing to continue; warnings when `Bagging-Date`, `Bag-Size`, `Bag-Group-Identifier` or `Bag-Count` is repeated, `Bagging-Date` is not YYYY-MM-DD, or `Bag-Count` is not "N of T" / "N of ?". |
/// | `fetch.present` | error | `fetch.txt` lists a file that has not been fetched yet. |
/// | `fetch.format` | error | A `fetch.txt` line is not `url length path`, the URL is not absolute, the length is not digits or `-`, the path is not in every payload manifest, or it is listed twice. |
public enum BagRule: String, Sendable, Codable, CaseIterable, Comparable {
    case bagitMissing = "bagit.missing"
    case bagitBOM = "bagit.bom"
    case bagitFormat = "bagit.format"
    case bagitVersionUnsupported = "bagit.version.unsupported"
    case encoding = "encoding"
    case payloadDirectory = "payload.directory"
    case payloadMissing = "payload.missing"
    case payloadExtra = "payload.extra"
    case payloadDigest = "payload.digest"
    case payloadSpecial = "payload.special"
    case payloadSymlink = "payload.symlink"
    case fileUnreadable = "file.unreadable"
    case manifestMissing = "manifest.missing"
    case manifestFormat = "manifest.format"
    case manifestPathEscape = "manifest.path.escape"
    case manifestPathDuplicate = "manifest.path.duplicate"
    case manifestPathOutsideData = "manifest.path.outside-data"
    case manifestIncomplete = "manifest.incomplete"
    case manifestWeakAlgorithm = "manifest.weak-algorithm"
    case manifestAlgorithmUnsupported = "manifest.algorithm.unsupported"
    case manifestLegacy = "manifest.legacy"
    case manifestUnverifiable = "manifest.unverifiable"
    case tagmanifestDigest = "tagmanifest.digest"
    case tagmanifestMissingFile = "tagmanifest.missing-file"
    case tagmanifestIncomplete = "tagmanifest.incomplete"
    case tagmanifestListsPayload = "tagmanifest.lists-payload"
    case tagmanifestListsTagmanifest = "tagmanifest.lists-tagmanifest"
    case taginfoOxum = "taginfo.oxum"
    case taginfoFormat = "taginfo.format"
    case fetchPresent = "fetch.present"
    case fetchFormat = "fetch.format"

    /// Orders rules by their id text.
    public static func < (lhs: BagRule, rhs: BagRule) -> Bool { lhs.rawValue < rhs.rawValue }
}
