import QuireCore

/// Gathers problems while a bag is checked.
struct ProblemCollector {
    private(set) var problems: [BagProblem] = []
    /// Bag-relative paths already reported as leading out of the bag.
    private(set) var leftBag: Set<String> = []

    /// Records an error.
    mutating func error(_ rule: BagRule, _ file: String?, _ message: String) {
        problems.append(BagProblem(rule: rule, severity: .error, file: file, message: message))
    }

    /// Records a warning.
    mutating func warning(_ rule: BagRule, _ file: String?, _ message: String) {
        problems.append(BagProblem(rule: rule, severity: .warning, file: file, message: message))
    }

    /// Records a problem of the given severity.
    mutating func add(_ rule: BagRule, _ severity: Severity, _ file: String?, _ message: String) {
        problems.append(BagProblem(rule: rule, severity: severity, file: file, message: message))
    }

    /// Records, once per path, that `path` leads out of the bag and was not read (`payload.symlink`, an error).
    mutating func leavesBag(_ path: String, _ cause: ConfinedFolderError) {
        guard leftBag.insert(path).inserted else { return }
        let how: String
        switch cause.cause {
        case .leavesFolder(let link?, let target?) where link == path:
            how = "This is a symbolic link to \(target), which leads outside the bag"
        case .leavesFolder(let link?, let target?):
            how = "This is reached through \(link), a symbolic link to \(target), which leads outside the bag"
        case .linkRefused(let link) where link == path:
            how =
                "This is a symbolic link, and this system cannot prove where it leads (no openat2), so it is treated as leaving the bag"
        case .linkRefused(let link):
            how =
                "This is reached through the symbolic link \(link), and this system cannot prove where it leads (no openat2), so it is treated as leaving the bag"
        default: how = "This leads outside the bag through a symbolic link"
        }
        error(.payloadSymlink, path, how + "; it was not read.")
    }
}
