import Foundation
import Quota
import QuotaSettings
import Testing

@Suite struct DigitizationEventTests {
    struct Record: VerifiedRecord {
        var code: String
        var archive: String?
        var verifiedAt: String
        var pages: Int
        var bytes: Int64
    }

    func event(code: String, archive: String?, verifiedAt: String, pages: Int, bytes: Int64) -> DigitizationEvent? {
        let events = DigitizationEvent.events(verified: [
            Record(code: code, archive: archive, verifiedAt: verifiedAt, pages: pages, bytes: bytes)
        ])
        #expect(events.count <= 1)
        return events.first
    }

    /// A volume-style 档号 is one 卷, an item-style one one 件, dated on the China day of its verification.
    @Test func aVerifiedRecordCountsAsAVolumeOrAnItem() throws {
        let volume = try #require(
            event(
                code: "0026-003-0045", archive: "C01", verifiedAt: "2018-06-03T17:30:00.000Z",
                pages: 86, bytes: 1_000))
        #expect(volume.volumes == 1 && volume.items == 0)
        #expect(volume.day == QuotaDay(year: 2018, month: 6, day: 4))  // 01:30 the next day in Beijing
        #expect(volume.pages == 86 && volume.bytes == 1_000 && volume.archive == "C01")
        let item = try #require(
            event(
                code: "0194-WS·2016-D30-BGS-0001", archive: "C01",
                verifiedAt: "2018-06-03T01:00:00.000Z", pages: 3, bytes: 10))
        #expect(item.volumes == 0 && item.items == 1)
        let neither = try #require(
            event(
                code: "not a code", archive: "C01", verifiedAt: "2018-06-03T01:00:00.000Z",
                pages: 3, bytes: 10))
        #expect(neither.count == 0 && neither.pages == 3)
    }

    /// Without an archive, or with a time the ledger would not write, the record counts toward nothing.
    @Test func noArchiveOrNoTimeIsNoEvent() {
        #expect(
            event(code: "0026-003-0045", archive: nil, verifiedAt: "2018-06-03T17:30:00.000Z", pages: 1, bytes: 1)
                == nil)
        #expect(event(code: "0026-003-0045", archive: "C01", verifiedAt: "2018-06-03", pages: 1, bytes: 1) == nil)
    }
}
