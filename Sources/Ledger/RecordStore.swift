public import QuireCore

/// Records (档号): their binding outcome, their state, their bag.
public protocol RecordStore: Sendable {
    /// Stores each record's binding outcome and, when the binding carries one, replaces the batch's catalog, in one
    /// transaction. A record already `packaged` or `verified` that binds again stays so; one that is held now is
    /// held. Each record whose state is now the one given gets an event.
    func storeBinding(_ binding: StoredBinding, batch: String, tool: String) throws(QuireError)
    /// The batch's records, by code.
    func records(batch: String) throws(QuireError) -> [RecordRow]
    /// Moves a record to `state`, remembering its bag when one is given, with an event (`detail`, else the bag).
    func markRecord(
        batch: String, code: String, state: RecordState, bag: String?, detail: String?, tool: String
    ) throws(QuireError)
    /// Records whose bags are packaged and verified, with the verification time, for quota reports; by that
    /// time, then code.
    func digitizedRecords() throws(QuireError) -> [DigitizedRecord]
    /// The record a bag path belongs to.
    func recordForBag(_ bag: String) throws(QuireError) -> (batch: String, code: String)?
}
