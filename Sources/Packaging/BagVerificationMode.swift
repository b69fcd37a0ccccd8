/// How thoroughly ``BagVerifier`` checks a bag.
public enum BagVerificationMode: String, Sendable, Codable {
    /// Everything, including every digest in every manifest and tag manifest.
    case full
    /// Structure, manifests, the file list and `Payload-Oxum`; reads no file content and computes no digest.
    case fast
}
