import CCodecShim

/// How the process allocates page-sized buffers.
public enum ImageMemory {
    /// Pages are tens of megabytes in memory (an A4 colour page at 300 dpi is 26 MB decoded), allocated and
    /// freed on whichever thread works the page. glibc gives each thread a heap arena of its own, and raises
    /// its mmap threshold after each large free, so that page buffers end up spread over several arenas where
    /// the next page, on another thread, cannot reuse them: `quire run`'s resident set climbed to 258 MB over
    /// 400 pages that way. Measured on 600 mixed A4 pages (`quire run`, 2 workers), resident set samples and
    /// time: one arena with the threshold fixed at 32 MiB, 103–161 MB (mostly 153) in 84 s — the setting
    /// used; one arena alone, 142 → 180 MB and still rising, 80 s; every buffer over 1 MiB mapped fresh,
    /// flat (≤ 126 MB) but 92 s, the kernel zero-filling each new page. Call once, at start-up.
    @discardableResult
    public static func reuseLargeBuffers() -> Bool {
        qs_tune_malloc(1, 32 << 20) == 1
    }
}
