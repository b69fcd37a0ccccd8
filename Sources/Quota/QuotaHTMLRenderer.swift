import QuotaSettings
import TextTable

/// Writes the quota report as one self-contained HTML page: inline CSS, inline SVG charts, no scripts,
/// no external assets. Every figure of the JSON report is in the page on an element with
/// `data-field="<JSON path>"` and `data-value="<the JSON value>"` (paths as ``JSONValue/leaves(prefix:)``
/// names them), so the page can be checked against the JSON.
struct QuotaHTMLRenderer {
    /// How a figure is shown to people.
    enum Style { case count, percent, decimal(Int), text, flag, status, level, day }

    let report: QuotaReport
    let figures: [String: JSONValue]
    private var out = ""

    init(report: QuotaReport) {
        self.report = report
        var figures: [String: JSONValue] = [:]
        for leaf in report.jsonValue().leaves() { figures[leaf.path] = leaf.value }
        self.figures = figures
    }

    // MARK: - Figures

    /// The figure at `path`, shown in `style`, on a `tag` element carrying its data-field and data-value.
    func figure(_ path: String, _ style: Style, tag: String = "span", cssClass: String? = nil) -> String {
        let value = figures[path] ?? .null
        let raw = value.scalarText ?? ""
        let classAttribute = cssClass.map { " class=\"\($0)\"" } ?? ""
        return "<\(tag)\(classAttribute) data-field=\"\(HTMLText.escape(path))\" data-value=\"\(HTMLText.escape(raw))\">"
            + HTMLText.escape(Self.display(value, style)) + "</\(tag)>"
    }

    /// A table cell holding the figure (numbers right-aligned).
    func cell(_ path: String, _ style: Style) -> String {
        switch style {
        case .count, .percent, .decimal: figure(path, style, tag: "td", cssClass: "num")
        case .status: figure(path, style, tag: "td", cssClass: "status \(statusClass(path))")
        default: figure(path, style, tag: "td")
        }
    }

    private func statusClass(_ path: String) -> String {
        if case .string(let status)? = figures[path] { return "s-" + status }
        return ""
    }

    static func display(_ value: JSONValue, _ style: Style) -> String {
        switch (value, style) {
        case (.null, _): return "—"
        case (.int(let n), .count): return QuotaNumberFormat.grouped(n)
        case (.number(let x, _), .percent): return QuotaNumberFormat.percent(x)
        case (.number(let x, _), .decimal(let decimals)): return QuotaNumberFormat.fixed(x, decimals: decimals)
        case (.bool(let flag), _): return flag ? "yes 是" : "no 否"
        case (.string(let text), .status): return (QuotaStatus(rawValue: text)?.label) ?? text
        case (.string(let text), .level):
            return ArchiveLevel(rawValue: text).map { "\($0.chineseName) \($0.rawValue)" } ?? text
        case (.string("never"), .day): return "never 无法完成"
        default: return value.scalarText ?? ""
        }
    }

    // MARK: - Page

    mutating func render() -> String {
        out = ""
        let asOf = report.asOf.description
        out += """
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>档案数字化指标 Digitization quotas — \(asOf)</title>
            <style>\(Self.css)</style>
            </head>
            <body>
            <header>
            <h1>档案数字化指标进度 <span class="en">Digitization quota progress</span></h1>
            <p class="meta">截至 As of \(figure("as_of", .day, tag: "time")) · 馆藏登记 Register: \(figure("register", .text, tag: "code"))
            · 计数单位 卷+件 (volumes + items); 近期速率 = 最近 \(report.rules.recentWeeks) 周 recent rate over the last \(report.rules.recentWeeks) weeks</p>
            </header>

            """
        renderSummary()
        renderBars()
        renderBurnUp()
        renderProgressTable()
        renderCountsTable()
        renderCompletion()
        renderUnits()
        renderHoldings()
        renderNotes()
        renderRules()
        renderBurnUpData()
        out += "<footer>Quire · DA/T 31-2017 · \(HTMLText.escape(asOf))</footer>\n</body>\n</html>\n"
        return out
    }

    /// The summary cards, the bar chart against the targets and the burn-up, for a page of someone else's (the web
    /// dashboard's overview): HTML sections without a document around them, styled by ``css``.
    mutating func renderCharts() -> String {
        out = ""
        renderSummary()
        renderBars()
        renderBurnUp()
        return out
    }

