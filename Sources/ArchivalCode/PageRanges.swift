/// Page numbers written the way a person reads them in a report: `[3, 5, 6, 7]` → `3, 5–7`.
///
/// ```swift
/// PageRanges.describe([3, 5, 6, 7])  // "3, 5–7"
/// ```
public enum PageRanges {
    /// The numbers, sorted ascending by the caller, as runs joined with commas.
    public static func describe(_ numbers: [Int]) -> String {
        var parts: [String] = []
        var index = 0
        while index < numbers.count {
            var end = index
            while end + 1 < numbers.count && numbers[end + 1] == numbers[end] + 1 { end += 1 }
            parts.append(end == index ? "\(numbers[index])" : "\(numbers[index])–\(numbers[end])")
            index = end + 1
        }
        return parts.joined(separator: ", ")
    }
}
