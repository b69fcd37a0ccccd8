import CCodecShim

/// How the process allocates page-sized buffers.
public enum ImageMemory {
    /// Pages are tens of megabytes in memory (an A4 colour page at 300 dpi is 26 MB decoded). glibc serves
    /// allocations that large with mmap and returns them on free, but after the first such free it raises its
    /// threshold to that size, and from then on page-sized buffers come from the heap arenas, where they
    /// fragment: measured on 400 pages, `quire run`'s resident set climbed to 258 MB this way, and stayed at
    /// 147 MB with the threshold held at 1 MiB. Call once, at start-up, before any page is decoded.
    @discardableResult
    public static func keepLargeBuffersOutOfTheHeap() -> Bool {
        qs_set_mmap_threshold(1 << 20) == 1
    }
}
