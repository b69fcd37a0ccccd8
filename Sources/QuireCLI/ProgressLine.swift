import Foundation
import Synchronization

/// Progress on standard error: a live line on a terminal, a plain line every few seconds otherwise.
final class ProgressLine: Sendable {
    private struct State {
        var lastPrint = Date.distantPast
        var printedLive = false
        var started = Date()
    }

    private let label: String
    private let enabled: Bool
    private let live: Bool
    private let state = Mutex(State())

    init(label: String, enabled: Bool) {
        self.label = label
        self.enabled = enabled
        self.live = stderrIsTerminal
    }

    func update(done: Int, total: Int, extra: String? = nil) {
        guard enabled else { return }
        state.withLock { s in
            let now = Date()
            let interval: TimeInterval = live ? 0.1 : 5
            guard now.timeIntervalSince(s.lastPrint) >= interval || done == total else { return }
            s.lastPrint = now
            let elapsed = now.timeIntervalSince(s.started)
            let rate = elapsed > 0 ? Double(done) / elapsed : 0
            let eta = rate > 0 ? Double(total - done) / rate : 0
            var text = String(format: "%@: %d/%d files, %.1f/s, ETA %@", label, done, total, rate, Self.clock(eta))
            if let extra { text += ", \(extra)" }
            if live {
                let width = 24
                let filled = total > 0 ? min(width, done * width / total) : 0
                let bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
                printError("\r\u{1B}[2K" + bar + text, terminator: "")
                s.printedLive = true
            } else {
                printError(text)
            }
        }
    }

    func finish() {
        guard enabled else { return }
        state.withLock { s in
            if s.printedLive { printError("\r\u{1B}[2K", terminator: "") }
            s.printedLive = false
        }
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
