import Foundation
import Quota
import QuotaSettings
import Testing

/// Inputs that crashed the quota path under the fuzz harness (Tests/Fuzz, target `quota-report`). Each runs in
/// an exit test, so that a regression kills a child process, not the suite.
@Suite struct QuotaFuzzRegressionTests {
    /// Two archives whose prior and baseline counts are Int64.max: 卷 + 件 overflows in
    /// `RegisteredArchive.prior` (RegisteredArchive.swift:72) under `QuotaReport.compute` (QuotaReport.swift:112).
    /// Wanted: no trap, and the rows reported as errors with their lines.
    @Test func int64MaxCountsAreRowErrorsNotATrap() async {
        await #expect(processExitsWith: .success) {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fuzz/regressions/quota-report/int64-max-counts.csv")
            let register = try HoldingsRegister.read(contentsOf: url)
            _ = QuotaReport.compute(register: register, events: [], asOf: QuotaDay(year: 2018, month: 6, day: 30)!)
            // The overflowing rows must be reported, not silently counted.
            if register.errors.isEmpty { exit(1) }
        }
    }
}
