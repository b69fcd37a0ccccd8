/// Why an image could not be written.
public struct EncodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file being written.
    public var path: String
    /// The codec's own message.
    public var message: String

    /// Makes an error.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `cannot write <path>: <message>`.
    public var description: String { "cannot write \(path): \(message)" }
}
