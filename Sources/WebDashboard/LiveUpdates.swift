import BlockingWork
import Foundation
import Hummingbird
import LedgerReports
import ServiceLifecycle

/// `/events`: server-sent events with the overview's live figures. The first `status` event carries every
/// figure, later ones only those that changed; a comment line every 15 s keeps proxies from closing a quiet
/// stream. The stream ends when the client goes (a write fails), when the server shuts down, or after `limit`
/// events.
enum LiveUpdates {
    static func stream(
        cache: SnapshotCache, interval: Duration, limit: Int?, into writer: inout any ResponseBodyWriter
    ) async throws {
        try await writer.write(ByteBuffer(string: "retry: 3000\n\n"))
        var shown: [String: String] = [:]
        var sent = 0
        var quiet = Duration.zero
        var id = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let figures = try await cache.current().live
            let changed = figures.filter { shown[$0.key] != $0.value }
            if !changed.isEmpty || id == 0 {
                id += 1
                try await writer.write(ByteBuffer(string: event(name: "status", id: id, json: changed)))
                shown = figures
                sent += 1
                quiet = .zero
                if let limit, sent >= limit { break }
            } else if quiet >= .seconds(15) {
                try await writer.write(ByteBuffer(string: ": ping\n\n"))
                quiet = .zero
            }
            try? await Task.sleep(for: interval)
            quiet += interval
        }
        try await writer.finish(nil)
    }

    /// One event in the `text/event-stream` format: `id`, `event`, the JSON on one `data` line, a blank line.
    static func event(name: String, id: Int, json figures: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // A dictionary of strings always encodes; JSON text holds no raw line break, so one data line is enough.
        let data = String(decoding: (try? encoder.encode(figures)) ?? Data("{}".utf8), as: UTF8.self)
        return "id: \(id)\nevent: \(name)\ndata: \(data)\n\n"
    }
}
