/// Gathers problems while a bag is checked.
struct ProblemCollector {
    private(set) var problems: [BagProblem] = []

    /// Records an error.
    mutating func error(_ rule: BagRule, _ file: String?, _ message: String) {
        problems.append(BagProblem(rule: rule, severity: .error, file: file, message: message))
    }

    /// Records a warning.
    mutating func warning(_ rule: BagRule, _ file: String?, _ message: String) {
        problems.append(BagProblem(rule: rule, severity: .warning, file: file, message: message))
    }

    /// Records a problem of the given severity.
    mutating func add(_ rule: BagRule, _ severity: BagProblemSeverity, _ file: String?, _ message: String) {
        problems.append(BagProblem(rule: rule, severity: severity, file: file, message: message))
    }
}
