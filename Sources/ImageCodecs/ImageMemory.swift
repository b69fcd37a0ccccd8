import CCodecShim

/// How the process allocates page-sized buffers.
public enum ImageMemory {
    /// Pages are tens of megabytes in memory (an A4 colour page at 300 dpi is 26 MB decoded), allocated and
    /// freed on whichever thread works the page. With glibc's defaults (a heap arena per thread, and an mmap
    /// threshold raised to the size of each large block freed) page buffers come from the heaps and scatter
    /// there: `quire run`'s resident set climbed to 258 MB over 400 pages.
    ///
    /// Quire takes every heap allocation from one arena and maps only blocks of 64 MiB or more (a page larger than
    /// A3 colour), so a page's buffers are the previous page's, reused from the heap without the kernel mapping and
    /// zero-filling them again. Measured with release builds on this project's 2-core machine, the same pages, each
    /// setting twice or three times in alternation: 24 realistic colour pages 9.95 → 8.68 s (median), CPU
    /// 19.0 → 16.4 s, kernel time 4.4 → 1.4 s, peak RSS 262 → 297 MiB; 200 realistic mixed pages 47.5 → 42.4 s,
    /// CPU 90.4 → 79.4 s, peak RSS 213 → 284 MiB. The setting before (every block of 1 MiB or more mapped when
    /// allocated and returned when freed) kept the resident set lowest (152 MB at 5,000 simple pages) at the price
    /// of the kernel zero-filling each new buffer; several arenas with a high threshold scatter buffers again.
    ///
    /// Fixing the mmap threshold left glibc's trim threshold at 128 KiB, so each page's buffers freed at the top of
    /// the heap were handed back to the kernel and faulted in, zero-filled, by the next page. Quire trims only past
    /// 512 MiB free (the resident set stays at its peak, which is what it is measured by): 20 realistic mixed
    /// pages, three runs each alternating, median wall 3.29 → 3.04 s, CPU 5.71 → 5.11 s, kernel 0.55 → 0.37 s,
    /// peak RSS unchanged (237–266 MB either way).
    /// Call once, at start-up.
    @discardableResult
    public static func reuseLargeBuffers() -> Bool {
        qs_tune_malloc(1, 64 << 20, 512 << 20) == 1
    }

    /// Hands the heap's free memory back to the kernel now. The benchmark calls it before starting a child, whose
    /// peak RSS Linux starts from this process's size (posix_spawn shares the memory until the child's exec).
    public static func returnFreeMemory() {
        qs_return_free_memory()
    }
}
