// libpng wrappers (classic API, for pHYs, iCCP and exact 16-bit / bilevel layouts). Every setjmp is here.
#include "qs_codecs.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

struct qs_png_reader {
    png_structp png;
    png_infop info;
    const uint8_t *data;
    size_t length;
    size_t offset;
    char message[256];
    int palette;             ///< a palette image, read as 8-bit indices and expanded here
    int palette_channels;    ///< 3, or 4 with tRNS
};

static void qs_png_error_fn(png_structp png, png_const_charp message) {
    qs_png_reader *r = (qs_png_reader *)png_get_error_ptr(png);
    snprintf(r->message, sizeof(r->message), "%s", message);
    png_longjmp(png, 1);
}

static void qs_png_warning_fn(png_structp png, png_const_charp message) {
    (void)png;
    (void)message; // Warnings (unknown ancillary chunks, bad ancillary CRC) do not fail a decode.
}

static void qs_png_read_fn(png_structp png, png_bytep out, size_t count) {
    qs_png_reader *r = (qs_png_reader *)png_get_io_ptr(png);
    if (count > r->length - r->offset) {
        png_error(png, "file ends early (truncated data)");
    }
    memcpy(out, r->data + r->offset, count);
    r->offset += count;
}

static void qs_png_copy(char *dst, size_t dst_length, const char *src) {
    if (dst != NULL && dst_length > 0) snprintf(dst, dst_length, "%s", src);
}

/// Whether every chunk after the signature fits in the data it declares (up to IEND or the end): in memory, a chunk
/// cannot be longer than what is left, and libpng allocates a chunk's declared length before reading it — a
/// 125-byte file whose zTXt declared 1.9 GB made it ask for that (found by the png fuzz target).
/// When one does not, `error` says which (its type, printable letters only, its length and what is left).
static int qs_png_chunks_fit(const uint8_t *data, size_t length, char *error, size_t error_length) {
    size_t at = 8;
    while (at + 8 <= length) {
        uint32_t declared = ((uint32_t)data[at] << 24) | ((uint32_t)data[at + 1] << 16) | ((uint32_t)data[at + 2] << 8) |
                            (uint32_t)data[at + 3];
        if ((uint64_t)declared + 12 > (uint64_t)(length - at)) {
            char name[5];
            for (int i = 0; i < 4; i++) {
                uint8_t c = data[at + 4 + i];
                name[i] = ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) ? (char)c : '?';
            }
            name[4] = 0;
            if (error != NULL && error_length > 0)
                snprintf(error, error_length, "chunk %s declares %u bytes but %zu remain (truncated data)", name,
                         declared, length - at - 8);
            return 0;
        }
        if (memcmp(data + at + 4, "IEND", 4) == 0) return 1;
        at += (size_t)declared + 12;
    }
    return 1;
}

qs_png_reader *qs_png_open_memory(const uint8_t *data, size_t length, qs_png_info *out,
                                  char *error, size_t error_length) {
    qs_png_reader *r = calloc(1, sizeof(qs_png_reader));
    if (r == NULL) {
        qs_png_copy(error, error_length, "out of memory");
        return NULL;
    }
    if (!qs_png_chunks_fit(data, length, error, error_length)) {
        free(r);
        return NULL;
    }
    r->data = data;
    r->length = length;
    r->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, r, qs_png_error_fn, qs_png_warning_fn);
    if (r->png == NULL) {
        qs_png_copy(error, error_length, "cannot create libpng reader");
        free(r);
        return NULL;
    }
    r->info = png_create_info_struct(r->png);
    if (r->info == NULL) {
        png_destroy_read_struct(&r->png, NULL, NULL);
        qs_png_copy(error, error_length, "cannot create libpng info");
        free(r);
        return NULL;
    }
    if (setjmp(png_jmpbuf(r->png))) {
        qs_png_copy(error, error_length, r->message);
        png_destroy_read_struct(&r->png, &r->info, NULL);
        free(r);
        return NULL;
    }
    png_set_read_fn(r->png, r, qs_png_read_fn);
    // Images up to 1,000,000 px a side are allowed; memory is bounded by the caller's pixel limit.
    png_set_user_limits(r->png, 1000000, 1000000);
    // No decompressed text or profile larger than 64 MiB (libpng's own cap on what a chunk may inflate to).
    png_set_chunk_malloc_max(r->png, 64u << 20);
    png_read_info(r->png, r->info);

    memset(out, 0, sizeof(*out));
    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0, interlace = 0;
    png_get_IHDR(r->png, r->info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);
    out->width = width;
    out->height = height;
    out->bit_depth = bit_depth;
    out->color_type = color_type;
    out->interlaced = interlace != PNG_INTERLACE_NONE;
    out->has_trns = png_get_valid(r->png, r->info, PNG_INFO_tRNS) ? 1 : 0;

    png_uint_32 res_x = 0, res_y = 0;
    int unit = 0;
    if (png_get_pHYs(r->png, r->info, &res_x, &res_y, &unit)) {
        out->has_phys = 1;
        out->phys_x = res_x;
        out->phys_y = res_y;
        out->phys_unit = unit;
    }
    png_charp icc_name = NULL;
    int icc_compression = 0;
    png_bytep icc = NULL;
    png_uint_32 icc_length = 0;
    if (png_get_iCCP(r->png, r->info, &icc_name, &icc_compression, &icc, &icc_length)) {
        out->icc = icc;
        out->icc_length = icc_length;
    }
