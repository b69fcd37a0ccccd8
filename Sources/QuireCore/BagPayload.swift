/// How payload files enter a bag (`package.payload` in a pipeline file).
public enum BagPayload: String, Sendable, Codable, CaseIterable {
    /// A hard link to the workspace's output where the file system allows, else a copy: fast and no extra space,
    /// but one file with two names, so an in-place edit of a master changes the bag too. The default.
    case link
    /// Independent bytes, fsynced.
    case copy
}
