import Foundation
import Synchronization

/// Progress on standard error, one row per stage: live bars on a terminal (redrawn in place), a plain line
/// every few seconds otherwise.
final class ProgressLine: Sendable {
    private struct Row {
        var label: String
        var done = 0
        var total = 0
        var extra: String?
        var started: Date?
    }

    private struct State {
        var rows: [Row]
        var lastPrint = Date.distantPast
        /// Rows drawn on the terminal by the last redraw (the cursor sits on the last of them).
        var drawn = 0
    }

    private let enabled: Bool
    private let live: Bool
    private let state: Mutex<State>

    /// One row per label; the rows' rates start at their first update.
    init(labels: [String], enabled: Bool) {
        self.enabled = enabled
        self.live = stderrIsTerminal
        self.state = Mutex(State(rows: labels.map { Row(label: $0) }))
    }

    /// A single row.
    convenience init(label: String, enabled: Bool) {
        self.init(labels: [label], enabled: enabled)
    }

    /// Updates the first row.
    func update(done: Int, total: Int, extra: String? = nil) {
        update(row: 0, done: done, total: total, extra: extra)
    }

    /// Updates one row and redraws when it is time (every 0.1 s live, 5 s otherwise, and at completion).
    func update(row index: Int, done: Int, total: Int, extra: String? = nil) {
        guard enabled else { return }
        state.withLock { s in
            let now = Date()
            guard s.rows.indices.contains(index) else { return }
            if s.rows[index].started == nil { s.rows[index].started = now }
            let finishedNow = done == total && s.rows[index].done != done
            s.rows[index].done = done
            s.rows[index].total = total
            s.rows[index].extra = extra
            let interval: TimeInterval = live ? 0.1 : 5
            guard now.timeIntervalSince(s.lastPrint) >= interval || finishedNow else { return }
            s.lastPrint = now
            let texts = s.rows.filter { $0.started != nil }.map { Self.text($0, now: now, bar: live) }
            if live {
                var out = s.drawn > 1 ? "\u{1B}[\(s.drawn - 1)A" : ""
                out += texts.map { "\r\u{1B}[2K" + $0 }.joined(separator: "\n")
                printError(out, terminator: "")
                s.drawn = texts.count
            } else {
                printError(texts.joined(separator: " | "))
            }
        }
    }

    /// Clears the live rows.
    func finish() {
        guard enabled else { return }
        state.withLock { s in
            guard live, s.drawn > 0 else { return }
            var out = ""
            for i in 0..<s.drawn { out += "\r\u{1B}[2K" + (i < s.drawn - 1 ? "\u{1B}[1A" : "") }
            printError(out, terminator: "")
            s.drawn = 0
        }
    }

    private static func text(_ row: Row, now: Date, bar: Bool) -> String {
        let elapsed = now.timeIntervalSince(row.started ?? now)
        let rate = elapsed > 0 ? Double(row.done) / elapsed : 0
        let eta = rate > 0 ? Double(max(0, row.total - row.done)) / rate : 0
        var text =
            row.total > 0
            ? String(format: "%@: %d/%d, %.1f/s, ETA %@", row.label, row.done, row.total, rate, clock(eta))
            : String(format: "%@: %d, %.1f/s", row.label, row.done, rate)
        if let extra = row.extra { text += ", \(extra)" }
        guard bar else { return text }
        let width = 24
        let filled = row.total > 0 ? min(width, row.done * width / row.total) : 0
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] " + text
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600
            ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
