import Foundation
import Quota
import QuireTestSupport
import Testing

/// The HTML report rendered by a real browser: Debian's chromium, headless.
@Suite struct QuotaHTMLTests {
    @Test func selfContained() throws {
        let html = try Fixtures.report().html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<link"))
        #expect(!html.contains(" src="))
        #expect(!html.contains("url("))
        #expect(!html.contains("@import"))
        // The only URL is the SVG namespace, which is a name, not a fetch.
        let urls = html.components(separatedBy: "http").dropFirst().map { $0.prefix(24) }
        #expect(urls.allSatisfy { $0.hasPrefix("://www.w3.org/2000/svg") })
        #expect(html.contains("@media print"))
        #expect(html.contains("<svg class=\"bars\""))
        #expect(html.contains("<svg class=\"burnup\""))
    }

    @Test func theBurnUpProjectsEachRecentRateHalfAYearAhead() throws {
        let report = try Fixtures.report()
        let html = report.html()
        let burnUp = String(html[html.range(of: "<svg class=\"burnup\"")!.lowerBound...].prefix { $0 != "§" })
        let projections = burnUp.components(separatedBy: "class=\"projection\"").count - 1
        let moving =
            report.archives.filter { $0.goal != nil && $0.baseline > 0 && $0.recentRate > 0 }.count
            + (report.total.recentRate > 0 ? 1 : 0)
        #expect(moving > 0, "the fixture has recent progress")
        #expect(projections == moving)
        // The axis ends at the as-of day plus 26 weeks, labelled as a projection.
        #expect(burnUp.contains("\(report.weeks.last!.adding(days: 7 * 26)) 预测 projected"))
        // Without any recent progress there is nothing to project.
        let still = QuotaReport.compute(register: try Fixtures.register(), rules: .default, events: [], asOf: day("2018-06-30"))
        #expect(!still.html().contains("class=\"projection\""))
    }

    @Test func rendersInChromiumWithTheJSONFigures() throws {
        let chromium = try Chromium.locate()
        let report = try Fixtures.report()
        let scratch = try ScratchFolder("quota")
        let directory = scratch.url
        let page = directory.appendingPathComponent("quota.html")
        try report.htmlData().write(to: page)

        // The screenshot: a PNG of the window's size that is not blank.
        let screenshot = directory.appendingPathComponent("quota.png")
        try chromium.run(
            ["--screenshot=\(screenshot.path)", "--window-size=1200,1600", page.absoluteString],
            profile: directory.appendingPathComponent("profile-1"))
        let png = try Data(contentsOf: screenshot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 1200 && height == 1600)
        #expect(png.count > 40_000, "a screenshot of \(png.count) bytes is suspiciously small")
        if let keep = ProcessInfo.processInfo.environment["QUOTA_SCREENSHOT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(at: screenshot, to: URL(fileURLWithPath: keep))
            try? FileManager.default.removeItem(atPath: keep + ".html")
            try FileManager.default.copyItem(at: page, to: URL(fileURLWithPath: keep + ".html"))
        }
        if let pixels = try PixelCheck.measure(screenshot) {
            #expect(pixels.colours > 50, "only \(pixels.colours) distinct colours")
            #expect(pixels.inkedShare > 0.03, "only \(pixels.inkedShare) of the pixels are not white")
            #expect(pixels.redBlueGreen, "the bar colours (met, on track, behind) are not in the screenshot")
        } else {
            print("QuotaHTMLTests: python3 with Pillow is not available; the pixel check of the screenshot is skipped")
        }

        // The rendered DOM: every figure of the JSON report is on an element with its path and value.
        let dom = try chromium.run(["--dump-dom", page.absoluteString], profile: directory.appendingPathComponent("profile-2"))
        let fields = DOMFields.parse(dom)
        #expect(fields.count > 100)
        let json = try TestJSON.parse(report.jsonString())
        var checked = 0
        for (path, value) in json.leaves() {
            guard let shown = fields[path] else {
                Issue.record("the page has no data-field \(path) (JSON: \(value))")
                continue
            }
            switch value {
            case .number(let number):
                #expect(Double(shown).map { abs($0 - number) < 1e-9 } == true, "\(path): page \(shown), JSON \(number)")
            case .string(let text): #expect(shown == text, "\(path)")
            case .bool(let flag): #expect(shown == (flag ? "true" : "false"), "\(path)")
            case .null: #expect(shown == "null", "\(path)")
            case .array, .object: Issue.record("not a leaf: \(path)")
            }
            checked += 1
        }
        #expect(checked > 200)
        // And people see the figures, formatted.
        #expect(dom.contains("56.88%"))
        #expect(dom.contains("某市档案馆"))
        #expect(dom.contains("never 无法完成"))
    }
}
