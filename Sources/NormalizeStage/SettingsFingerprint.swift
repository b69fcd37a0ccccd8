import Fixity
import Foundation
public import Policy

extension NormalizeStage {
    /// The fingerprint of everything that shapes a page's outputs and a record's bag — the pipeline's name, its
    /// intake, resolution, colour, master, derivative, processing, fixity and package settings, the scanner tags of
    /// the process metadata, and Quire's version — as `sha256:HEX`. A run records it on its batch; a worker whose own differs refuses the batch's
    /// pages, so one batch is never made two ways on two machines. It is computed from the effective values, not
    /// the files: the built-in defaults and a `pipelines/dat31.yaml` that states them agree.
    public static func settingsFingerprint(policy: PipelinePolicy, tags: ScannerTags, version: String) -> String {
        // `String(reflecting:)` of these plain value types (no dictionaries or sets, whose order varies from
        // process to process) is the same text in every process of one Quire version.
        let parts: [Any] = [
            policy.intake, policy.resolution, policy.colour, policy.master, policy.access, policy.thumbnail,
            policy.processing, policy.fixity, policy.package, tags,
        ]
        // The pipeline's name too: bags carry it (bag-info's Quire-Pipeline), and workers make bags.
        let text = (["quire \(version)", "pipeline \(policy.name)"] + parts.map { String(reflecting: $0) }).joined(
            separator: "\n")
        var digest = MultiDigest([.sha256])
        digest.update(Data(text.utf8))
        return "sha256:" + (digest.finalize()[.sha256] ?? "")
    }
}
