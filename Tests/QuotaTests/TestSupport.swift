import QuotaSettings
import Foundation
import Quota

/// The day a `YYYY-MM-DD` string names (the test fails loudly on a typo).
func day(_ text: String) -> QuotaDay {
    guard let day = QuotaDay(text) else { fatalError("bad test day \(text)") }
    return day
}
