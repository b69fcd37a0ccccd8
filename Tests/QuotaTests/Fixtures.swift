import Foundation
import Quota

/// The hand-computed scenario most tests use.
///
/// Register (2010 baselines, prior digitization):
///
/// | id | level | parent | baseline 卷+件 | prior | room |
/// | --- | --- | --- | --- | --- | --- |
/// | C01 某市档案馆 | city | — | 6000 + 4000 = 10000 | 3600 + 2400 = 6000 | yes |
/// | X01 甲县档案馆 | county | C01 | 3000 + 1000 = 4000 | 1000 + 500 = 1500 | yes |
/// | X02 乙区档案馆 | county ("district") | C01 | 2000 + 0 = 2000 | 400 | no |
/// | U001 市财政局 | unit | C01 | 150 | 0 | yes |
/// | U002 市教育局 | unit | C01 | 80 | 0 | no |
/// | U003 甲县民政局 | unit | X01 | 50 | 0 | yes |
/// | U004 乙区人社局 | unit | X02 | 25 | 0 | no |
///
/// Events (verified unless noted):
/// - C01 2018-06-02: 100 卷, 8000 pages, 0.5 GB
/// - C01 2018-06-03: 150 卷 + 50 件, 20000 pages, 2.5 GB
/// - C01 2018-06-15: 300 件 — verified: false (packaged, failed verification)
/// - C01 2018-06-30: 200 卷, 16000 pages, 1.0 GB
/// - C01 2018-07-01: 999 卷 (after 2018-06-30)
/// - X02 2018-06-10: 700 卷, 35000 pages, 3.0 GB
/// - Z99 2018-06-20: 5 件 (not in the register)
enum Fixtures {
    static let registerCSV = """
        id,name,level,parent,baseline_volumes,baseline_items,baseline_pages,prior_volumes,prior_items,has_digital_room
        C01,某市档案馆,city,,6000,4000,500000,3600,2400,yes
        X01,甲县档案馆,county,C01,3000,1000,,1000,500,是
        X02,乙区档案馆,district,C01,2000,0,80000,400,,no
        U001,市财政局,unit,C01,100,50,,0,0,yes
        U002,市教育局,unit,C01,80,0,,0,0,no
        U003,甲县民政局,unit,X01,40,10,,0,0,1
        U004,乙区人社局,unit,X02,20,5,,0,0,否

        """

    static func register() throws -> HoldingsRegister {
        try HoldingsRegister.read(data: Data(registerCSV.utf8), source: "holdings.csv")
    }

    static let events: [DigitizationEvent] = [
        DigitizationEvent(archive: "C01", day: day("2018-06-02"), volumes: 100, pages: 8000, bytes: 500_000_000),
        DigitizationEvent(archive: "C01", day: day("2018-06-03"), volumes: 150, items: 50, pages: 20000, bytes: 2_500_000_000),
        DigitizationEvent(archive: "C01", day: day("2018-06-15"), items: 300, pages: 9000, bytes: 900_000_000, verified: false),
        DigitizationEvent(archive: "C01", day: day("2018-06-30"), volumes: 200, pages: 16000, bytes: 1_000_000_000),
        DigitizationEvent(archive: "C01", day: day("2018-07-01"), volumes: 999, pages: 1, bytes: 1),
        DigitizationEvent(archive: "X02", day: day("2018-06-10"), volumes: 700, pages: 35000, bytes: 3_000_000_000),
        DigitizationEvent(archive: "Z99", day: day("2018-06-20"), items: 5, pages: 50, bytes: 5_000_000),
    ]

    static func report(asOf: String = "2018-06-30") throws -> QuotaReport {
        QuotaReport.compute(register: try register(), rules: .default, events: events, asOf: day(asOf))
    }
}