    private mutating func renderSummary() {
        let t = "total"
        out += """
            <section class="summary">
            <h2>合计 <span class="en">Total</span> (\(figure("\(t).archives", .count)) 馆 archives)</h2>
            <div class="cards">
            <div class="card big \(statusClass("\(t).status"))"><div class="label">完成率 Digitized</div><div class="value">\(figure("\(t).percent", .percent))</div>
            <div class="sub">目标 target \(figure("\(t).target_percent", .percent)) · \(figure("\(t).status", .status))</div></div>
            <div class="card"><div class="label">已数字化 Done (卷+件)</div><div class="value">\(figure("\(t).digitized", .count))</div>
            <div class="sub">基数 of \(figure("\(t).baseline", .count)) (2010) · 目标 target \(figure("\(t).target", .count))</div></div>
            <div class="card"><div class="label">差额 Gap (卷+件)</div><div class="value">\(figure("\(t).gap", .count))</div>
            <div class="sub">预计完成 projected \(figure("\(t).projected_date", .day))</div></div>
            <div class="card"><div class="label">周速率 Rate / week</div><div class="value">\(figure("\(t).recent_rate", .decimal(2)))</div>
            <div class="sub">卷+件 per week</div></div>
            <div class="card"><div class="label">卷 / 件 Volumes / items</div><div class="value">\(figure("\(t).digitized_volumes", .count)) / \(figure("\(t).digitized_items", .count))</div>
            <div class="sub">基数 baseline \(figure("\(t).baseline_volumes", .count)) / \(figure("\(t).baseline_items", .count))</div></div>
            <div class="card"><div class="label">页 Pages · GB</div><div class="value">\(figure("\(t).digitized_pages", .count))</div>
            <div class="sub">\(figure("\(t).digitized_gb", .decimal(3))) GB · 基数 baseline \(figure("\(t).baseline_pages", .count)) 页</div></div>
            </div>
            </section>

            """
    }

    // MARK: - Bar chart

