import QuotaSettings
import Foundation
import Quota
import Testing

@Suite struct QuotaDayTests {
    @Test func parsesAndPrints() {
        #expect(QuotaDay("2018-12-31")?.description == "2018-12-31")
        #expect(QuotaDay("2018/6/3")?.description == "2018-06-03")
        #expect(QuotaDay("20180603")?.description == "2018-06-03")
        #expect(QuotaDay("2018-02-29") == nil)
        #expect(QuotaDay("2020-02-29") != nil)
        #expect(QuotaDay("2018-13-01") == nil)
        #expect(QuotaDay("yesterday") == nil)
        #expect(QuotaDay(year: 1970, month: 1, day: 1)?.ordinal == 0)
    }

    @Test func arithmetic() {
        #expect(day("2018-12-31").adding(days: 1) == day("2019-01-01"))
        #expect(day("2018-06-30").adding(days: 35) == day("2018-08-04"))
        #expect(day("2025-12-31") - day("2018-12-31") == 2557)
        #expect(day("1969-12-31").ordinal == -1)
        #expect(day("1969-12-31").description == "1969-12-31")
        for ordinal in stride(from: -1000, through: 30000, by: 97) {
            let value = QuotaDay(ordinal: ordinal)
            #expect(QuotaDay(value.description) == value)
        }
    }

    @Test func momentsFallOnTheirLocalDay() throws {
        // 2018-06-30 17:00 UTC is 2018-07-01 01:00 in Beijing.
        let moment = Date(timeIntervalSince1970: 1_530_378_000)
        #expect(QuotaDay(moment, timeZone: QuotaReport.chinaTimeZone) == day("2018-07-01"))
        #expect(QuotaDay(moment, timeZone: try #require(TimeZone(identifier: "UTC"))) == day("2018-06-30"))
        let event = DigitizationEvent(archive: "C01", date: moment, volumes: 1)
        #expect(event.day == day("2018-07-01"))
    }
}
