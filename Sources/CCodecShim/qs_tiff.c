// libtiff wrappers: memory source, per-file error handlers (libtiff >= 4.5), typed tag access.
#include "qs_codecs.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

struct qs_tiff {
    TIFF *tif;
    const uint8_t *data;
    size_t length;
    uint64_t offset;
    uint8_t *owned;      // in-memory writer: the growing buffer
    size_t capacity;
    int fd;              // descriptor reader: read with pread at `offset`, up to `length`
    char error[512];
    char warning[512];
    int has_error;
    int has_warning;
};

static int qs_tiff_error_handler(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif;
    qs_tiff *f = (qs_tiff *)user;
    if (!f->has_error) {
        char text[400];
        vsnprintf(text, sizeof(text), fmt, ap);
        snprintf(f->error, sizeof(f->error), "%s%s%s", module ? module : "", module ? ": " : "", text);
        f->has_error = 1;
    }
    return 1; // handled: libtiff prints nothing
}

static int qs_tiff_warning_handler(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif;
    qs_tiff *f = (qs_tiff *)user;
    if (!f->has_warning) {
        char text[400];
        vsnprintf(text, sizeof(text), fmt, ap);
        snprintf(f->warning, sizeof(f->warning), "%s%s%s", module ? module : "", module ? ": " : "", text);
        f->has_warning = 1;
    }
    return 1;
}

static tmsize_t qs_mem_read(thandle_t h, void *buf, tmsize_t size) {
    qs_tiff *f = (qs_tiff *)h;
    if (size <= 0 || f->offset >= f->length) return 0;
    uint64_t available = f->length - f->offset;
    uint64_t n = (uint64_t)size < available ? (uint64_t)size : available;
    memcpy(buf, f->data + f->offset, (size_t)n);
    f->offset += n;
    return (tmsize_t)n;
}

static tmsize_t qs_mem_write(thandle_t h, void *buf, tmsize_t size) {
    (void)h;
    (void)buf;
    (void)size;
    return -1; // read-only
}

static tmsize_t qs_mem_write_grow(thandle_t h, void *buf, tmsize_t size) {
    qs_tiff *f = (qs_tiff *)h;
    if (size < 0) return -1;
    uint64_t end = f->offset + (uint64_t)size;
    if (end > f->capacity) {
        size_t capacity = f->capacity ? f->capacity : (1u << 20);
        while (capacity < end) capacity *= 2;
        uint8_t *grown = realloc(f->owned, capacity);
        if (grown == NULL) return -1;
        if (capacity > f->capacity) memset(grown + f->capacity, 0, capacity - f->capacity);
        f->owned = grown;
        f->capacity = capacity;
        f->data = grown;
    }
    memcpy(f->owned + f->offset, buf, (size_t)size);
    f->offset = end;
    if (end > f->length) f->length = (size_t)end;
    return size;
}

static int qs_mem_map_none(thandle_t h, void **base, toff_t *size) {
    (void)h;
    (void)base;
    (void)size;
    return 0;
}

static toff_t qs_mem_seek(thandle_t h, toff_t off, int whence) {
    qs_tiff *f = (qs_tiff *)h;
    uint64_t base = 0;
    switch (whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = f->offset; break;
    case SEEK_END: base = f->length; break;
    default: return (toff_t)-1;
    }
    f->offset = base + off;
    return f->offset;
}

static int qs_mem_close(thandle_t h) {
    (void)h;
    return 0;
}

static toff_t qs_mem_size(thandle_t h) { return ((qs_tiff *)h)->length; }

static int qs_mem_map(thandle_t h, void **base, toff_t *size) {
    qs_tiff *f = (qs_tiff *)h;
    *base = (void *)f->data;
    *size = f->length;
    return 1;
}

static void qs_mem_unmap(thandle_t h, void *base, toff_t size) {
    (void)h;
    (void)base;
    (void)size;
}

static void qs_tiff_copy(char *dst, size_t dst_length, const char *src) {
    if (dst != NULL && dst_length > 0) snprintf(dst, dst_length, "%s", src);
}

// Open options that route libtiff's errors and warnings to this file's own buffers.
static TIFFOpenOptions *qs_tiff_options(qs_tiff *f) {
    TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
    TIFFOpenOptionsSetErrorHandlerExtR(opts, qs_tiff_error_handler, f);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, qs_tiff_warning_handler, f);
    return opts;
}