    private mutating func renderBars() {
        // The archives with a target; units and other untargeted rows are in the tables.
        let targeted = report.archives.filter { $0.goal != nil }
        let rows = targeted.isEmpty ? report.archives : targeted
        let maxPercent = rows.compactMap(\.percent).max() ?? 0
        let scaleMax = max(100, (maxPercent / 10).rounded(.up) * 10)
        let labelWidth = 300.0, barWidth = 620.0, rowHeight = 30.0, top = 26.0
        let height = top + rowHeight * Double(max(rows.count, 1)) + 10
        func x(_ percent: Double) -> Double { labelWidth + barWidth * min(percent, scaleMax) / scaleMax }
        var svg =
            "<svg class=\"bars\" role=\"img\" aria-label=\"完成率与目标 Digitized share against target\" "
            + "viewBox=\"0 0 1000 \(Self.n(height))\" width=\"1000\" height=\"\(Self.n(height))\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        for tick in stride(from: 0.0, through: scaleMax, by: scaleMax > 100 ? 50 : 25) {
            svg +=
                "<line class=\"grid\" x1=\"\(Self.n(x(tick)))\" y1=\"\(Self.n(top - 6))\" x2=\"\(Self.n(x(tick)))\" y2=\"\(Self.n(height - 10))\"/>"
            svg +=
                "<text class=\"tick\" x=\"\(Self.n(x(tick)))\" y=\"\(Self.n(top - 10))\" text-anchor=\"middle\">\(Self.n(tick))%</text>\n"
        }
        for (index, progress) in rows.enumerated() {
            let y = top + rowHeight * Double(index)
            let percent = progress.percent ?? 0
            let label = "\(progress.archive.name) \(progress.id)"
            svg += "<g class=\"bar s-\(progress.status.rawValue)\">"
            svg +=
                "<title>\(HTMLText.escape(label)): \(QuotaNumberFormat.percent(progress.percent))"
                + (progress.goal.map { " / 目标 target \(QuotaNumberFormat.percent($0.target.percent))" } ?? "") + "</title>"
            svg +=
                "<text class=\"name\" x=\"\(Self.n(labelWidth - 8))\" y=\"\(Self.n(y + 19))\" text-anchor=\"end\">\(HTMLText.escape(Self.clip(label, 26)))</text>"
            svg +=
                "<rect class=\"track\" x=\"\(Self.n(labelWidth))\" y=\"\(Self.n(y + 5))\" width=\"\(Self.n(barWidth))\" height=\"\(Self.n(rowHeight - 10))\"/>"
            svg +=
                "<rect class=\"fill\" x=\"\(Self.n(labelWidth))\" y=\"\(Self.n(y + 5))\" width=\"\(Self.n(x(percent) - labelWidth))\" height=\"\(Self.n(rowHeight - 10))\"/>"
            if let goal = progress.goal {
                let tx = x(goal.target.percent)
                svg +=
                    "<line class=\"target\" x1=\"\(Self.n(tx))\" y1=\"\(Self.n(y + 1))\" x2=\"\(Self.n(tx))\" y2=\"\(Self.n(y + rowHeight - 1))\"/>"
            }
            let labelX = max(x(percent), progress.goal.map { x($0.target.percent) } ?? 0)
            svg +=
                "<text class=\"pct\" x=\"\(Self.n(min(labelX, labelWidth + barWidth) + 6))\" y=\"\(Self.n(y + 19))\">"
                + "\(QuotaNumberFormat.percent(progress.percent))</text>"
            svg += "</g>\n"
        }
        svg += "</svg>"
        out += """
            <section>
            <h2>各馆完成率 <span class="en">Digitized share by archive</span></h2>
            <p class="legend"><span class="key s-met"></span>已完成 met <span class="key s-on_track"></span>进度正常 on track
            <span class="key s-behind"></span>滞后 behind <span class="key s-no_target"></span>无指标 no target
            <span class="key target"></span>目标线 target</p>
            \(svg)
            </section>

            """
    }

    // MARK: - Burn-up chart

    private mutating func renderBurnUp() {
        let weeks = report.weeks
        let series: [(label: String, baseline: Int, values: [Int], rate: Double, isTotal: Bool)] =
            report.archives.filter { $0.goal != nil && $0.baseline > 0 }
            .map { ("\($0.archive.name) \($0.id)", $0.baseline, $0.burnUp, $0.recentRate, false) }
            + (report.total.baseline > 0
                ? [("合计 Total", report.total.baseline, report.total.burnUp, report.total.recentRate, true)] : [])
        // The projection: each series carried on at its recent weekly rate for half a year past the as-of day.
        let ahead = series.contains { $0.rate > 0 } ? Self.projectionWeeks : 0
        let slots = weeks.count + ahead
        let left = 56.0, right = 940.0, top = 16.0, bottom = 330.0
        func projected(_ s: (label: String, baseline: Int, values: [Int], rate: Double, isTotal: Bool)) -> Double {
            Double((s.values.last ?? 0)) + s.rate * Double(ahead)
        }
        var maxPercent = 0.0
        for s in series {
            let shares: [Double] = (s.values.map { Double($0) } + [projected(s)]).map { $0 * 100 / Double(s.baseline) }
            maxPercent = max(maxPercent, shares.max() ?? 0)
        }
        let yMax = max(100, (maxPercent / 20).rounded(.up) * 20)
        func x(_ index: Int) -> Double {
            slots <= 1 ? (left + right) / 2 : left + (right - left) * Double(index) / Double(slots - 1)
        }
        func y(_ percent: Double) -> Double { bottom - (bottom - top) * min(percent, yMax) / yMax }
        var svg =
            "<svg class=\"burnup\" role=\"img\" aria-label=\"累计完成率 Burn-up\" viewBox=\"0 0 1000 380\" "
            + "width=\"1000\" height=\"380\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        for tick in stride(from: 0.0, through: yMax, by: 20) {
            svg +=
                "<line class=\"grid\" x1=\"\(Self.n(left))\" y1=\"\(Self.n(y(tick)))\" x2=\"\(Self.n(right))\" y2=\"\(Self.n(y(tick)))\"/>"
            svg +=
                "<text class=\"tick\" x=\"\(Self.n(left - 6))\" y=\"\(Self.n(y(tick) + 4))\" text-anchor=\"end\">\(Self.n(tick))%</text>\n"
        }
        let labelEvery = max(1, Int((Double(slots) / 8).rounded(.up)))
        for (index, week) in weeks.enumerated() where (weeks.count - 1 - index) % labelEvery == 0 {
            svg +=
                "<text class=\"tick\" x=\"\(Self.n(x(index)))\" y=\"\(Self.n(bottom + 18))\" text-anchor=\"middle\">\(week)</text>\n"
        }
        if ahead > 0, let last = weeks.last {
            // The as-of day, and the end of the projection.
            svg +=
                "<line class=\"grid\" x1=\"\(Self.n(x(weeks.count - 1)))\" y1=\"\(Self.n(top))\" x2=\"\(Self.n(x(weeks.count - 1)))\" y2=\"\(Self.n(bottom))\"/>"
            svg +=
                "<text class=\"tick\" x=\"\(Self.n(x(slots - 1)))\" y=\"\(Self.n(bottom + 18))\" text-anchor=\"end\">\(last.adding(days: 7 * ahead)) 预测 projected</text>\n"
        }
        svg +=
            "<line class=\"axis\" x1=\"\(Self.n(left))\" y1=\"\(Self.n(bottom))\" x2=\"\(Self.n(right))\" y2=\"\(Self.n(bottom))\"/>\n"
        var targetPercents: [Double: [String]] = [:]
        for progress in report.archives {
            guard let goal = progress.goal else { continue }
            targetPercents[goal.target.percent, default: []].append(progress.archive.level.chineseName)
        }
        for (percent, levels) in targetPercents.sorted(by: { $0.key < $1.key }) {
            let names = Array(Set(levels)).sorted().joined(separator: "/")
            svg +=
                "<line class=\"target\" x1=\"\(Self.n(left))\" y1=\"\(Self.n(y(percent)))\" x2=\"\(Self.n(right))\" y2=\"\(Self.n(y(percent)))\"/>"
            svg +=
                "<text class=\"target-label\" x=\"\(Self.n(left + 6))\" y=\"\(Self.n(y(percent) - 5))\">"
                + "目标 target \(QuotaNumberFormat.percent(percent)) \(HTMLText.escape(names))</text>\n"
        }
        var legend = ""
        for (number, s) in series.enumerated() {
            let colour = s.isTotal ? "#111" : Self.palette[number % Self.palette.count]
            let points = s.values.enumerated().map { index, value in
                "\(Self.n(x(index))),\(Self.n(y(Double(value) * 100 / Double(s.baseline))))"
            }
            let width = s.isTotal ? 3.5 : 2
            svg += "<g class=\"series\"><title>\(HTMLText.escape(s.label))</title>"
            if points.count > 1 {
                svg +=
                    "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"\(Self.n(width))\" points=\"\(points.joined(separator: " "))\"/>"
            }
            if ahead > 0, s.rate > 0, let lastValue = s.values.last {
                // Dashed: where the recent rate leads, week by week, for the projection's half year.
                let from = "\(Self.n(x(weeks.count - 1))),\(Self.n(y(Double(lastValue) * 100 / Double(s.baseline))))"
                let to = "\(Self.n(x(slots - 1))),\(Self.n(y(projected(s) * 100 / Double(s.baseline))))"
                svg +=
                    "<polyline class=\"projection\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"\(Self.n(width * 0.75))\" stroke-dasharray=\"6 4\" points=\"\(from) \(to)\"/>"
            }
            for point in points.suffix(points.count > 40 ? 1 : points.count) {
                let xy = point.split(separator: ",")
                svg += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"\(s.isTotal ? 4 : 3)\" fill=\"\(colour)\"/>"
            }
            svg += "</g>\n"
            // An SVG swatch rather than a style attribute: the dashboard's content security policy allows no inline style.
            legend +=
                "<svg class=\"swatch\" width=\"12\" height=\"12\" aria-hidden=\"true\"><rect width=\"12\" height=\"12\" fill=\"\(colour)\"/></svg>"
                + "\(HTMLText.escape(s.label)) "
        }
        svg += "</svg>"
        out += """
            <section>
            <h2>累计完成率 <span class="en">Burn-up: cumulative share of 2010 holdings, by week\(ahead > 0 ? "; dashed: the recent rate carried on for \(ahead) weeks" : "")</span></h2>
            <p class="legend">\(legend)</p>
            \(svg)
            </section>

            """
    }

    // MARK: - Tables

    private mutating func renderProgressTable() {
        var rows = ""
        for progress in report.archives {
            let p = "archives[\(progress.id)]"
            rows +=
                "<tr>" + cell("\(p).id", .text) + cell("\(p).name", .text) + cell("\(p).level", .level)
                + cell("\(p).baseline", .count) + cell("\(p).digitized", .count) + cell("\(p).percent", .percent)
                + cell("\(p).target_percent", .percent) + cell("\(p).target", .count) + cell("\(p).gap", .count)
                + cell("\(p).status", .status) + cell("\(p).recent_rate", .decimal(2))
                + cell("\(p).projected_date", .day) + cell("\(p).deadline", .day) + "</tr>\n"
        }
        let t = "total"
        rows +=
            "<tr class=\"total\"><td>合计</td><td>Total</td><td></td>" + cell("\(t).baseline", .count)
            + cell("\(t).digitized", .count) + cell("\(t).percent", .percent) + cell("\(t).target_percent", .percent)
            + cell("\(t).target", .count) + cell("\(t).gap", .count) + cell("\(t).status", .status)
            + cell("\(t).recent_rate", .decimal(2)) + cell("\(t).projected_date", .day) + "<td></td></tr>\n"
        out += """
            <section>
            <h2>进度明细 <span class="en">Progress (卷+件)</span></h2>
            <table>
            <thead><tr><th>编号 ID</th><th>名称 Name</th><th>级别 Level</th><th>基数 Baseline</th><th>已数字化 Done</th>
            <th>完成率 %</th><th>目标 Target %</th><th>目标数 Target</th><th>差额 Gap</th><th>状态 Status</th>
            <th>周速率 Rate/wk</th><th>预计完成 Projected</th><th>期限 Deadline</th></tr></thead>
            <tbody>
            \(rows)</tbody>
            </table>
            </section>

            """
    }

    private mutating func renderCountsTable() {
        var rows = ""
        for progress in report.archives {
            let p = "archives[\(progress.id)]"
            // Sections this row has none of (null in the JSON) are marked so the page still holds every JSON path.
            let absent = ["completion", "holdings"].filter { figures["\(p).\($0)"] != nil }
                .map { figure("\(p).\($0)", .text, cssClass: "hidden") }.joined()
            rows +=
                "<tr><td>\(HTMLText.escape(progress.id))\(absent)</td>" + cell("\(p).parent", .text)
                + cell("\(p).has_digital_room", .flag)
                + cell("\(p).baseline_volumes", .count) + cell("\(p).baseline_items", .count)
                + cell("\(p).baseline_pages", .count)
                + cell("\(p).prior", .count) + cell("\(p).digitized_volumes", .count) + cell("\(p).digitized_items", .count)
                + cell("\(p).digitized_pages", .count) + cell("\(p).digitized_gb", .decimal(3)) + "</tr>\n"
        }
        let t = "total"
        rows +=
            "<tr class=\"total\"><td>合计 Total</td><td></td><td></td>" + cell("\(t).baseline_volumes", .count)
            + cell("\(t).baseline_items", .count) + cell("\(t).baseline_pages", .count) + "<td></td>"
            + cell("\(t).digitized_volumes", .count) + cell("\(t).digitized_items", .count)
            + cell("\(t).digitized_pages", .count) + cell("\(t).digitized_gb", .decimal(3)) + "</tr>\n"
        out += """
            <section>
            <h2>卷、件、页与容量 <span class="en">Volumes, items, pages and GB</span></h2>
            <table>
            <thead><tr><th rowspan="2">编号 ID</th><th rowspan="2">上级 Parent</th><th rowspan="2">数字档案室 Digital room</th>
            <th colspan="3">2010 基数 Baseline</th><th rowspan="2">此前已完成 Prior (卷+件)</th><th colspan="4">已数字化 Digitized</th></tr>
            <tr><th>卷 Vol.</th><th>件 Items</th><th>页 Pages</th><th>卷 Vol.</th><th>件 Items</th><th>页 Pages</th><th>GB</th></tr></thead>
            <tbody>
            \(rows)</tbody>
            </table>
            </section>

            """
    }

    private mutating func renderCompletion() {
        let rows = report.archives.filter { $0.completion != nil }
        guard !rows.isEmpty else { return }
        var body = ""
        for progress in rows {
            let p = "archives[\(progress.id)].completion"
            body +=
                "<tr><td>\(HTMLText.escape(progress.id))</td><td>\(HTMLText.escape(progress.archive.name))</td>"
                + cell("\(p).target_percent", .percent) + cell("\(p).target", .count) + cell("\(p).deadline", .day)
                + cell("\(p).gap", .count) + cell("\(p).status", .status) + cell("\(p).projected_date", .day) + "</tr>\n"
        }
        out += """
            <section>
            <h2>县级数字档案馆建设 <span class="en">County digital archives: completion</span></h2>
            <table>
            <thead><tr><th>编号 ID</th><th>名称 Name</th><th>目标 Target %</th><th>目标数 Target</th><th>期限 Deadline</th>
            <th>差额 Gap</th><th>状态 Status</th><th>预计完成 Projected</th></tr></thead>
            <tbody>
            \(body)</tbody>
            </table>
            </section>

            """
    }

    private mutating func renderUnits() {
        var cards = ""
        for (key, title) in [("city", "市直立档单位 City units"), ("county", "县区立档单位 County units")] {
            let p = "units.\(key)"
            let missing: [String] = (key == "city" ? report.units.city : report.units.county).withoutRoom
            let list = missing.indices.map { figure("\(p).without_room[\($0)]", .text, tag: "li") }.joined()
            cards += """
                <div class="card \(figures["\(p).met"] == .bool(true) ? "s-met" : "s-behind")">
                <div class="label">\(title)</div>
                <div class="value">\(figure("\(p).percent", .percent))</div>
                <div class="sub">\(figure("\(p).with_room", .count)) / \(figure("\(p).units", .count)) 有数字档案室 with a digital room ·
                目标 target \(figure("\(p).target_percent", .percent)) (\(figure("\(p).required", .count)) 个 units) ·
                差 gap \(figure("\(p).gap", .count)) · 达标 met \(figure("\(p).met", .flag)) · 期限 due \(figure("\(p).deadline", .day))</div>
                <div class="sub">尚无 Without a room:</div><ul class="ids">\(list.isEmpty ? "<li>—</li>" : list)</ul>
                </div>

                """
        }
        let unassigned = report.units.unassigned.indices.map { figure("units.unassigned[\($0)]", .text, tag: "li") }.joined()
        out += """
            <section>
            <h2>立档单位数字档案室 <span class="en">Units' digital archive rooms</span></h2>
            <div class="cards">
            \(cards)</div>
            \(unassigned.isEmpty ? "" : "<p>未指定上级的单位 Units with no parent archive (counted in neither): </p><ul class=\"ids\">\(unassigned)</ul>")
            </section>

            """
    }

    private mutating func renderHoldings() {
        let rows = report.archives.filter { $0.holdings != nil }
        guard !rows.isEmpty else { return }
        var body = ""
        for progress in rows {
            let p = "archives[\(progress.id)].holdings"
            body +=
                "<tr><td>\(HTMLText.escape(progress.id))</td><td>\(HTMLText.escape(progress.archive.name))</td>"
                + cell("\(p).current", .count) + cell("\(p).growth", .decimal(2)) + cell("\(p).growth_target", .decimal(2))
                + cell("\(p).growth_met", .flag) + cell("\(p).livelihood", .count) + cell("\(p).livelihood_percent", .percent)
                + cell("\(p).livelihood_target_percent", .percent) + cell("\(p).livelihood_met", .flag) + "</tr>\n"
        }
        out += """
            <section>
            <h2>馆藏增长与民生档案 <span class="en">Holdings growth and livelihood records</span></h2>
            <table>
            <thead><tr><th>编号 ID</th><th>名称 Name</th><th>现馆藏 Current</th><th>增长倍数 Growth ×</th><th>目标 Target ×</th>
            <th>达标 Met</th><th>民生档案 Livelihood</th><th>民生占比 Share</th><th>目标 Target</th><th>达标 Met</th></tr></thead>
            <tbody>
            \(body)</tbody>
            </table>
            </section>

            """
    }

    private mutating func renderNotes() {
        var items = ""
        for stray in report.unregistered {
            let p = "unregistered[\(stray.id)]"
            items +=
                "<li>\(figure("\(p).events", .count)) 条已验证记录属于未登记的档案馆 verified records name archive "
                + "\(figure("\(p).id", .text, tag: "code")), which is not in the register — 未计入 not counted: "
                + "\(figure("\(p).digitized", .count)) 卷+件 (\(figure("\(p).digitized_volumes", .count)) 卷, "
                + "\(figure("\(p).digitized_items", .count)) 件, \(figure("\(p).digitized_pages", .count)) 页 pages, "
                + "\(figure("\(p).digitized_gb", .decimal(3))) GB)</li>\n"
        }
        items +=
            "<li>未通过验证的记录（未计入）Records packaged but failing verification, not counted: \(figure("ignored.unverified", .count))</li>\n"
        items +=
            "<li>截至日之后验证的记录（未计入）Records verified after the as-of day, not counted: \(figure("ignored.after_as_of", .count))</li>\n"
        out += """
            <section class="notes">
            <h2>说明 <span class="en">Notes</span></h2>
            <ul>
            \(items)</ul>
            </section>

            """
    }

    private mutating func renderRules() {
        func target(_ key: String, _ title: String) -> String {
            let p = "rules.\(key)"
            if figures["\(p).target"] == nil {
                return "<tr><td>\(title)</td>" + cell(p, .text) + "<td></td></tr>\n"
            }
            return "<tr><td>\(title)</td>" + cell("\(p).target", .decimal(2)) + cell("\(p).deadline", .day) + "</tr>\n"
        }
        var rows =
            target("city", "市档案馆 City archive") + target("county", "县区档案馆 County archives")
            + target("unit", "立档单位 Units") + target("county_completion", "县级数字档案馆建成 County digital archive complete")
        rows +=
            "<tr><td>市直单位数字档案室 City units with rooms</td>" + cell("rules.city_unit_rooms", .decimal(2))
            + cell("rules.unit_room_deadline", .day) + "</tr>\n"
        rows +=
            "<tr><td>县区单位数字档案室 County units with rooms</td>" + cell("rules.county_unit_rooms", .decimal(2)) + "<td></td></tr>\n"
        rows += "<tr><td>馆藏增长倍数 Holdings growth ×</td>" + cell("rules.holdings_growth", .decimal(2)) + "<td></td></tr>\n"
        rows += "<tr><td>民生档案占比 Livelihood share</td>" + cell("rules.livelihood_share", .decimal(2)) + "<td></td></tr>\n"
        rows += "<tr><td>速率周数 Recent weeks</td>" + cell("rules.recent_weeks", .count) + "<td></td></tr>\n"
        out += """
            <section class="rules">
            <h2>指标规则 <span class="en">Quota rules</span></h2>
            <table class="narrow">
            <thead><tr><th>规则 Rule</th><th>比例 Share</th><th>期限 Deadline</th></tr></thead>
            <tbody>
            \(rows)</tbody>
            </table>
            </section>

            """
    }

    private mutating func renderBurnUpData() {
        let series = report.archives.map { ("archives[\($0.id)]", $0.id) } + [("total", "合计 Total")]
        var head = "<th>周末 Week ending</th>"
        for (_, label) in series { head += "<th>\(HTMLText.escape(label))</th>" }
        var body = ""
        for (index, week) in report.weeks.enumerated() {
            body += "<tr><td>\(week)</td>"
            for (prefix, _) in series {
                let p = "\(prefix).burn_up[\(index)]"
                body +=
                    "<td class=\"num\">" + figure("\(p).digitized", .count)
                    + figure("\(p).week_ending", .day, cssClass: "hidden") + "</td>"
            }
            body += "</tr>\n"
        }
        out += """
            <section class="data">
            <details>
            <summary>累计数据 Burn-up data (卷+件, cumulative by week)</summary>
            <table>
            <thead><tr>\(head)</tr></thead>
            <tbody>
            \(body)</tbody>
            </table>
            </details>
            </section>

            """
    }

    // MARK: - Helpers

    static let palette = [
        "#1565c0", "#c62828", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#ad1457", "#4e342e",
        "#558b2f", "#283593",
    ]

    /// A coordinate with at most one decimal.
    /// Weeks the burn-up's projection runs past the as-of day.
    static let projectionWeeks = 26

    static func n(_ value: Double) -> String {
        let text = QuotaNumberFormat.decimal(value, decimals: 1)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    static func clip(_ text: String, _ width: Int) -> String {
        guard DisplayWidth.of(text) > width else { return text }
        var out = ""
        for character in text {
            if DisplayWidth.of(out + String(character)) > width - 1 { break }
            out.append(character)
        }
        return out + "…"
    }

    static let css = """

        :root { --met: #2e7d32; --on_track: #1565c0; --behind: #c62828; --no_target: #9e9e9e; --ink: #1a1a1a; --muted: #5f6368; }
        * { box-sizing: border-box; }
        body { margin: 24px auto; max-width: 1080px; padding: 0 16px; color: var(--ink); background: #fff;
          font: 14px/1.45 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei",
          "Droid Sans Fallback", "Helvetica Neue", Arial, sans-serif; }
        h1 { font-size: 24px; margin: 0 0 4px; }
        h2 { font-size: 17px; margin: 28px 0 10px; border-bottom: 2px solid #e0e0e0; padding-bottom: 4px; }
        .en { color: var(--muted); font-weight: normal; }
        .meta { color: var(--muted); margin: 0; }
        code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
        .cards { display: flex; flex-wrap: wrap; gap: 12px; }
        .card { flex: 1 1 150px; border: 1px solid #ddd; border-left: 6px solid #bbb; border-radius: 6px; padding: 10px 12px; }
        .card .label { color: var(--muted); font-size: 12px; }
        .card .value { font-size: 22px; font-weight: 600; }
        .card .sub { color: var(--muted); font-size: 12px; }
        .card.big .value { font-size: 30px; }
        .card.s-met { border-left-color: var(--met); } .card.s-on_track { border-left-color: var(--on_track); }
        .card.s-behind { border-left-color: var(--behind); }
        svg { display: block; width: 100%; height: auto; }
        svg text { font-size: 13px; fill: var(--ink); }
        svg .tick { font-size: 11px; fill: var(--muted); }
        svg .grid { stroke: #e6e6e6; stroke-width: 1; }
        svg .axis { stroke: #888; stroke-width: 1; }
        svg .track { fill: #f1f1f1; }
        svg .bar.s-met .fill { fill: var(--met); } svg .bar.s-on_track .fill { fill: var(--on_track); }
        svg .bar.s-behind .fill { fill: var(--behind); } svg .bar.s-no_target .fill { fill: var(--no_target); }
        svg .bar .target { stroke: #000; stroke-width: 3; }
        svg .pct { font-size: 12px; font-weight: 600; }
        svg line.target { stroke: #000; stroke-width: 1.5; stroke-dasharray: 6 4; }
        svg .bar line.target { stroke-dasharray: none; stroke-width: 3; }
        svg .target-label { font-size: 11px; }
        .legend { color: var(--muted); font-size: 12px; margin: 4px 0; }
        .legend .key, .legend .swatch { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; vertical-align: -1px; }
        .legend .key.s-met { background: var(--met); } .legend .key.s-on_track { background: var(--on_track); }
        .legend .key.s-behind { background: var(--behind); } .legend .key.s-no_target { background: var(--no_target); }
        .legend .key.target { width: 3px; background: #000; }
        table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
        table.narrow { width: auto; }
        th, td { border: 1px solid #d6d6d6; padding: 3px 6px; vertical-align: top; }
        th { background: #f4f4f4; font-weight: 600; text-align: left; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.status { white-space: nowrap; font-weight: 600; }
        td.s-met { color: var(--met); } td.s-on_track { color: var(--on_track); } td.s-behind { color: var(--behind); }
        td.s-no_target { color: var(--no_target); }
        tr.total td { font-weight: 600; background: #fafafa; }
        ul.ids { margin: 2px 0; padding-left: 18px; font-size: 12px; columns: 3; }
        .hidden { display: none; }
        footer { margin-top: 32px; color: var(--muted); font-size: 11px; }
        @page { size: A4; margin: 12mm; }
        @media print {
          body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          section { break-inside: avoid; page-break-inside: avoid; }
          section.data { display: none; }
          h2 { margin-top: 16px; }
          table { font-size: 8.5pt; }
          svg { max-height: 120mm; }
        }

        """
}
