/// A page's place in the ledger's state machine. States only move forward: a page is `registered`, its decode
/// at import makes it `decoded`, its master makes it `normalized`, and its source's digests make it `digested`
/// (from `decoded` or `normalized`; the streaming run records both at once).
public enum PageState: String, Sendable, Codable, CaseIterable, Comparable, CodingKeyRepresentable,
    CustomStringConvertible
{
    /// Known to the ledger, not yet decoded (only synthetic ledgers hold such pages: the import decodes first).
    case registered
    /// The import decoded it in full: it is a page.
    case decoded
    /// Its master, access copy and thumbnail are written and recorded.
    case normalized
    /// Its source's digests are recorded with every algorithm of the policy.
    case digested

    /// Earlier states sort first.
    public static func < (lhs: PageState, rhs: PageState) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The stored spelling.
    public var description: String { rawValue }
}
