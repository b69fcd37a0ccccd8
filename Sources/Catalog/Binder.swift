import QuireCore
import ArchivalCode

/// Links catalog records to their page images (数据挂接, DA/T 31-2017) and decides, per record, bound or held.
///
/// For each catalog record, the accepted pages whose 档号 equals the record's are its images. The record is
/// **held** when any rule in ``BindingRule`` fires:
/// - `no_images`: no file at all, accepted or quarantined, names the record;
/// - `page_count_mismatch`: the number of accepted images differs from 页数 (quarantined files are not
///   counted; the detail says how many there were);
/// - `page_gap`: page numbers missing among the accepted images, from 1 up to the larger of 页数 and the
///   highest page present;
/// - `duplicate_page`: two accepted images with one page number;
/// - `quarantined_pages`: any of the record's files was quarantined;
/// - `failed_pages`: any of its accepted pages carries a ``BoundPage/failure`` (no master could be made).
///
/// Otherwise it is **bound**. A record without a 页数 value is checked for gaps and duplicates only.
/// Accepted pages whose 档号 has no record are reported as unmatched; quarantined files without a record
/// are the import's business and are not repeated here. Output order is deterministic: records in
/// ``ArchivalCode`` order, unmatched images by 档号, page and path.
public enum Binder {
    /// Binds a catalog to the accepted pages, taking quarantined files into account.
    public static func bind(
        catalog: Catalog, pages: [BoundPage],
        quarantined: [QuarantinedPage] = []
    ) -> BindingResult {
        var accepted: [String: [BoundPage]] = [:]
        for page in pages { accepted[key(page.code), default: []].append(page) }
        var setAside: [String: [QuarantinedPage]] = [:]
        for file in quarantined {
            guard let code = file.code else { continue }
            setAside[key(code), default: []].append(file)
        }

        let records = catalog.records.sorted { ($0.code, $0.line) < ($1.code, $1.line) }
        var outcomes: [RecordBinding] = []
        var claimed = Set<String>()
        for record in records {
            let code = record.code.canonical
            claimed.insert(code)
            let images = (accepted[code] ?? []).sorted { ($0.page, $0.path) < ($1.page, $1.path) }
            let held = (setAside[code] ?? []).sorted { ($0.page ?? .max, $0.path) < ($1.page ?? .max, $1.path) }
            outcomes.append(
                RecordBinding(
                    code: record.code,
                    problems: problems(expected: record.pageCount, images: images, held: held)))
        }

        let unmatched = pages.filter { !claimed.contains(key($0.code)) }.sorted(by: unmatchedOrder)
        return BindingResult(
            records: outcomes, unmatchedImages: unmatched.map(\.path),
            catalogErrors: catalog.errors)
    }

    // MARK: - Rules

    private static func problems(expected: Int?, images: [BoundPage], held: [QuarantinedPage]) -> [BindingProblem] {
        if images.isEmpty && held.isEmpty {
            let pages = expected.map { " (页数 \($0))" } ?? ""
            return [BindingProblem(rule: .noImages, detail: "no image in the delivery for this record\(pages)")]
        }
        var problems: [BindingProblem] = []
        if let expected, images.count != expected {
            problems.append(
                BindingProblem(
                    rule: .pageCountMismatch,
                    detail: "\(count(images.count, "accepted image")) against 页数 \(expected); \(held.count) quarantined"))
        }
        let present = Set(images.map(\.page))
        let top = max(expected ?? 0, present.max() ?? 0)
        let missing = top >= 1 ? (1...top).filter { !present.contains($0) } : []
        if !missing.isEmpty {
            var detail = "missing \(missing.count == 1 ? "page" : "pages") \(PageRanges.describe(missing))"
            let quarantinedMissing = Set(held.compactMap(\.page)).intersection(missing).sorted()
            if !quarantinedMissing.isEmpty {
                detail += " (\(PageRanges.describe(quarantinedMissing)) quarantined)"
            }
            problems.append(BindingProblem(rule: .pageGap, detail: detail))
        }
        let byPage = Dictionary(grouping: images, by: \.page)
        let duplicated = byPage.keys.filter { byPage[$0, default: []].count > 1 }.sorted()
        if !duplicated.isEmpty {
            let detail = duplicated.map { page in
                "page \(page): " + byPage[page, default: []].map(\.path).joined(separator: ", ")
            }.joined(separator: "; ")
            problems.append(BindingProblem(rule: .duplicatePage, detail: detail))
        }
        if !held.isEmpty {
            let list = held.map { file in
                let page = file.page.map { " (page \($0))" } ?? ""
                return "\(file.path)\(page): \(file.reason)"
            }.joined(separator: "; ")
            problems.append(
                BindingProblem(
                    rule: .quarantinedPages,
                    detail: "\(count(held.count, "file")) quarantined: \(list)"))
        }
        let failed = images.filter { $0.failure != nil }
        if !failed.isEmpty {
            let list = failed.map { "\($0.path) (page \($0.page)): \($0.failure ?? "")" }.joined(separator: "; ")
            problems.append(
                BindingProblem(
                    rule: .failedPages,
                    detail: "no preservation master for \(count(failed.count, "page")): \(list)"))
        }
        return problems
    }

    // MARK: - Helpers

    /// The canonical spelling of a page's 档号 (ASCII `.` → `·`, as ``ArchivalCode`` normalises it).
    private static func key(_ code: String) -> String {
        String(code.map { $0 == "." ? "·" : $0 })
    }

    /// 档号 order where the code parses (unparseable codes after, by text), then page, then path.
    private static func unmatchedOrder(_ a: BoundPage, _ b: BoundPage) -> Bool {
        let ka = key(a.code), kb = key(b.code)
        if ka != kb {
            switch (try? ArchivalCode.parse(ka), try? ArchivalCode.parse(kb)) {
            case let (x?, y?): if x != y { return x < y }
            case (_?, nil): return true
            case (nil, _?): return false
            case (nil, nil): break
            }
            return ka < kb
        }
        return (a.page, a.path) < (b.page, b.path)
    }

    private static func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }
}
