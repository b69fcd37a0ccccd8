import Foundation
import Ledger
import QuireCore

/// The visual check's pages: the sample with its marks and pass rate, and one page to mark beside its catalog
/// fields.
enum CheckPages {
    static func link(_ batch: String, _ key: PageKey? = nil, seed: UInt64) -> String {
        var path = "/batches/\(HTML.pathComponent(batch))/check"
        if let key { path += "/\(HTML.pathComponent(key.code))/\(key.page)" }
        return path + "?seed=\(seed)"
    }

    static func image(_ batch: String, _ key: PageKey, _ file: String) -> String {
        "/pages/\(HTML.pathComponent(batch))/\(HTML.pathComponent(key.code))/\(key.page)/\(file)"
    }

    /// The pass rate against the pass line, as a bar.
    static func rateBar(_ sample: VisualCheckSample) -> String {
        let rate = sample.passRate ?? 0
        let width = 400.0
        return """
            <svg class="rate" role="img" aria-label="合格率 pass rate" width="420" height="34" viewBox="0 0 420 34" xmlns="http://www.w3.org/2000/svg">
            <rect x="0" y="8" width="\(width)" height="16" fill="#eceff1"/>
            <rect x="0" y="8" width="\(String(format: "%.1f", width * rate / 100))" height="16" fill="\(rate >= sample.passPercent ? "#2e7d32" : "#c62828")"/>
            <line x1="\(String(format: "%.1f", width * sample.passPercent / 100))" y1="2" x2="\(String(format: "%.1f", width * sample.passPercent / 100))" y2="32" stroke="#111" stroke-width="2"/>
            </svg>
            """
    }

    static func sample(_ s: VisualCheckSample, canMark: Bool, nonce: String) -> String {
        let rate = s.passRate.map { String(format: "%.1f%%", $0) } ?? "—"
        let verdict =
            switch s.verdict {
            case "accepted": "<span class=\"ok\">合格 accepted</span>"
            case "rejected": "<span class=\"bad\">不合格 rejected</span>"
            default: "<span class=\"muted\">未完成 open</span>"
            }
        var body = """
            <h1>图像质量抽检 <span class="en">Visual check</span> · \(HTML.escape(s.batch))</h1>
            <p class="note">抽样 Sample: \(String(format: "%g", s.percent))% of \(s.population) pages, seed <code>\(s.seed)</code>
            (as <code>quire verify --sample \(String(format: "%g", s.percent)) --seed \(s.seed)</code> draws) ·
            <a href="/batches/\(HTML.pathComponent(s.batch))">批次 batch</a> · <a href="/api/batches/\(HTML.pathComponent(s.batch))/check?seed=\(s.seed)">JSON</a></p>
            <form method="get" action="/batches/\(HTML.pathComponent(s.batch))/check"><label>种子 Seed <input name="seed" value="\(s.seed)" inputmode="numeric" pattern="[0-9]{1,20}"></label> <button>重新抽样 Draw</button></form>
            <table class="check-summary"><tr><th>抽取 Drawn</th><td class="num" data-check="drawn">\(s.drawn.count)</td>
            <th>已检 Marked</th><td class="num" data-check="marked">\(s.marked)</td><th>合格 Passed</th><td class="num" data-check="passed">\(s.passed)</td>
            <th>不合格 Failed</th><td class="num" data-check="failed">\(s.failed)</td>
            <th>合格率 Pass rate</th><td class="num" data-check="rate">\(rate)</td><th>结论 Verdict</th><td data-check="verdict">\(verdict)</td></tr></table>
            <p>\(rateBar(s)) 合格线 pass line \(String(format: "%g", s.passPercent))%</p>

            """
        if let next = s.nextUnmarked(after: nil), canMark {
            body += "<p><a class=\"start\" href=\"\(link(s.batch, next, seed: s.seed))\">开始检查 Check the next page →</a></p>\n"
        }
        body +=
            "<table class=\"sample\"><thead><tr><th>档号 Record</th><th>页 Page</th><th>缩略图 Thumbnail</th><th>结果 Mark</th><th>检查人 By</th></tr></thead><tbody>\n"
        for key in s.drawn {
            let mark = s.marks[key]
            let shown =
                mark.map { m in
                    m.verdict == .pass
                        ? "<span class=\"ok\">合格 pass</span>"
                        : "<span class=\"bad\">不合格 fail: \(HTML.escape(m.reason?.label ?? ""))</span> \(HTML.escape(m.note))"
                } ?? "<span class=\"muted\">未检 not yet</span>"
            body += """
                <tr data-page="\(HTML.escape(key.code))/\(key.page)"><td><a href="\(link(s.batch, key, seed: s.seed))">\(HTML.escape(key.code))</a></td>
                <td class="num">\(key.page)</td><td><img src="\(image(s.batch, key, "thumb.jpg"))" alt="" loading="lazy" height="96"></td>
                <td>\(shown)</td><td>\(HTML.escape(mark?.auditor ?? ""))</td></tr>

                """
        }
        body += "</tbody></table>\n"
        return HTML.page(title: "抽检 Visual check \(s.batch)", nonce: nonce, live: false, body: body)
    }

