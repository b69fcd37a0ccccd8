public import QuireCore
public import QuotaSettings

/// A pipeline definition: the stages' settings and the archive's rules, loaded from `pipelines/*.yaml`.
///
/// Every value has a default taken from DA/T 31-2017 (see `pipelines/dat31.yaml`, which spells them all
/// out), so a pipeline file only needs the keys it changes. Unknown keys are errors, not silently ignored, and
/// every value is parsed into its type when the file is loaded (algorithms, compressions, bag scope, formats), so
/// a stage never parses a policy string again and a typo is an error naming file, line and key.
///
/// ```swift
/// let policy = try PipelinePolicy.load(path: "pipelines/dat31.yaml")
/// policy.resolution.minimumDPI   // 200
/// ```
public struct PipelinePolicy: Sendable, Equatable {
    /// Short name of the pipeline.
    public var name: String = "dat31"
    /// The standard the defaults come from.
    public var standard: String = "DA/T 31-2017"
    /// Free text.
    public var description: String = ""
    /// Default archive (holdings register id) that batches belong to; nil when not set.
    public var archive: String?
    /// Import stage settings.
    public var intake = Intake()
    /// Resolution rules (DA/T 31-2017 §9.4).
    public var resolution = ResolutionRules()
    /// Colour-mode rules (DA/T 31-2017 §9.3).
    public var colour = ColourRules()
    /// Preservation master settings.
    public var master = Master()
    /// Access copy settings.
    public var access = Derivative(quality: 85, longestSide: 2000)
    /// Thumbnail settings.
    public var thumbnail = Derivative(quality: 80, longestSide: 256)
    /// Image processing steps (DA/T 31-2017 §10).
    public var processing = Processing()
    /// Fixity algorithms.
    public var fixity = Fixity()
    /// BagIt packaging.
    public var package = Package()
    /// Acceptance sampling (验收).
    public var acceptance = Acceptance()
    /// The quota rules `quire quota` measures progress against (the `quota:` section, same keys as
    /// `pipelines/quota-rules.yaml`; missing keys keep the policy's values); nil when the pipeline has no
    /// `quota:` section, in which case the built-in ``QuotaRules/default`` apply.
    public var quota: QuotaRules?

    /// The DA/T 31-2017 defaults.
    public init() {}

    /// Import: naming, formats, limits.
    public struct Intake: Sendable, Equatable {
        /// Naming forms over the relative path without extension; `{code}` and `{page}` placeholders.
        public var namingForms: [String] = ["{code}/{page}", "{code}-{page}"]
        /// Digits in a page number.
        public var pageDigits: Int = 4
        /// Longest 全宗号.
        public var maxFondsLength: Int = 8
        /// Accepted 保管期限 codes.
        public var retentionCodes: [String] = ["Y", "D30", "D10"]
        /// Width of an item-style 件号, or nil for any.
        public var itemDigits: Int? = 4
        /// Formats accepted as pages.
        public var formats: [ImageFormat] = [.tiff, .png, .jpeg]
        /// `reject` a TIFF holding several images, or `accept` it (every image decode-checked).
        public var multiPage: MultiPage = .reject
        /// Largest page accepted, in megapixels.
        public var maxMegapixels: Int = 400
        /// Glob patterns (on the file name) of files that are not pages and are skipped.
        public var ignore: [String] = [".*", "Thumbs.db", "desktop.ini", "*.txt", "*.md", "*.csv", "*.xml", "*.yaml"]
        /// Decode workers; 0 means one per core.
        public var workers: Int = 0
    }

    /// What to do with multi-image TIFFs.
    public enum MultiPage: String, Sendable, Equatable, CaseIterable {
        /// A TIFF holding several images is quarantined.
        case reject
        /// Every image of a multi-page TIFF is decode-checked; the file is one page.
        case accept
    }

    /// Resolution rules.
    public struct ResolutionRules: Sendable, Equatable {
        /// Minimum for every page (§9.4: 200 dpi).
        public var minimumDPI: Int = 200
        /// Minimum for records marked for OCR (§9.4: 300 dpi).
        public var ocrMinimumDPI: Int = 300
        /// Resolution for high-precision facsimile (§9.4: 600 dpi).
        public var facsimileDPI: Int = 600
        /// Assumed when a file states none; nil means such a page fails the check.
        public var assumeDPI: Int?
    }

