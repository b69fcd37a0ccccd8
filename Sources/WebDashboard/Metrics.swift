import LedgerReports
import Prometheus
import Quota
import QuireCore

/// `/metrics`: the ledger's figures in Prometheus' text format, read when scraped (a gauge per series, in a
/// registry of the scrape's own, so a batch or worker that is gone leaves no stale series behind).
enum MetricsExport {
    static func text(status: StatusReport, quarantineReasons: [String: [QuarantineReason: Int]], quota: QuotaReport)
        -> String
    {
        let registry = PrometheusCollectorRegistry()
        func gauge(_ name: String, _ labels: [(String, String)], _ help: String, _ value: Double) {
            registry.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
                .set(value)
        }
        for b in status.batches {
            for state in PageState.allCases {
                gauge(
                    "quire_pages", [("batch", b.batch), ("state", state.rawValue)], "Pages of a batch by ledger state",
                    Double(b.counts.pagesByState[state] ?? 0))
            }
            for state in RecordState.allCases {
                gauge(
                    "quire_records", [("batch", b.batch), ("state", state.rawValue)],
                    "Records (档号) of a batch by ledger state", Double(b.counts.recordsByState[state] ?? 0))
            }
            gauge(
                "quire_queue_depth", [("batch", b.batch)],
                "Pages of a batch waiting for normalization (decoded, not yet normalized)",
                Double(b.counts.pagesByState[.decoded] ?? 0))
            for (reason, count) in quarantineReasons[b.batch] ?? [:] {
                gauge(
                    "quire_quarantined_files", [("batch", b.batch), ("reason", reason.rawValue)],
                    "Files a batch's import quarantined, by reason", Double(count))
            }
            gauge(
                "quire_flagged_records", [("batch", b.batch)], "Records of a batch with a flag", Double(b.counts.flaggedRecords))
        }
        for w in status.workers {
            let labels = [("worker", w.id), ("host", w.host)]
            gauge(
                "quire_worker_heartbeat_age_seconds", labels, "Seconds since a worker's last heartbeat", w.secondsSinceHeartbeat)
            gauge("quire_worker_pages_per_second", labels, "A worker's rate since it started", w.pagesPerSecond)
            gauge("quire_worker_leases", labels, "Page leases a worker holds", Double(w.leases))
            gauge(
                "quire_worker_up", labels, "1 while a worker heart-beats, 0 when stopped or silent", w.state == .working ? 1 : 0)
        }
        for archive in quota.archives {
            if let percent = archive.percent {
                gauge(
                    "quire_quota_percent", [("archive", archive.id)],
                    "Digitized share of an archive's 2010 holdings (卷+件), percent", percent)
            }
            if let goal = archive.goal {
                gauge(
                    "quire_quota_target_percent", [("archive", archive.id)], "The DA/T 31 target share for an archive, percent",
                    goal.target.percent)
            }
        }
        return registry.emitToString()
    }
}
