public import Foundation

/// Work that full verification does on a payload file's bytes while it holds them for hashing, so a caller that
/// also needs the content (the auditor decodes every master) reads each file once.
///
/// `inspect` runs on the same worker that read and hashed the file, `workers` files at a time, and receives
/// exactly the bytes that were hashed. It is called only for payload files a supported manifest lists, that
/// are present and readable, and whose bag-relative path `wants` accepts; files it was not called for are
/// absent from the findings, and the caller checks them itself.
///
/// A file larger than the verification's memory budget (``ByteBudget``) is never held whole: it is hashed as a
/// stream and then handed to `inspectFile` with its open descriptor and size, for a check that reads it again
/// piece by piece (`pread`); without `inspectFile` it is not inspected. Such a check reads the file a second
/// time, so unlike the whole-file path it may see bytes that changed after they were hashed.
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
    /// Inspects one file too large to hold: its bag-relative path, an open descriptor (valid only during the
    /// call; read it with `pread`, do not close it) and its size.
    public var inspectFile: (@Sendable (String, Int32, UInt64) -> Finding)?

    /// Makes an inspection.
    public init(
        wants: @escaping @Sendable (String) -> Bool, inspect: @escaping @Sendable (String, Data) -> Finding,
        inspectFile: (@Sendable (String, Int32, UInt64) -> Finding)? = nil
    ) {
        self.wants = wants
        self.inspect = inspect
        self.inspectFile = inspectFile
    }
}