/// Opens `f` (its data or descriptor and length set) read-only through libtiff's client I/O with `read` and `map`;
/// frees `f` and copies the reason into `error` when libtiff refuses it.
static qs_tiff *qs_tiff_client_open(qs_tiff *f, const char *name, uint64_t max_single_alloc, TIFFReadWriteProc read,
                                    TIFFMapFileProc map, char *error, size_t error_length) {
    TIFFOpenOptions *opts = qs_tiff_options(f);
    if (max_single_alloc > 0) TIFFOpenOptionsSetMaxSingleMemAlloc(opts, (tmsize_t)max_single_alloc);
    f->tif = TIFFClientOpenExt(name, "rm", (thandle_t)f, read, qs_mem_write, qs_mem_seek, qs_mem_close, qs_mem_size,
                               map, qs_mem_unmap, opts);
    TIFFOpenOptionsFree(opts);
    if (f->tif == NULL) {
        qs_tiff_copy(error, error_length, f->has_error ? f->error : "not a readable TIFF");
        free(f);
        return NULL;
    }
    return f;
}

qs_tiff *qs_tiff_open_memory(const uint8_t *data, size_t length, const char *name, uint64_t max_single_alloc,
                             char *error, size_t error_length) {
    qs_tiff *f = calloc(1, sizeof(qs_tiff));
    if (f == NULL) {
        qs_tiff_copy(error, error_length, "out of memory");
        return NULL;
    }
    f->data = data;
    f->length = length;
    return qs_tiff_client_open(f, name, max_single_alloc, qs_mem_read, qs_mem_map, error, error_length);
}

