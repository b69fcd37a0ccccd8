/// The part of Quire an error or an event comes from.
public enum Stage: String, Sendable, Codable, CaseIterable {
    /// Opening or laying out the workspace (folder, lock, paths).
    case workspace
    /// Reading a pipeline file or quota rules.
    case policy
    /// The ledger (SQLite now, a shared server later).
    case ledger
    /// Walking and examining a delivery.
    case `import`
    /// Making masters, access copies and thumbnails.
    case normalize
    /// Digesting sources and outputs.
    case checksum
    /// Binding pages to catalog records (数据挂接).
    case bind
    /// Writing BagIt packages.
    case package
    /// Verifying packages (`quire verify`).
    case verify
    /// The periodic fixity audit.
    case fixity
    /// Holdings registers and quota reports.
    case quota
    /// Benchmarks.
    case bench
    /// The web dashboard (`quire serve`): its address, accounts and requests.
    case serve
}
