// Quire's C shim over libjpeg(-turbo), libpng and libtiff.
//
// Why this exists: libjpeg and libpng report fatal errors by longjmp. Every setjmp lives in this one
// compiled C target, inside the same small function that makes the library call, so a longjmp never
// crosses a Swift frame. Each wrapper returns a status (NULL or -1 on failure) and copies the library's
// own message into a caller-supplied buffer. libtiff's variadic TIFFGetField/TIFFSetField are wrapped in
// typed functions so Swift never calls a C-variadic function.
//
// Only the ImageCodecs Swift module imports this header.
#ifndef QS_CODECS_H
#define QS_CODECS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <tiffio.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: - JPEG

typedef struct qs_jpeg_reader qs_jpeg_reader;

/// What the JPEG header says, filled by qs_jpeg_open_memory.
typedef struct qs_jpeg_info {
    uint32_t width;
    uint32_t height;
    int source_components;   ///< components in the file (1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK)
    int output_components;   ///< components delivered by qs_jpeg_read (1, 3 or 4)
    int jpeg_color_space;    ///< J_COLOR_SPACE of the file
    int progressive;
    int arithmetic;
    int data_precision;
    int saw_jfif;
    int density_unit;        ///< 0 none (aspect only), 1 dots/inch, 2 dots/cm
    uint16_t x_density;
    uint16_t y_density;
    int saw_adobe;
    int adobe_transform;
    uint8_t *exif;           ///< APP1 Exif payload after "Exif\0\0": a copy the caller frees with qs_free
    size_t exif_length;
    uint8_t *icc;            ///< the ICC profile, its APP2 chunks joined in order: a copy the caller frees with qs_free
    size_t icc_length;
    int too_large;           ///< set (with width and height) when the header claims more than max_pixels
} qs_jpeg_info;

/// Reads the header of a JPEG held in memory and starts decompression. NULL on failure, with libjpeg's
/// message in `error` (and nothing in `info` to free). The memory must stay valid until qs_jpeg_close.
/// On success `info->exif` and `info->icc` (when not NULL) belong to the caller, who frees them with
/// qs_free: they outlive the reader.
/// A header claiming more than `max_pixels` pixels returns NULL with `info->too_large`, `width` and `height`
/// set, before decompression starts: libjpeg allocates a progressive image's whole coefficient buffer there.
qs_jpeg_reader *qs_jpeg_open_memory(const uint8_t *data, size_t length, uint64_t max_pixels, qs_jpeg_info *info,
                                    char *error, size_t error_length);
/// Decodes every scanline into `pixels` (rows `stride` bytes apart). Returns 0, or -1 with the message.
/// Corrupt-data warnings (premature end of data, bad Huffman codes) count as failures: a decode check
/// must not accept an image libjpeg had to patch up. So does a progressive image whose scans stop before
/// every coefficient arrived (missing scans). Warnings that cost no pixel (extraneous bytes before a marker,
/// an ICC profile whose chunks do not fit together) are kept as notes: see qs_jpeg_note.
int qs_jpeg_read(qs_jpeg_reader *reader, uint8_t *pixels, size_t stride, char *error, size_t error_length);
/// Number of notes: libjpeg warnings, sorted by message code, that left every pixel decoded (at most 8 kept).
int qs_jpeg_note_count(const qs_jpeg_reader *reader);
/// Note `index` in libjpeg's words, owned by the reader; NULL when out of range.
const char *qs_jpeg_note(const qs_jpeg_reader *reader, int index);
void qs_jpeg_close(qs_jpeg_reader *reader);

/// Options for qs_jpeg_write_file.
typedef struct qs_jpeg_write_options {
    uint32_t width;
    uint32_t height;
    int components;          ///< 1 gray or 3 RGB
    int quality;             ///< 1...100
    int progressive;
    int density_unit;        ///< 1 dots/inch
    uint16_t x_density;
    uint16_t y_density;
} qs_jpeg_write_options;

/// Compresses `pixels` to a baseline (or progressive) JFIF file at `path`, with 4:2:0 chroma for RGB.
/// Returns 0, or -1 with libjpeg's message. The caller owns durability (fsync, rename).
int qs_jpeg_write_file(const char *path, const uint8_t *pixels, size_t stride,
                       const qs_jpeg_write_options *options, char *error, size_t error_length);

/// Like qs_jpeg_write_file, into a buffer the shim allocates: on success `*out` (free with qs_free) holds
/// `*out_length` bytes. Returns 0, or -1 with libjpeg's message (and nothing to free).
int qs_jpeg_write_memory(const uint8_t *pixels, size_t stride, const qs_jpeg_write_options *options,
                         uint8_t **out, size_t *out_length, char *error, size_t error_length);

/// Frees a buffer the shim allocated.
void qs_free(void *pointer);

/// Limits glibc's malloc to `arenas` heap arenas (M_ARENA_MAX), so that page-sized buffers freed by one
/// thread are reused by the next rather than held in a per-thread arena, and fixes the size from which
/// allocations are mapped rather than taken from the heap (M_MMAP_THRESHOLD; fixing it turns off glibc's
/// raising of it after each large free), and the free space at the top of the heap kept rather than returned to
/// the kernel (M_TRIM_THRESHOLD). A value of 0 leaves that setting alone. Returns 1 when the settings
/// took, 0 otherwise (another C library).
int qs_tune_malloc(int arenas, int mmap_threshold, int trim_threshold);