static tmsize_t qs_fd_read(thandle_t h, void *buf, tmsize_t size) {
    qs_tiff *f = (qs_tiff *)h;
    if (size <= 0 || f->offset >= f->length) return 0;
    uint64_t available = f->length - f->offset;
    size_t wanted = (uint64_t)size < available ? (size_t)size : (size_t)available;
    size_t done = 0;
    while (done < wanted) {
        ssize_t n = pread(f->fd, (uint8_t *)buf + done, wanted - done, (off_t)(f->offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        if (n == 0) break;  // the file shrank since it was opened
        done += (size_t)n;
    }
    f->offset += done;
    return (tmsize_t)done;
}

qs_tiff *qs_tiff_open_descriptor(int fd, uint64_t length, const char *name, uint64_t max_single_alloc,
                                 char *error, size_t error_length) {
    qs_tiff *f = calloc(1, sizeof(qs_tiff));
    if (f == NULL) {
        qs_tiff_copy(error, error_length, "out of memory");
        return NULL;
    }
    f->fd = fd;
    f->length = (size_t)length;
    // Never mapped; the size and seek procs are the memory reader's, over `length` and `offset`.
    return qs_tiff_client_open(f, name, max_single_alloc, qs_fd_read, qs_mem_map_none, error, error_length);
}

qs_tiff *qs_tiff_open_write(const char *path, const char *mode, char *error, size_t error_length) {
    qs_tiff *f = calloc(1, sizeof(qs_tiff));
    if (f == NULL) {
        qs_tiff_copy(error, error_length, "out of memory");
        return NULL;
    }
    TIFFOpenOptions *opts = qs_tiff_options(f);
    f->tif = TIFFOpenExt(path, mode, opts);
    TIFFOpenOptionsFree(opts);
    if (f->tif == NULL) {
        qs_tiff_copy(error, error_length, f->has_error ? f->error : "cannot open TIFF for writing");
        free(f);
        return NULL;
    }
    return f;
}

qs_tiff *qs_tiff_open_memory_write(const char *mode, char *error, size_t error_length) {
    qs_tiff *f = calloc(1, sizeof(qs_tiff));
    if (f == NULL) {
        qs_tiff_copy(error, error_length, "out of memory");
        return NULL;
    }
    TIFFOpenOptions *opts = qs_tiff_options(f);
    f->tif = TIFFClientOpenExt("memory", mode, (thandle_t)f, qs_mem_read, qs_mem_write_grow, qs_mem_seek, qs_mem_close,
                               qs_mem_size, qs_mem_map_none, qs_mem_unmap, opts);
    TIFFOpenOptionsFree(opts);
    if (f->tif == NULL) {
        qs_tiff_copy(error, error_length, f->has_error ? f->error : "cannot open an in-memory TIFF for writing");
        free(f->owned);
        free(f);
        return NULL;
    }
    return f;
}

int qs_tiff_close_taking_buffer(qs_tiff *f, uint8_t **out, size_t *out_length) {
    *out = NULL;
    *out_length = 0;
    if (f == NULL) return -1;
    int failed = 0;
    if (f->tif != NULL) {
        if (!TIFFFlush(f->tif)) failed = 1;
        TIFFClose(f->tif);
    }
    if (f->has_error) failed = 1;
    if (failed) {
        free(f->owned);
    } else {
        *out = f->owned;
        *out_length = f->length;
    }
    free(f);
    return failed ? -1 : 0;
}

void qs_free(void *pointer) { free(pointer); }

TIFF *qs_tiff_handle(qs_tiff *f) { return f->tif; }
const char *qs_tiff_error(qs_tiff *f) { return f->has_error ? f->error : NULL; }
const char *qs_tiff_warning(qs_tiff *f) { return f->has_warning ? f->warning : NULL; }

void qs_tiff_clear_messages(qs_tiff *f) {
    f->has_error = 0;
    f->has_warning = 0;
    f->error[0] = 0;
    f->warning[0] = 0;
}

int qs_tiff_close(qs_tiff *f) {
    if (f == NULL) return 0;
    int failed = 0;
    if (f->tif != NULL) {
        if (TIFFGetMode(f->tif) != O_RDONLY && !TIFFFlush(f->tif)) failed = 1;
        TIFFClose(f->tif);
    }
    if (f->has_error) failed = 1;
    free(f);
    return failed ? -1 : 0;
}

int qs_tiff_get_u16(TIFF *tif, uint32_t tag, uint16_t *value) { return TIFFGetField(tif, tag, value); }
int qs_tiff_get_u32(TIFF *tif, uint32_t tag, uint32_t *value) { return TIFFGetField(tif, tag, value); }
int qs_tiff_get_u16_defaulted(TIFF *tif, uint32_t tag, uint16_t *value) { return TIFFGetFieldDefaulted(tif, tag, value); }
int qs_tiff_get_u32_defaulted(TIFF *tif, uint32_t tag, uint32_t *value) { return TIFFGetFieldDefaulted(tif, tag, value); }
int qs_tiff_rgba_ok(TIFF *tif, char *reason, size_t reason_length) {
    char emsg[1024] = {0};
    int ok = TIFFRGBAImageOK(tif, emsg);
    if (ok) {
        // TIFFRGBAImageOK checks the tags; TIFFRGBAImageBegin also picks the routine that converts the samples,
        // and finds none for some valid layouts (16-bit CMYK, 2- and 4-bit RGB, 16-bit palette): "Can not handle
        // format". Begin reports that through emsg only; End frees what Begin set up.
        TIFFRGBAImage img;
        memset(&img, 0, sizeof(img));
        ok = TIFFRGBAImageBegin(&img, tif, 1, emsg);
        TIFFRGBAImageEnd(&img);
    }
    if (!ok) qs_tiff_copy(reason, reason_length, emsg[0] ? emsg : "libtiff's RGBA reader has no conversion for it");
    return ok;
}
int qs_tiff_get_float(TIFF *tif, uint32_t tag, float *value) { return TIFFGetField(tif, tag, value); }
int qs_tiff_get_string(TIFF *tif, uint32_t tag, const char **value) { return TIFFGetField(tif, tag, value); }

int qs_tiff_get_extrasamples(TIFF *tif, uint16_t *count, const uint16_t **types) {
    uint16_t *list = NULL;
    int ok = TIFFGetField(tif, TIFFTAG_EXTRASAMPLES, count, &list);
    *types = list;
    return ok;
}

int qs_tiff_get_bytes(TIFF *tif, uint32_t tag, uint32_t *length, const void **data) {
    void *p = NULL;
    int ok = TIFFGetField(tif, tag, length, &p);
    *data = p;
    return ok;
}

int qs_tiff_get_colormap(TIFF *tif, const uint16_t **red, const uint16_t **green, const uint16_t **blue) {
    uint16_t *r = NULL, *g = NULL, *b = NULL;
    int ok = TIFFGetField(tif, TIFFTAG_COLORMAP, &r, &g, &b);
    *red = r;
    *green = g;
    *blue = b;
    return ok;
}

int qs_tiff_set_u16(TIFF *tif, uint32_t tag, uint16_t value) { return TIFFSetField(tif, tag, (int)value); }
int qs_tiff_set_u32(TIFF *tif, uint32_t tag, uint32_t value) { return TIFFSetField(tif, tag, value); }
int qs_tiff_set_double(TIFF *tif, uint32_t tag, double value) { return TIFFSetField(tif, tag, value); }
int qs_tiff_set_string(TIFF *tif, uint32_t tag, const char *value) { return TIFFSetField(tif, tag, value); }
int qs_tiff_set_bytes(TIFF *tif, uint32_t tag, uint32_t length, const void *data) {
    return TIFFSetField(tif, tag, length, data);
}
int qs_tiff_set_extrasamples(TIFF *tif, uint16_t count, const uint16_t *types) {
    return TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, (int)count, types);
}

#if defined(__GLIBC__)
#include <malloc.h>
int qs_tune_malloc(int arenas, int mmap_threshold, int trim_threshold) {
    int ok = 1;
    if (arenas > 0) ok &= mallopt(M_ARENA_MAX, arenas) == 1;
    if (mmap_threshold > 0) ok &= mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1;
    if (trim_threshold > 0) ok &= mallopt(M_TRIM_THRESHOLD, trim_threshold) == 1;
    return ok;
}

void qs_return_free_memory(void) { malloc_trim(0); }
#else
void qs_return_free_memory(void) {}
int qs_tune_malloc(int arenas, int mmap_threshold, int trim_threshold) {
    (void)arenas; (void)mmap_threshold; (void)trim_threshold; return 0;
}
#endif
