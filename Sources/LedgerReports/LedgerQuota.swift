public import Ledger
public import Quota
public import QuireCore
public import QuotaSettings

/// The ledger's digitized records are what the quota reports count.
extension DigitizedRecord: VerifiedRecord {}

/// What `quire quota` reports from a ledger: the register against the records the ledger lists as packaged and
/// verified. The command and the dashboard both read it here.
public enum LedgerQuota {
    /// The report as of `day`; with no ledger, the register's prior counts alone.
    public static func report(
        ledger: (any Ledger)?, register: HoldingsRegister, rules: QuotaRules, asOf day: QuotaDay
    ) throws(QuireError) -> QuotaReport {
        let events =
            try ledger.map { ledger throws(QuireError) in
                DigitizationEvent.events(verified: try ledger.digitizedRecords())
            } ?? []
        return QuotaReport.compute(register: register, rules: rules, events: events, asOf: day)
    }
}
