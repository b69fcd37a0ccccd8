import Foundation
import Ledger
import LedgerReports
import Quota
import QuireCore

/// The dashboard's pages, drawn on the server: HTML and SVG, figures from the same reports as the API.
enum Pages {
    /// The figures of the status report that the overview shows and live updates change, by `data-live` key:
    /// `b/BATCH/pages`, `b/BATCH/p/STATE`, `b/BATCH/records`, `b/BATCH/r/STATE`, `b/BATCH/quarantined`,
    /// `b/BATCH/flagged`, `b/BATCH/done` (percent text), `b/BATCH/progress` (0…1), and `batches`, `workers`.
    static func liveFigures(_ status: StatusReport) -> [String: String] {
        var figures: [String: String] = [
            "batches": "\(status.batches.count)", "workers": "\(status.workers.filter { $0.state == .working }.count)",
        ]
        for b in status.batches {
            let key = "b/\(b.batch)/"
            figures[key + "pages"] = "\(b.counts.pages)"
            figures[key + "records"] = "\(b.counts.records)"
            figures[key + "quarantined"] = "\(b.counts.quarantined)"
            figures[key + "flagged"] = "\(b.counts.flaggedRecords)"
            for state in PageState.allCases { figures[key + "p/\(state.rawValue)"] = "\(b.counts.pagesByState[state] ?? 0)" }
            for state in RecordState.allCases {
                figures[key + "r/\(state.rawValue)"] = "\(b.counts.recordsByState[state] ?? 0)"
            }
            figures[key + "done"] = String(format: "%.1f%%", b.pagesDoneFraction * 100)
            figures[key + "progress"] = String(format: "%.4f", b.pagesDoneFraction)
        }
        return figures
    }

    /// An element showing the live figure `key` of `figures`.
    private static func live(_ key: String, _ figures: [String: String], tag: String = "span", cssClass: String? = nil)
        -> String
    {
        let cls = cssClass.map { " class=\"\($0)\"" } ?? ""
        return "<\(tag)\(cls) data-live=\"\(HTML.escape(key))\">\(HTML.escape(figures[key] ?? "0"))</\(tag)>"
    }

    // MARK: - Overview

    static func overview(
        status: StatusReport, quota: QuotaReport, perHour: [HourCount], registerPath: String, nonce: String, now: Date = Date()
    ) -> String {
        let figures = liveFigures(status)
        var body = """
            <h1>档案数字化总览 <span class="en">Digitization overview</span></h1>
            <p class="note">账本 Ledger <code>\(HTML.escape(status.ledger))</code> · 馆藏登记 Register <code>\(HTML.escape(registerPath))</code>
            · 批次 batches \(live("batches", figures)) · 工作机 workers working \(live("workers", figures))</p>
            <h2>进行中的批次 <span class="en">Batches</span></h2>

            """
        if status.batches.isEmpty {
            body += "<p class=\"note\">账本中还没有批次 No batches in the ledger yet.</p>\n"
        } else {
            body += """
                <table class="batches"><thead><tr><th>批次 Batch</th><th>档案馆 Archive</th><th>进度 Progress</th>
                <th>页 Pages</th><th>待处理 Decoded</th><th>已规范 Normalized</th><th>已摘要 Digested</th><th>案卷/件 Records</th>
                <th>已核验 Verified</th><th>暂缓 Held</th><th>隔离 Quarantined</th><th>标记 Flagged</th></tr></thead><tbody>

                """
            for b in status.batches {
                let k = "b/\(b.batch)/"
                body += """
                    <tr data-batch="\(HTML.escape(b.batch))"><td><a href="/batches/\(HTML.pathComponent(b.batch))">\(HTML.escape(b.batch))</a></td>
                    <td>\(HTML.escape(b.archive ?? "—"))</td>
                    <td><progress max="1" value="\(figures[k + "progress"] ?? "0")" data-live="\(HTML.escape(k + "progress"))"></progress> \(live(k + "done", figures))</td>
                    <td class="num">\(live(k + "pages", figures))</td><td class="num">\(live(k + "p/decoded", figures))</td>
                    <td class="num">\(live(k + "p/normalized", figures))</td><td class="num">\(live(k + "p/digested", figures))</td>
                    <td class="num">\(live(k + "records", figures))</td><td class="num">\(live(k + "r/verified", figures))</td>
                    <td class="num">\(live(k + "r/held", figures))</td><td class="num">\(live(k + "quarantined", figures))</td>
                    <td class="num">\(live(k + "flagged", figures))</td></tr>

                    """
            }
            body += "</tbody></table>\n"
        }
        if !status.workers.isEmpty {
            body += """
                <h2>工作机 <span class="en">Workers</span></h2>
                <table class="workers"><thead><tr><th>工作机 Worker</th><th>主机 Host</th><th>最近心跳 Last heartbeat</th>
                <th>页 Pages</th><th>页/秒 Pages/s</th><th>租约 Leases</th><th>状态 State</th></tr></thead><tbody>

                """
            for w in status.workers {
                let state =
                    switch w.state {
                    case .working: "<span class=\"ok\">工作中 working</span>"
                    case .stopped: "<span class=\"muted\">已停止 stopped</span>"
                    case .silent: "<span class=\"bad\">无心跳 silent \(Int(w.secondsSinceHeartbeat)) s</span>"
                    }
                body += """
                    <tr><td><code>\(HTML.escape(w.id))</code></td><td>\(HTML.escape(w.host))</td><td>\(HTML.escape(w.heartbeatAt))</td>
                    <td class="num">\(w.pagesDone)</td><td class="num">\(String(format: "%.2f", w.pagesPerSecond))</td>
                    <td class="num">\(w.leases)</td><td>\(state)</td></tr>

                    """
            }
            body += "</tbody></table>\n"
        }
        body += throughput(perHour, now: now)
        body += "<h2>数字化指标 <span class=\"en\">Quotas (DA/T 31-2017)</span></h2>\n" + quota.chartsHTML()
        return HTML.page(
            title: "总览 Overview", nonce: nonce, live: true, body: body, extraStyle: QuotaReport.stylesheet)
    }

