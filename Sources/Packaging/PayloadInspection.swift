public import Foundation

/// Work that full verification does on a payload file's bytes while it holds them for hashing, so a caller that
/// also needs the content (the auditor decodes every master) reads each file once.
///
/// `inspect` runs on the same worker that read and hashed the file, `workers` files at a time, and receives
/// exactly the bytes that were hashed. It is called only for payload files a supported manifest lists, that
/// are present and readable, and whose bag-relative path `wants` accepts; files it was not called for are
/// absent from the findings, and the caller checks them itself.
///
/// ```swift
/// let decodeMasters = PayloadInspection<String?>(wants: { $0.hasPrefix("data/masters/") }) { _, bytes in
///     do { _ = try ImageDecoder.check(bytes); return nil } catch { return error.message }
/// }
/// let (report, failures) = await BagVerifier.verify(bag, inspecting: decodeMasters)
/// ```
public struct PayloadInspection<Finding: Sendable>: Sendable {
    /// Whether the payload file at this bag-relative path (`data/…`) is to be inspected.
    public var wants: @Sendable (String) -> Bool
    /// Inspects one file: its bag-relative path and its whole content.
    public var inspect: @Sendable (String, Data) -> Finding

    /// Makes an inspection.
    public init(wants: @escaping @Sendable (String) -> Bool, inspect: @escaping @Sendable (String, Data) -> Finding) {
        self.wants = wants
        self.inspect = inspect
    }
}