    /// Colour-mode rules.
    public struct ColourRules: Sendable, Equatable {
        /// Bitonal masters allowed for clean black text (§9.3).
        public var allowBitonal: Bool = true
        /// Gray masters allowed for black-and-white pages.
        public var allowGray: Bool = true
        /// Keep colour where red seals or letterheads are found, whatever else allows.
        public var keepColourForRed: Bool = true
        /// Share of a page's pixels that must be strongly red for the page to count as having red marks.
        public var redFraction: Double = 0.0005
        /// Make gray masters from colour scans that carry no significant red (only when `allowGray`).
        /// Off by default: DA/T 31 §9.3 prefers colour for everything.
        public var reducePlainColour: Bool = false
    }

    /// Preservation master.
    public struct Master: Sendable, Equatable {
        /// TIFF compression for bitonal pages (any of ``MasterCompression/bitonal``).
        public var bitonal: MasterCompression = .g4
        /// TIFF compression for gray pages (any of ``MasterCompression/continuousTone``).
        public var gray: MasterCompression = .deflate
        /// TIFF compression for colour pages (any of ``MasterCompression/continuousTone``).
        public var colour: MasterCompression = .deflate
        /// Horizontal predictor for LZW/Deflate.
        public var predictor: Bool = true
        /// How Deflate masters are compressed: Huffman coding only (the default: on scans as small as level 1
        /// and about four times faster), or libdeflate's level 1…12 (higher is smaller and slower).
        public var deflate: DeflateEffort = .huffmanOnly
    }

    /// A JPEG derivative.
    public struct Derivative: Sendable, Equatable {
        /// JPEG quality 1…100.
        public var quality: Int
        /// Longest side in pixels.
        public var longestSide: Int
    }

    /// Image processing steps.
    public struct Processing: Sendable, Equatable {
        /// Whether to measure each page's skew and rotate it straight when it exceeds `deskewThreshold`.
        public var deskew: Bool = true
        /// Rotate only above this angle (degrees).
        public var deskewThreshold: Double = 0.3
        /// Search range (degrees).
        public var deskewMaxAngle: Double = 10
        /// Skew still above this after processing is flagged (degrees).
        public var skewTolerance: Double = 3
        /// Whether to crop the dark bands a scanner leaves around a page.
        public var borderCrop: Bool = true
        /// Whether to flag pages with less ink than `blankInkFraction` as blank (flagged, never dropped).
        public var blankDetection: Bool = true
        /// Share of ink pixels under which a page is flagged blank.
        public var blankInkFraction: Double = 0.001
    }

    /// Fixity.
    public struct Fixity: Sendable, Equatable {
        /// Digest algorithms computed for every file.
        public var algorithms: [DigestAlgorithm] = [.sha256, .sha512]
    }

    /// BagIt packaging.
    public struct Package: Sendable, Equatable {
        /// One bag per record (档号) or one per batch.
        public var bagPer: BagScope = .record
        /// Payload manifest algorithms.
        public var manifests: [DigestAlgorithm] = [.sha256, .sha512]
        /// Tag manifest algorithms.
        public var tagManifests: [DigestAlgorithm] = [.sha256, .sha512]
        /// How payload files enter the bag: hard links to the workspace's outputs where the file system allows,
        /// else a copy — fast and no extra space, but one file with two names: an in-place edit of a master
        /// changes the bag too — or independent, fsynced copies.
        public var payload: BagPayload = .link
        /// A folder, or a folder and a tar file of it.
        public var serialization: BagSerialization = .none
        /// Source-Organization in bag-info.txt.
        public var sourceOrganization: String = ""
    }

    /// Acceptance sampling.
    public struct Acceptance: Sendable, Equatable {
        /// Share of records sampled (DA/T 31 practice: at least 5%).
        public var samplePercent: Double = 5
        /// Share of sampled records that must pass (95%).
        public var passPercent: Double = 95
    }
}
