/// Digests keyed by algorithm encode as a JSON object keyed by the algorithm's name (`{"sha256": "…"}`), as
/// string-keyed dictionaries do.
extension DigestAlgorithm: CodingKeyRepresentable {}
