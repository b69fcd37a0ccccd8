public import Foundation

// MARK: - HTML

extension QuotaReport {
    /// The report as one self-contained HTML page (inline CSS and SVG, no scripts, no external assets)
    /// that prints well: summary cards, a horizontal bar per archive against its target line, a burn-up
    /// chart of cumulative share by week, the tables, the unit rooms, the holdings rules and the rules
    /// applied. Labels are Chinese with English.
    ///
    /// Every figure in ``jsonString()`` is on an element with `data-field` (its JSON path, e.g.
    /// `archives[C01].percent`, `total.gap`, `units.city.without_room[0]`) and `data-value` (its JSON
    /// text, e.g. `64.0`, `never`, `null`), so the page can be checked against the JSON.
    public func html() -> String {
        var renderer = QuotaHTMLRenderer(report: self)
        return renderer.render()
    }

    /// The summary cards, the bar per archive against its target line and the burn-up chart, as HTML sections to
    /// place in a page of one's own (the web dashboard), figures carrying `data-field` and `data-value` as in
    /// ``html()``. No scripts and no style attributes; style them with ``stylesheet``.
    public func chartsHTML() -> String {
        var renderer = QuotaHTMLRenderer(report: self)
        return renderer.renderCharts()
    }

    /// The CSS of ``html()`` and ``chartsHTML()``.
    public static var stylesheet: String { QuotaHTMLRenderer.css }

    /// ``html()`` as UTF-8 bytes.
    public func htmlData() -> Data {
        Data(html().utf8)
    }
}