/// Returns the heap's free memory to the kernel now (glibc's malloc_trim; nothing elsewhere).
void qs_return_free_memory(void);

// MARK: - PNG

typedef struct qs_png_reader qs_png_reader;

/// What the PNG header says, and the layout qs_png_read will deliver.
typedef struct qs_png_info {
    uint32_t width;
    uint32_t height;
    int bit_depth;           ///< source bit depth (1, 2, 4, 8, 16)
    int color_type;          ///< source PNG colour type (0, 2, 3, 4, 6)
    int interlaced;
    int has_trns;
    int output_channels;     ///< 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
    int output_bit_depth;    ///< 1 (packed bilevel), 8 or 16 (native byte order)
    size_t row_bytes;
    int has_phys;
    uint32_t phys_x;
    uint32_t phys_y;
    int phys_unit;           ///< 1 metre, 0 unknown (aspect only)
    const uint8_t *icc;      ///< iCCP profile, owned by the reader
    size_t icc_length;
    const uint8_t *exif;     ///< eXIf chunk before the image data (a TIFF-structured block), owned by the reader
    size_t exif_length;
} qs_png_info;

qs_png_reader *qs_png_open_memory(const uint8_t *data, size_t length, qs_png_info *info,
                                  char *error, size_t error_length);
/// Decodes the whole image (interlaced or not) and reads to IEND, so a bad CRC anywhere is caught.
int qs_png_read(qs_png_reader *reader, uint8_t *pixels, size_t stride, char *error, size_t error_length);
void qs_png_close(qs_png_reader *reader);

// MARK: - TIFF

typedef struct qs_tiff qs_tiff;

/// Opens a TIFF held in memory for reading, with a per-file error handler (no global state).
qs_tiff *qs_tiff_open_memory(const uint8_t *data, size_t length, const char *name, uint64_t max_single_alloc,
                             char *error, size_t error_length);
/// Opens a TIFF for reading from an open descriptor of `length` bytes, read with pread (the descriptor's offset
/// is left alone, and it is not closed by qs_tiff_close): a file checked without being held in memory.
qs_tiff *qs_tiff_open_descriptor(int fd, uint64_t length, const char *name, uint64_t max_single_alloc,
                                 char *error, size_t error_length);
/// Opens a TIFF file for writing ("w", or "w8" for BigTIFF).
qs_tiff *qs_tiff_open_write(const char *path, const char *mode, char *error, size_t error_length);
/// Opens an in-memory TIFF for writing; finish with qs_tiff_close_taking_buffer.
qs_tiff *qs_tiff_open_memory_write(const char *mode, char *error, size_t error_length);
/// Closes an in-memory writer and hands over its bytes (free with qs_free). Returns 0, or -1 when libtiff
/// reported an error (the buffer is then freed and `*out` is NULL).
int qs_tiff_close_taking_buffer(qs_tiff *file, uint8_t **out, size_t *out_length);
TIFF *qs_tiff_handle(qs_tiff *file);
/// The first error libtiff reported since the last clear, or NULL.
const char *qs_tiff_error(qs_tiff *file);
/// The first warning libtiff reported since the last clear, or NULL.
const char *qs_tiff_warning(qs_tiff *file);
void qs_tiff_clear_messages(qs_tiff *file);
/// Closes (and for writers, flushes) the file. Returns 0, or -1 when libtiff reported an error.
int qs_tiff_close(qs_tiff *file);

int qs_tiff_get_u16(TIFF *tif, uint32_t tag, uint16_t *value);
/// Like qs_tiff_get_u16, but yields the TIFF 6.0 default when the tag is absent.
int qs_tiff_get_u16_defaulted(TIFF *tif, uint32_t tag, uint16_t *value);
int qs_tiff_get_u32_defaulted(TIFF *tif, uint32_t tag, uint32_t *value);
/// TIFFRGBAImageOK and TIFFRGBAImageBegin: 1 when the RGBA reader can convert this directory (its tags are
/// acceptable and it has a conversion routine for the layout), else 0 with the reason.
int qs_tiff_rgba_ok(TIFF *tif, char *reason, size_t reason_length);
int qs_tiff_get_u32(TIFF *tif, uint32_t tag, uint32_t *value);
int qs_tiff_get_float(TIFF *tif, uint32_t tag, float *value);
int qs_tiff_get_string(TIFF *tif, uint32_t tag, const char **value);
int qs_tiff_get_extrasamples(TIFF *tif, uint16_t *count, const uint16_t **types);
int qs_tiff_get_bytes(TIFF *tif, uint32_t tag, uint32_t *length, const void **data);
int qs_tiff_get_colormap(TIFF *tif, const uint16_t **red, const uint16_t **green, const uint16_t **blue);

int qs_tiff_set_u16(TIFF *tif, uint32_t tag, uint16_t value);
int qs_tiff_set_u32(TIFF *tif, uint32_t tag, uint32_t value);
int qs_tiff_set_double(TIFF *tif, uint32_t tag, double value);
int qs_tiff_set_string(TIFF *tif, uint32_t tag, const char *value);
int qs_tiff_set_bytes(TIFF *tif, uint32_t tag, uint32_t length, const void *data);
int qs_tiff_set_extrasamples(TIFF *tif, uint16_t count, const uint16_t *types);

#ifdef __cplusplus
}
#endif

#endif
