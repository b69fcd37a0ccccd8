import QuotaSettings
/// Reads the cells of one register row, collecting every problem rather than stopping at the first.
struct RegisterRowReader {
    let fields: [String]
    let columns: [RegisterColumn: Int]
    var problems: [String] = []

    init(fields: [String], columns: [RegisterColumn: Int]) {
        self.fields = fields
        self.columns = columns
    }

    /// The row as an archive, or nil when a problem makes that impossible (see ``problems``).
    mutating func archive(line: Int) -> RegisteredArchive? {
        let id = text(.id)
        if id.isEmpty { problems.append("id is empty") }
        let name = text(.name)
        let levelText = text(.level)
        let level = ArchiveLevel(registerText: levelText)
        if level == nil {
            problems.append(
                levelText.isEmpty
                    ? "level is empty (city, county or unit)"
                    : "level '\(levelText)' is not city, county or unit")
        }
        let parentText = columns[.parent] == nil ? "" : text(.parent)
        let baselineVolumes = count(.baselineVolumes) ?? 0
        let baselineItems = count(.baselineItems) ?? 0
        let baselinePages = count(.baselinePages)
        let priorVolumes = count(.priorVolumes) ?? 0
        let priorItems = count(.priorItems) ?? 0
        let priorPages = count(.priorPages) ?? 0
        let priorBytes = gigabytes(.priorGB)
        let room = flag(.hasDigitalRoom)
        let currentVolumes = count(.currentVolumes), currentItems = count(.currentItems)
        let livelihoodVolumes = count(.livelihoodVolumes), livelihoodItems = count(.livelihoodItems)
        guard !id.isEmpty, let level, problems.isEmpty else { return nil }
        return RegisteredArchive(
            id: id, name: name, level: level, parent: parentText.isEmpty ? nil : parentText,
            baselineVolumes: baselineVolumes, baselineItems: baselineItems, baselinePages: baselinePages,
            priorVolumes: priorVolumes, priorItems: priorItems, priorPages: priorPages,
            priorBytes: priorBytes, hasDigitalRoom: room,
            currentVolumes: currentVolumes, currentItems: currentItems,
            livelihoodVolumes: livelihoodVolumes, livelihoodItems: livelihoodItems, line: line)
    }

    private func text(_ column: RegisterColumn) -> String {
        guard let index = columns[column] else { return "" }
        return fields[index].trimmingWhitespace()
    }

    /// A whole, non-negative count of at most ``RegisteredArchive/maxCount``; nil when the cell is blank or the
    /// column absent. A larger number is a problem of the row, never an overflow later: totals over every row of
    /// a register (at most ``HoldingsRegister/maxRows``) then stay far inside `Int`.
    private mutating func count(_ column: RegisterColumn) -> Int? {
        let value = text(column)
        if value.isEmpty { return nil }
        guard value.unicodeScalars.allSatisfy({ (0x30...0x39).contains($0.value) }) else {
            problems.append("\(column.rawValue) '\(value)' is not a whole number")
            return nil
        }
        guard let number = Int(value), number <= RegisteredArchive.maxCount else {
            problems.append(
                "\(column.rawValue) '\(value)' is larger than \(RegisteredArchive.maxCount), the most a register count may be")
            return nil
        }
        return number
    }

    /// A non-negative decimal number of GB, as bytes (0 when blank or absent).
    private mutating func gigabytes(_ column: RegisterColumn) -> Int64 {
        let value = text(column)
        if value.isEmpty { return 0 }
        guard value.unicodeScalars.allSatisfy({ (0x30...0x39).contains($0.value) || $0 == "." }),
            let number = Double(value), number.isFinite
        else {
            problems.append("\(column.rawValue) '\(value)' is not a number of GB")
            return 0
        }
        guard number <= RegisteredArchive.maxGigabytes else {
            problems.append(
                "\(column.rawValue) '\(value)' is larger than \(Int(RegisteredArchive.maxGigabytes)) GB, the most a register may state"
            )
            return 0
        }
        return Int64((number * 1e9).rounded())
    }

    private mutating func flag(_ column: RegisterColumn) -> Bool {
        let value = text(column)
        switch value.lowercased() {
        case "", "no", "n", "false", "f", "0", "否", "无", "没有", "×": return false
        case "yes", "y", "true", "t", "1", "是", "有", "√", "✓": return true
        default:
            problems.append("\(column.rawValue) '\(value)' is not yes or no")
            return false
        }
    }
}
