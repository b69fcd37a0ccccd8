public import Policy
public import QuireCore

/// Why an import could not run at all (as opposed to files it quarantined, which are findings).
public enum ImportError: Error, Sendable, CustomStringConvertible {
    /// The delivery folder is missing or unreadable.
    case deliveryUnreadable(path: String, reason: String)
    /// The pipeline's naming rule or settings cannot be used.
    case policy(PolicyError)
    /// The ledger failed.
    case ledger(QuireError)
    /// The batch id is taken by another delivery.
    case batchConflict(batch: String, registeredDelivery: String, givenDelivery: String)

    /// One line for a person; a policy or ledger failure gives its own message.
    public var description: String {
        switch self {
        case .deliveryUnreadable(let path, let reason):
            "cannot read delivery \(path): \(reason)"
        case .policy(let error):
            error.description
        case .ledger(let error):
            error.description
        case .batchConflict(let batch, let registered, let given):
            "batch '\(batch)' in this workspace is the delivery \(registered), not \(given); give another --batch name or use another --workspace"
        }
    }
}

extension ImportError: QuireErrorConvertible {
    /// A pipeline the import cannot use exits 2 (its file, line and key named); anything else exits 3.
    public var quireError: QuireError {
        switch self {
        case .policy(let error): error.quireError
        default: QuireError(.couldNotRun, stage: .import, message: description)
        }
    }
}
