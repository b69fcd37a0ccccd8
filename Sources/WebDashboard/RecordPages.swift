import Acceptance
import Audit
import Foundation
import Ledger
import QuireCore

/// One record in detail, as the record page and `/api/batches/{batch}/records/{code}` show it.
struct RecordDetail: Sendable {
    var batch: String
    var record: RecordRow
    var pages: [PageRecord]
    var catalog: [(name: String, value: String)]
    var fixity: [FixityRecord]
    var events: [LedgerEvent]

    /// Reads the record, or nil when the batch has no such record. Blocking.
    static func read(batch: String, code: String, source: DashboardSource) throws -> RecordDetail? {
        guard let record = try source.ledger.records(batch: batch).first(where: { $0.code == code }) else { return nil }
        let pages = try source.ledger.pages(batch: batch, code: code)
        let layout = WorkspaceLayout(root: source.workspace, pageDigits: source.pageDigits)
        var paths = pages.map(\.path)
        for page in pages {
            for output in WorkspaceLayout.PageOutput.allCases {
                paths.append(layout.relativePath(of: output, code: code, page: page.page))
            }
        }
        paths += WorkspaceLayout.MetadataDocument.allCases.map { WorkspaceLayout.metadataPath(code: code, $0) }
        let fixity = try source.ledger.fixityRecords(batch: batch, paths: paths)
        let events = try source.ledger.events(batch: batch).filter { $0.subject == code || $0.subject.hasPrefix(code + "/") }
        return RecordDetail(
            batch: batch, record: record, pages: pages,
            catalog: RecordFiles.catalogFields(code: code, workspace: source.workspace), fixity: fixity, events: events)
    }
}

/// The record page and the verify-results page.
enum RecordPages {
    static func record(_ d: RecordDetail, nonce: String) -> String {
        let b = HTML.pathComponent(d.batch), c = HTML.pathComponent(d.record.code)
        var body = """
            <h1>案卷/件 <span class="en">Record</span> \(HTML.escape(d.record.code))</h1>
            <p class="note"><a href="/batches/\(b)">批次 batch \(HTML.escape(d.batch))</a> · 状态 State <strong data-record-state>\(HTML.escape(d.record.state.rawValue))</strong>
            · 包 Bag <code>\(HTML.escape(d.record.bag ?? "—"))</code></p>

            """
        if !d.record.problems.isEmpty {
            body += "<h2>问题 <span class=\"en\">Problems</span></h2><ul class=\"problems\">"
            for p in d.record.problems {
                body += "<li><code>\(HTML.escape(p.rule.rawValue))</code> \(HTML.escape(p.detail))</li>"
            }
            body += "</ul>\n"
        }
        body += "<h2>页 <span class=\"en\">Pages</span> (\(d.pages.count))</h2>\n<div class=\"thumbs\">"
        for p in d.pages {
            let key = PageKey(code: d.record.code, page: p.page)
            let image = CheckPages.image(d.batch, key, "thumb.jpg")
            let access = CheckPages.image(d.batch, key, "access.jpg")
            body += """
                <figure><a href="\(access)"><img src="\(image)" alt="\(HTML.escape(d.record.code)) \(p.page)" loading="lazy" height="160"></a>
                <figcaption>\(p.page) · \(HTML.escape(p.state.rawValue)) · \(p.width)×\(p.height)</figcaption></figure>
                """
        }
        body += "</div>\n<h2>著录项 <span class=\"en\">Catalog fields</span></h2>\n"
        if d.catalog.isEmpty {
            body += "<p class=\"note\">尚无元数据 No metadata yet (the record is not bound).</p>\n"
        } else {
            body += "<table class=\"catalog\">"
            for f in d.catalog { body += "<tr><th>\(HTML.escape(f.name))</th><td>\(HTML.escape(f.value))</td></tr>" }
            body += "</table>\n"
        }
        body += """
            <h2>固定性 <span class="en">Fixity</span> (\(d.fixity.count) files)</h2>
            <table class="fixity"><thead><tr><th>文件 File</th><th>角色 Role</th><th>字节 Bytes</th><th>SHA-256</th><th>记录于 Recorded</th><th>核查于 Checked</th><th>结果 Status</th></tr></thead><tbody>

            """
        for f in d.fixity {
            body += """
                <tr><td><code>\(HTML.escape(f.path))</code></td><td>\(HTML.escape(f.role.rawValue))</td><td class="num">\(f.size)</td>
                <td><code>\(HTML.escape(String((f.digests[.sha256] ?? "").prefix(16))))…</code></td><td>\(HTML.escape(f.recordedAt ?? ""))</td>
                <td>\(HTML.escape(f.checkedAt ?? "—"))</td><td class="\(f.status == .drift || f.status == .missing ? "bad" : "")">\(HTML.escape(f.status.rawValue))</td></tr>

                """
        }
        body += "</tbody></table>\n<h2>事件 <span class=\"en\">Events</span> (\(d.events.count))</h2>\n"
        body +=
            "<table class=\"events\"><thead><tr><th>时间 At</th><th>对象 Subject</th><th>动作 Action</th><th>说明 Detail</th><th>工具 Tool</th></tr></thead><tbody>\n"
        for e in d.events.suffix(Pages.rowLimit) {
            body += """
                <tr><td>\(HTML.escape(e.at))</td><td>\(HTML.escape(e.subject))</td><td><code>\(HTML.escape(e.action))</code></td>
                <td>\(HTML.escape(e.detail ?? ""))</td><td>\(HTML.escape(e.tool))</td></tr>

                """
        }
        body += "</tbody></table>\n<p class=\"note\"><a href=\"/api/batches/\(b)/records/\(c)\">JSON</a></p>\n"
        let style = """
            .thumbs { display: flex; flex-wrap: wrap; gap: 12px; } .thumbs figure { margin: 0; background: #fff; border: 1px solid var(--line); padding: 6px; }
            .thumbs figcaption { font-size: 12px; color: var(--muted); text-align: center; }

            """
        return HTML.page(title: "案卷 \(d.record.code)", nonce: nonce, live: false, body: body, extraStyle: style)
    }