    /// Pages normalized per hour over the last hours, one bar an hour (UTC), every batch together.
    static func throughput(_ perHour: [HourCount], now: Date) -> String {
        let hours = SnapshotCache.throughputHours
        let counts = Dictionary(perHour.map { ($0.hour, $0.count) }, uniquingKeysWith: +)
        let formatter = ISO8601DateFormatter()
        let slots: [(hour: String, count: Int)] = (0..<hours).reversed().map { back in
            let hour = String(formatter.string(from: now.addingTimeInterval(-Double(back) * 3600)).prefix(13))
            return (hour, counts[hour] ?? 0)
        }
        let peak = max(1, slots.map(\.count).max() ?? 1)
        let left = 50.0, width = 900.0, top = 10.0, height = 140.0
        let bar = width / Double(hours)
        var svg =
            "<svg class=\"throughput\" role=\"img\" aria-label=\"每小时页数 pages per hour\" viewBox=\"0 0 1000 190\" width=\"1000\" height=\"190\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        svg +=
            "<text x=\"\(Int(left - 6))\" y=\"\(Int(top + 10))\" text-anchor=\"end\" font-size=\"11\" fill=\"#5f6368\">\(peak)</text>"
        svg +=
            "<line x1=\"\(Int(left))\" y1=\"\(Int(top + height))\" x2=\"\(Int(left + width))\" y2=\"\(Int(top + height))\" stroke=\"#9e9e9e\"/>\n"
        for (index, slot) in slots.enumerated() {
            let h = height * Double(slot.count) / Double(peak)
            let x = left + Double(index) * bar
            svg +=
                "<rect x=\"\(String(format: "%.1f", x))\" y=\"\(String(format: "%.1f", top + height - h))\" width=\"\(String(format: "%.1f", bar - 1))\" height=\"\(String(format: "%.1f", h))\" fill=\"#1565c0\" data-hour=\"\(slot.hour)\" data-pages=\"\(slot.count)\"><title>\(slot.hour):00 UTC: \(slot.count)</title></rect>"
            if index % 12 == 0 {
                svg +=
                    "<text x=\"\(String(format: "%.1f", x))\" y=\"\(Int(top + height + 18))\" font-size=\"11\" fill=\"#5f6368\">\(slot.hour.suffix(8).replacingOccurrences(of: "T", with: " "))h</text>"
            }
        }
        svg += "</svg>"
        let total = slots.map(\.count).reduce(0, +)
        return """
            <h2>每小时页数 <span class="en">Pages normalized per hour, last \(hours / 24) days (UTC)</span></h2>
            <p class="note">合计 total <span data-field="throughput.total">\(total)</span> · 本小时 this hour
            <span data-field="throughput.this_hour">\(slots.last?.count ?? 0)</span> · 上一小时 last hour \(slots.dropLast().last?.count ?? 0) · 峰值 peak \(peak) / h</p>
            \(svg)

            """
    }

    // MARK: - Batch

    /// At most this many rows of a table are drawn; the API has them all.
    static let rowLimit = 2000

