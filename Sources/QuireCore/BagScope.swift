/// What one BagIt bag holds (`package.bag_per` in a pipeline file).
public enum BagScope: String, Sendable, Codable, CaseIterable {
    /// One bag per record (档号), named by its code: the default.
    case record
    /// One bag for the whole batch, named by the batch.
    case batch
}