    static func json(_ d: RecordDetail) -> Data {
        let object: [String: Any] = [
            "batch": d.batch, "code": d.record.code, "state": d.record.state.rawValue, "bag": d.record.bag ?? NSNull(),
            "problems": d.record.problems.map { ["rule": $0.rule.rawValue, "detail": $0.detail] },
            "pages": d.pages.map {
                ["page": $0.page, "path": $0.path, "state": $0.state.rawValue, "width": $0.width, "height": $0.height]
            },
            "catalog": d.catalog.map { ["name": $0.name, "value": $0.value] },
            "fixity": d.fixity.map {
                [
                    "path": $0.path, "root": $0.root.rawValue, "role": $0.role.rawValue, "size": $0.size,
                    "sha256": $0.digests[.sha256] ?? "", "status": $0.status.rawValue,
                ] as [String: Any]
            },
            "events": d.events.map {
                ["at": $0.at, "subject": $0.subject, "action": $0.action, "detail": $0.detail ?? "", "tool": $0.tool]
            },
        ]
        return
            (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
    }

    // MARK: - Verify results

    /// One verified or invalid record: its bag, the four properties, the rules it broke.
    struct Verified: Sendable {
        var batch: String
        var code: String
        var bag: String
        var valid: Bool
        var at: String
        var failedRules: [String]
        /// The DA/T 70 property each failed rule stands against (all hold when none failed).
        var failedProperties: Set<FourProperty> {
            Set(failedRules.compactMap { AuditRule(rawValue: $0).map(FourProperty.init(rule:)) })
        }
    }

    /// Every record whose bag was verified or found invalid, with the last verification's outcome. Blocking.
    static func verified(source: DashboardSource) throws -> [Verified] {
        var found: [Verified] = []
        for batch in try source.ledger.batches() {
            let records = try source.ledger.records(batch: batch.id).filter { $0.state == .verified || $0.state == .invalid }
            guard !records.isEmpty else { continue }
            var last: [String: LedgerEvent] = [:]
            for e in try source.ledger.events(batch: batch.id) where e.action == "record.verified" || e.action == "record.invalid"
            {
                last[e.subject] = e
            }
            for r in records {
                let event = last[r.code]
                let rules = event?.detail.map(VerificationRecord.failedRules(inDetail:)) ?? []
                found.append(
                    Verified(
                        batch: batch.id, code: r.code, bag: r.bag ?? "", valid: r.state == .verified, at: event?.at ?? "",
                        failedRules: rules))
            }
        }
        return found
    }

    static func verify(_ rows: [Verified], nonce: String) -> String {
        let valid = rows.filter(\.valid).count
        var body = """
            <h1>核验结果 <span class="en">Verify results</span></h1>
            <p class="note">\(rows.count) bags verified by <code>quire verify</code> or <code>quire run</code>: \(valid) valid, \(rows.count - valid) invalid.
            四性 The four properties of DA/T 70: 真实性 authenticity, 完整性 integrity, 可用性 usability, 安全性 security.</p>
            <table class="verify"><thead><tr><th>批次 Batch</th><th>档号 Record</th><th>包 Bag</th><th>核验于 At</th>
            \(FourProperty.allCases.map { "<th>\($0.chineseName) <span class=\"en\">\($0.rawValue)</span></th>" }.joined())<th>未通过的规则 Failed rules</th></tr></thead><tbody>

            """
        for r in rows.prefix(Pages.rowLimit) {
            let failed = r.failedProperties
            let marks = FourProperty.allCases.map { failed.contains($0) ? "<td class=\"bad\">✗</td>" : "<td class=\"ok\">✓</td>" }
            body += """
                <tr data-bag-valid="\(r.valid)"><td>\(HTML.escape(r.batch))</td>
                <td><a href="/batches/\(HTML.pathComponent(r.batch))/records/\(HTML.pathComponent(r.code))">\(HTML.escape(r.code))</a></td>
                <td><code>\(HTML.escape((r.bag as NSString).lastPathComponent))</code></td><td>\(HTML.escape(r.at))</td>\(marks.joined())
                <td>\(r.failedRules.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: " "))</td></tr>

                """
        }
        body += "</tbody></table>\n"
        return HTML.page(title: "核验结果 Verify results", nonce: nonce, live: false, body: body)
    }
}