    static func batch(_ detail: BatchDetail, nonce: String) -> String {
        let id = detail.batch.id
        let status = StatusReport.Batch(
            batch: id, delivery: detail.batch.delivery, archive: detail.batch.archive, pipeline: detail.batch.pipeline,
            createdAt: detail.batch.createdAt, counts: detail.counts)
        let figures = liveFigures(
            StatusReport(workspace: "", ledger: "", batches: [status], workers: []))
        let k = "b/\(id)/"
        func stateRow(_ states: [String], _ prefix: String) -> String {
            states.map { "<tr><th>\(HTML.escape($0))</th><td class=\"num\">\(live(k + prefix + $0, figures))</td></tr>" }
                .joined()
        }
        var body = """
            <h1>批次 <span class="en">Batch</span> \(HTML.escape(id))</h1>
            <p class="note">接收 Delivery <code>\(HTML.escape(detail.batch.delivery))</code> · 档案馆 Archive \(HTML.escape(detail.batch.archive ?? "—"))
            · 流程 Pipeline \(HTML.escape(detail.batch.pipeline)) · 登记于 Registered \(HTML.escape(detail.batch.createdAt))
            · <a href="/api/batches/\(HTML.pathComponent(id))">JSON</a> · <a href="/batches/\(HTML.pathComponent(id))/check">图像质量抽检 Visual check</a></p>
            <p><progress max="1" value="\(figures[k + "progress"] ?? "0")" data-live="\(HTML.escape(k + "progress"))"></progress>
            \(live(k + "done", figures)) 已规范 normalized</p>
            \(throughput(detail.perHour, now: Date()))
            <h2>各环节 <span class="en">Stages</span></h2>
            <table class="stages"><tr><th>页 Pages</th><td class="num">\(live(k + "pages", figures))</td></tr>
            \(stateRow(PageState.allCases.map(\.rawValue), "p/"))
            <tr><th>案卷/件 Records</th><td class="num">\(live(k + "records", figures))</td></tr>
            \(stateRow(RecordState.allCases.map(\.rawValue), "r/"))
            <tr><th>隔离 Quarantined</th><td class="num">\(live(k + "quarantined", figures))</td></tr>
            <tr><th>标记 Flagged</th><td class="num">\(live(k + "flagged", figures))</td></tr></table>

            """
        body += "<h2>隔离文件 <span class=\"en\">Quarantined files</span> (\(detail.quarantined.count))</h2>\n"
        if detail.quarantined.isEmpty {
            body += "<p class=\"note\">无 None.</p>\n"
        } else {
            body +=
                "<table class=\"quarantine\"><thead><tr><th>文件 File</th><th>原因 Reason</th><th>说明 Detail</th><th>档号 Record</th><th>页 Page</th></tr></thead><tbody>\n"
            for q in detail.quarantined.prefix(rowLimit) {
                body += """
                    <tr><td><code>\(HTML.escape(q.path))</code></td><td class="bad">\(HTML.escape(q.reason.rawValue))</td>
                    <td>\(HTML.escape(q.detail))</td><td>\(HTML.escape(q.code ?? "—"))</td><td class="num">\(q.page.map(String.init) ?? "—")</td></tr>

                    """
            }
            body += "</tbody></table>\n" + truncation(detail.quarantined.count)
        }
        let held = detail.records.filter { $0.state == .held || !$0.problems.isEmpty }
        body += "<h2>暂缓的案卷 <span class=\"en\">Held records</span> (\(held.count))</h2>\n"
        if held.isEmpty {
            body += "<p class=\"note\">无 None.</p>\n"
        } else {
            body +=
                "<table class=\"held\"><thead><tr><th>档号 Record</th><th>状态 State</th><th>问题 Problems</th></tr></thead><tbody>\n"
            for r in held.prefix(rowLimit) {
                let link =
                    "<a href=\"/batches/\(HTML.pathComponent(id))/records/\(HTML.pathComponent(r.code))\">\(HTML.escape(r.code))</a>"
                let problems = r.problems.map {
                    "<li><code>\(HTML.escape($0.rule.rawValue))</code> \(HTML.escape($0.detail))</li>"
                }
                body += """
                    <tr><td>\(link)</td><td>\(HTML.escape(r.state.rawValue))</td><td><ul>\(problems.joined())</ul></td></tr>

                    """
            }
            body += "</tbody></table>\n" + truncation(held.count)
        }
        body += "<h2>案卷 <span class=\"en\">Records</span> (\(detail.records.count))</h2>\n"
        body += "<table class=\"records\"><thead><tr><th>档号 Record</th><th>状态 State</th><th>包 Bag</th></tr></thead><tbody>\n"
        for r in detail.records.prefix(rowLimit) {
            body +=
                "<tr><td><a href=\"/batches/\(HTML.pathComponent(id))/records/\(HTML.pathComponent(r.code))\">\(HTML.escape(r.code))</a></td><td>\(HTML.escape(r.state.rawValue))</td><td><code>\(HTML.escape(r.bag ?? "—"))</code></td></tr>\n"
        }
        body += "</tbody></table>\n" + truncation(detail.records.count)
        return HTML.page(title: "批次 Batch \(id)", nonce: nonce, live: true, body: body)
    }

    private static func truncation(_ count: Int) -> String {
        count > rowLimit
            ? "<p class=\"note\">只显示前 \(rowLimit) 行 Showing the first \(rowLimit) of \(count); the JSON API lists all.</p>\n" : ""
    }

    /// The page of an error (404 and the like), escaped like the rest.
    static func error(title: String, message: String, nonce: String) -> String {
        HTML.page(title: title, nonce: nonce, live: false, body: "<h1>\(HTML.escape(title))</h1><p>\(HTML.escape(message))</p>")
    }
}
