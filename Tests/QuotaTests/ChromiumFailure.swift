import Foundation

/// Chromium exited with an error.
struct ChromiumFailure: Error, CustomStringConvertible {
    var status: Int32
    var error: String
    var description: String { "chromium exited \(status): \(error)" }
}
