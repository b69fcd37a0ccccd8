import Acceptance
import Foundation
import Ledger
import QuireCore
import Synchronization

/// The auditor's visual check of a batch (DA/T 31 acceptance): a seeded sample of its pages, drawn as
/// `quire verify --sample` draws bags (the same share, seed and draw), the latest mark of each drawn page, and the
/// batch's pass rate against the pass line.
struct VisualCheckSample: Sendable, Encodable {
    var batch: String
    var seed: UInt64
    var percent: Double
    var passPercent: Double
    /// Pages of the batch the sample was drawn from.
    var population: Int
    /// The drawn pages, in order.
    var drawn: [PageKey]
    /// The latest mark of each drawn page that has one.
    var marks: [PageKey: VisualCheckMark]

    var marked: Int { drawn.filter { marks[$0] != nil }.count }
    var passed: Int { drawn.filter { marks[$0]?.verdict == .pass }.count }
    var failed: Int { drawn.filter { marks[$0]?.verdict == .fail }.count }
    /// Passed pages as a share of the marked ones, in percent (nil before the first mark).
    var passRate: Double? { marked == 0 ? nil : 100 * Double(passed) / Double(marked) }
    /// `accepted` once every drawn page is marked and the rate reaches the line, `rejected` once it cannot any
    /// more, `open` meanwhile.
    var verdict: String {
        let mostPassing = 100 * Double(drawn.count - failed) / Double(max(drawn.count, 1))
        if mostPassing < passPercent { return "rejected" }
        return marked == drawn.count ? "accepted" : "open"
    }

    /// The page after `key` in the sample that has no mark yet (wrapping), or nil when every page is marked.
    func nextUnmarked(after key: PageKey?) -> PageKey? {
        let start = key.flatMap { drawn.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
        let order = drawn[min(start, drawn.count)...] + drawn[..<min(start, drawn.count)]
        return order.first { marks[$0] == nil }
    }

    enum CodingKeys: String, CodingKey {
        case batch, seed, percent, population, drawn, marked, passed, failed, verdict
        case passPercent = "pass_percent"
        case passRate = "pass_rate"
    }

    struct DrawnPage: Encodable {
        var code: String
        var page: Int
        var verdict: String?
        var reason: String?
        var note: String?
        var auditor: String?
        var at: String?
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(batch, forKey: .batch)
        try c.encode(seed, forKey: .seed)
        try c.encode(percent, forKey: .percent)
        try c.encode(passPercent, forKey: .passPercent)
        try c.encode(population, forKey: .population)
        try c.encode(
            drawn.map {
                let m = marks[$0]
                return DrawnPage(
                    code: $0.code, page: $0.page, verdict: m?.verdict.rawValue, reason: m?.reason?.rawValue, note: m?.note,
                    auditor: m?.auditor, at: m?.at)
            }, forKey: .drawn)
        try c.encode(marked, forKey: .marked)
        try c.encode(passed, forKey: .passed)
        try c.encode(failed, forKey: .failed)
        try c.encode(passRate, forKey: .passRate)
        try c.encode(verdict, forKey: .verdict)
    }
}

/// Draws samples (remembering the draw of each batch and seed: a batch's pages do not change once imported, and
/// reading a million pages per request would not do) and records marks through the one writable handle.
final class VisualCheckDesk: Sendable {
    let source: DashboardSource
    private let draws = Mutex<[String: (population: Int, drawn: [PageKey])]>([:])
    private let writer = Mutex<(any VisualCheckStore)?>(nil)

    init(source: DashboardSource) { self.source = source }

    /// The sample of `batch` drawn with `seed`, with its marks; nil when the ledger has no such batch. Blocking.
    func sample(batch: String, seed: UInt64) throws -> VisualCheckSample? {
        guard try source.ledger.batch(id: batch) != nil else { return nil }
        let key = "\(seed)/\(batch)"
        let draw: (population: Int, drawn: [PageKey])
        // A draw stands while the batch has as many pages as it was drawn from (a run may still be importing).
        let pageCount = try source.ledger.counts(batch: batch).pages
        if let known = draws.withLock({ $0[key] }), known.population == pageCount {
            draw = known
        } else {
            let pages = Set(try source.ledger.pages(batch: batch).map { PageKey(code: $0.code, page: $0.page) })
            // Drawn as verify draws bags: the population's names, sorted, shuffled with the seed.
            let names = Dictionary(uniqueKeysWithValues: pages.map { ("\($0.code)/\($0.page)", $0) })
            let drawnNames = AcceptanceSample(
                bags: names.keys.sorted(), percent: source.samplePercent, seed: seed, passPercent: source.passPercent
            ).drawn
            draw = (pages.count, pages.isEmpty ? [] : drawnNames.compactMap { names[$0] }.sorted())
            draws.withLock { $0[key] = draw }
        }
        let latest = try source.ledger.visualChecks(batch: batch).latestByPage
        return VisualCheckSample(
            batch: batch, seed: seed, percent: source.samplePercent, passPercent: source.passPercent,
            population: draw.population, drawn: draw.drawn,
            marks: latest.filter { draw.drawn.contains($0.key) })
    }

    /// Records `mark` through the writable handle (opened on the first mark). Blocking.
    func record(_ mark: VisualCheckMark) throws {
        let store = try writer.withLock { open throws in
            if let open { return open }
            let made = try source.openMarkWriter()
            open = made
            return made
        }
        try store.recordVisualCheck(mark, tool: "quire serve")
    }
}
