import CCodecShim

/// How the process allocates page-sized buffers.
public enum ImageMemory {
    /// Pages are tens of megabytes in memory (an A4 colour page at 300 dpi is 26 MB decoded), allocated and
    /// freed on whichever thread works the page. With glibc's defaults (a heap arena per thread, and an mmap
    /// threshold raised to the size of each large block freed) page buffers come from the heaps and scatter
    /// there: `quire run`'s resident set climbed to 258 MB over 400 pages. Quire holds the threshold at
    /// 1 MiB, so that every large buffer is mapped when allocated and returned when freed. Measured with
    /// `quire bench run` (2 workers): peak RSS 143 MB at 400 pages and 152 MB at 5,000. The price is the
    /// kernel zero-filling each new buffer: 600 pages took 92 s against 84 s with one heap arena and the
    /// threshold at 32 MiB — a setting that also looked flat over 600 pages but peaked at 297 MB over 5,000.
    /// Call once, at start-up.
    @discardableResult
    public static func returnLargeBuffers() -> Bool {
        qs_tune_malloc(0, 1 << 20) == 1
    }
}