    static func page(
        _ s: VisualCheckSample, key: PageKey, catalog: [(name: String, value: String)], canMark: Bool, user: String, nonce: String
    ) -> String {
        let index = s.drawn.firstIndex(of: key)
        let previous = index.flatMap { $0 > 0 ? s.drawn[$0 - 1] : nil }
        let next = index.flatMap { $0 + 1 < s.drawn.count ? s.drawn[$0 + 1] : nil }
        let mark = s.marks[key]
        var fields = ""
        for (name, value) in catalog {
            fields += "<tr><th>\(HTML.escape(name))</th><td>\(HTML.escape(value))</td></tr>"
        }
        let reasons = VisualCheckReason.allCases.map {
            "<option value=\"\($0.rawValue)\">\(HTML.escape($0.label))</option>"
        }.joined()
        let form =
            canMark
            ? """
            <form method="post" action="/batches/\(HTML.pathComponent(s.batch))/check" class="mark">
            <input type="hidden" name="code" value="\(HTML.escape(key.code))"><input type="hidden" name="page" value="\(key.page)">
            <input type="hidden" name="seed" value="\(s.seed)">
            <p><label>不合格原因 Reason if it fails <select name="reason">\(reasons)</select></label></p>
            <p><label>备注 Note <input name="note" maxlength="2000" size="40"></label></p>
            <p><button name="verdict" value="pass" class="pass">合格 Pass</button> <button name="verdict" value="fail" class="fail">不合格 Fail</button>
            <span class="note">检查人 as \(HTML.escape(user))</span></p>
            </form>
            """
            : "<p class=\"note\">只读账户 A viewer account may look, not mark.</p>"
        let body = """
            <h1>抽检 <span class="en">Visual check</span> · \(HTML.escape(key.code)) 第 \(key.page) 页 <span class="en">page \(key.page)</span></h1>
            <p class="note"><a href="\(link(s.batch, seed: s.seed))">← 抽样 sample</a> (\(index.map { "\($0 + 1)" } ?? "—") / \(s.drawn.count))
            \(previous.map { " · <a href=\"\(link(s.batch, $0, seed: s.seed))\">上一页 previous</a>" } ?? "")
            \(next.map { " · <a href=\"\(link(s.batch, $0, seed: s.seed))\">下一页 next</a>" } ?? "")
            · 当前结果 Current mark: \(mark.map { HTML.escape($0.verdict.rawValue + ($0.reason.map { " (\($0.label))" } ?? "") + " by " + $0.auditor) } ?? "未检 none")</p>
            <div class="check-layout">
            <div class="scan"><img src="\(image(s.batch, key, "access.jpg"))" alt="\(HTML.escape(key.code)) page \(key.page)" class="access"></div>
            <div class="fields"><h2>著录项 <span class="en">Catalog fields</span></h2><table class="catalog">\(fields)</table>\(form)</div>
            </div>

            """
        let style = """
            .check-layout { display: flex; gap: 24px; align-items: flex-start; flex-wrap: wrap; }
            .scan img.access { max-width: 640px; width: 100%; border: 1px solid var(--line); background: #fff; }
            .fields { min-width: 320px; } button.pass { background: #2e7d32; color: #fff; } button.fail { background: #c62828; color: #fff; }
            button { border: 0; padding: 8px 18px; font-size: 15px; border-radius: 4px; cursor: pointer; }

            """
        return HTML.page(title: "抽检 \(key.code) p\(key.page)", nonce: nonce, live: false, body: body, extraStyle: style)
    }
}
