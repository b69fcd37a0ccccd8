/// What ``BagVerifier`` found: every problem, not only the first, and how much it read.
public struct BagReport: Sendable, Codable, Equatable {
    /// The bag folder verified.
    public var bagPath: String
    /// Full or fast.
    public var mode: BagVerificationMode
    /// `true` when no problem is an error.
    public var valid: Bool
    /// The declared `BagIt-Version`, when `bagit.txt` could be read.
    public var bagItVersion: String?
    /// Every problem found, sorted by file, then rule.
    public var problems: [BagProblem]
    /// How many problems are errors.
    public var errorCount: Int
    /// How many problems are warnings.
    public var warningCount: Int
    /// Regular files found under `data/`.
    public var payloadFileCount: Int
    /// Bytes in those files.
    public var payloadByteCount: UInt64
    /// Payload manifests found (`manifest-*.txt`).
    public var manifestNames: [String]
    /// Tag manifests found (`tagmanifest-*.txt`).
    public var tagManifestNames: [String]
    /// Files (payload and tag) whose content was hashed; 0 in fast mode.
    public var filesHashed: Int
    /// Bytes read to compute digests; 0 in fast mode.
    public var bytesHashed: UInt64
    /// The elements of `bag-info.txt` (or `package-info.txt`) as verification read them: in the declared
    /// encoding, without a BOM, continuation lines joined. Empty when there is none.
    public var bagInfo: [BagInfoField]

    /// Makes a report; `valid` and the counts follow from `problems`, which are sorted.
    public init(
        bagPath: String, mode: BagVerificationMode, bagItVersion: String?, problems: [BagProblem],
        payloadFileCount: Int, payloadByteCount: UInt64, manifestNames: [String], tagManifestNames: [String],
        filesHashed: Int, bytesHashed: UInt64, bagInfo: [BagInfoField] = []
    ) {
        self.bagPath = bagPath
        self.mode = mode
        self.bagItVersion = bagItVersion
        self.problems = problems.sorted { a, b in
            if (a.file ?? "") != (b.file ?? "") {
                return Array((a.file ?? "").utf8).lexicographicallyPrecedes(Array((b.file ?? "").utf8))
            }
            if a.rule != b.rule { return a.rule < b.rule }
            if a.severity != b.severity { return a.severity < b.severity }
            return a.message < b.message
        }
        self.errorCount = problems.count { $0.severity == .error }
        self.warningCount = problems.count { $0.severity == .warning }
        self.valid = errorCount == 0
        self.payloadFileCount = payloadFileCount
        self.payloadByteCount = payloadByteCount
        self.manifestNames = manifestNames
        self.tagManifestNames = tagManifestNames
        self.filesHashed = filesHashed
        self.bytesHashed = bytesHashed
        self.bagInfo = bagInfo
    }

    /// The ids of the rules with at least one problem.
    public var rules: Set<BagRule> { Set(problems.map(\.rule)) }

    /// The problems raised under `rule`.
    public func problems(_ rule: BagRule) -> [BagProblem] { problems.filter { $0.rule == rule } }
}
