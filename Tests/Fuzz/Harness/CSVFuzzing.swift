import Catalog
import Foundation
import Quota
import QuotaSettings

/// Feeds fuzz input to the catalog and holdings-register CSV readers.
enum CSVFuzzing {
    /// `CatalogReader` with the encoding detected, as `quire bind` reads a catalog; then `;` as delimiter.
    static func catalog(_ data: Data) {
        sink(try? CatalogReader().read(data, source: "fuzz.csv"))
        sink(try? CatalogReader(delimiter: ";").read(data, source: "fuzz.csv"))
    }

    /// `HoldingsRegister.read`, as `quire quota` reads the register.
    static func register(_ data: Data) {
        sink(try? HoldingsRegister.read(data: data, source: "register.csv"))
    }

    /// The register read and its quota computed with no events: every count in a row meets the arithmetic.
    static func quotaReport(_ data: Data) {
        guard let register = try? HoldingsRegister.read(data: data, source: "register.csv"),
            let day = QuotaDay(year: 2018, month: 6, day: 30)
        else { return }
        sink(QuotaReport.compute(register: register, events: [], asOf: day))
    }
}
