/// Quota reporting.
enum QuotaNamespace {}