#ifdef PNG_eXIf_SUPPORTED
    png_bytep exif = NULL;
    png_uint_32 exif_length = 0;
    if (png_get_eXIf_1(r->png, r->info, &exif_length, &exif) && exif != NULL) {
        out->exif = exif;
        out->exif_length = exif_length;
    }
#endif

    // Transforms: keep 1-bit gray packed (bilevel), widen other sub-byte depths to 8 bits, expand
    // palettes and tRNS to RGB(A) / gray+alpha, keep 16 bits in native byte order.
    // A palette image is read as one index per byte (png_set_packing) and expanded by qs_png_read, which
    // checks every index against the palette first: libpng checks only sub-byte indices, with a warning, and
    // expands an index past the palette to black, a pixel the file never defined.
    int bilevel = color_type == PNG_COLOR_TYPE_GRAY && bit_depth == 1 && !out->has_trns;
    r->palette = color_type == PNG_COLOR_TYPE_PALETTE;
    if (r->palette) {
        png_set_packing(r->png);
    } else {
        if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8 && !bilevel) png_set_expand_gray_1_2_4_to_8(r->png);
        if (out->has_trns) png_set_tRNS_to_alpha(r->png);
        if (bit_depth == 16) png_set_swap(r->png);
    }
    png_set_interlace_handling(r->png);
    png_read_update_info(r->png, r->info);

    if (r->palette) {
        r->palette_channels = out->has_trns ? 4 : 3;
        out->output_channels = r->palette_channels;
        out->output_bit_depth = 8;
        out->row_bytes = (size_t)width * (size_t)r->palette_channels;
    } else {
        out->output_channels = png_get_channels(r->png, r->info);
        out->output_bit_depth = png_get_bit_depth(r->png, r->info);
        out->row_bytes = png_get_rowbytes(r->png, r->info);
    }
    return r;
}

// Expands the 8-bit indices in `indices` (`width` per row) into RGB or RGBA rows of `pixels`, after checking
// every index against the palette. Returns 0, or -1 with the first index past the palette named.
static int qs_png_expand_palette(qs_png_reader *r, const uint8_t *indices, uint8_t *pixels, size_t stride,
                                 char *error, size_t error_length) {
    png_uint_32 width = png_get_image_width(r->png, r->info), height = png_get_image_height(r->png, r->info);
    png_colorp palette = NULL;
    int entries = 0;
    if (!png_get_PLTE(r->png, r->info, &palette, &entries) || palette == NULL) entries = 0;
    png_bytep trans = NULL;
    int trans_count = 0;
    if (r->palette_channels == 4 && !png_get_tRNS(r->png, r->info, &trans, &trans_count, NULL)) trans_count = 0;
    for (png_uint_32 y = 0; y < height; y++) {
        const uint8_t *row = indices + (size_t)y * width;
        uint8_t *out = pixels + (size_t)y * stride;
        for (png_uint_32 x = 0; x < width; x++) {
            int index = row[x];
            if (index >= entries) {
                char text[160];
                snprintf(text, sizeof(text), "palette index %d beyond the %d-entry palette at row %u, column %u "
                         "(the first is 0): the pixel is undefined", index, entries, (unsigned)y, (unsigned)x);
                qs_png_copy(error, error_length, text);
                return -1;
            }
            *out++ = palette[index].red;
            *out++ = palette[index].green;
            *out++ = palette[index].blue;
            if (r->palette_channels == 4) *out++ = index < trans_count ? trans[index] : 255;
        }
    }
    return 0;
}

int qs_png_read(qs_png_reader *r, uint8_t *pixels, size_t stride, char *error, size_t error_length) {
    png_uint_32 width = png_get_image_width(r->png, r->info);
    png_uint_32 height = png_get_image_height(r->png, r->info);
    // A palette image's indices go to a buffer of their own, one byte a pixel, expanded once all are read.
    uint8_t *indices = NULL;
    if (r->palette) {
        indices = malloc((size_t)width * (height == 0 ? 1 : height));
        if (indices == NULL) {
            qs_png_copy(error, error_length, "out of memory");
            return -1;
        }
    }
    png_bytep *rows = malloc(sizeof(png_bytep) * (height == 0 ? 1 : height));
    if (rows == NULL) {
        free(indices);
        qs_png_copy(error, error_length, "out of memory");
        return -1;
    }
    for (png_uint_32 y = 0; y < height; y++) {
        rows[y] = indices != NULL ? indices + (size_t)y * width : pixels + (size_t)y * stride;
    }
    png_bytep *volatile owned_rows = rows;
    uint8_t *volatile owned_indices = indices;
    if (setjmp(png_jmpbuf(r->png))) {
        free(owned_rows);
        free(owned_indices);
        qs_png_copy(error, error_length, r->message);
        return -1;
    }
    png_read_image(r->png, rows);
    png_read_end(r->png, NULL);
    free(rows);
    owned_rows = NULL;
    int status = 0;
    if (indices != NULL) {
        status = qs_png_expand_palette(r, indices, pixels, stride, error, error_length);
        free(indices);
        owned_indices = NULL;
    }
    return status;
}

void qs_png_close(qs_png_reader *r) {
    if (r == NULL) return;
    png_destroy_read_struct(&r->png, &r->info, NULL);
    free(r);
}
