// libjpeg wrappers: every setjmp is here, one per call that can fail.
#include "qs_codecs.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

/// Warnings that leave every pixel decoded, kept as notes for the caller; any other warning means damaged data.
#define QS_JPEG_MAX_NOTES 8

typedef struct qs_jpeg_error {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
    char first_warning[JMSG_LENGTH_MAX];   ///< the first warning that means damaged data
    int damage_warnings;                   ///< warnings that mean damaged data
    char notes[QS_JPEG_MAX_NOTES][JMSG_LENGTH_MAX];
    int note_count;                        ///< notes kept (at most QS_JPEG_MAX_NOTES)
} qs_jpeg_error;

static void qs_jpeg_error_exit(j_common_ptr cinfo) {
    qs_jpeg_error *err = (qs_jpeg_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, err->message);
    longjmp(err->jump, 1);
}

// Sorted by libjpeg's message code, never by its text. JWRN_EXTRANEOUS_DATA: bytes between the end of a
// segment and the next marker, which next_marker() skips; the entropy-coded data before them decoded in full
// (had it been short, the decoder would have hit the marker early and warned JWRN_HIT_MARKER). JWRN_BOGUS_ICC:
// the ICC profile's APP2 chunks do not fit together (jpeg_read_icc_profile then returns no profile); pixels
// are untouched. Everything else (JWRN_JPEG_EOF, JWRN_HIT_MARKER, JWRN_HUFF_BAD_CODE, JWRN_MUST_RESYNC,
// JWRN_BOGUS_PROGRESSION, JWRN_NOT_SEQUENTIAL...) means libjpeg patched up damaged data.
static int qs_jpeg_warning_is_benign(int code) {
    return code == JWRN_EXTRANEOUS_DATA || code == JWRN_BOGUS_ICC;
}

static void qs_jpeg_emit_message(j_common_ptr cinfo, int level) {
    qs_jpeg_error *err = (qs_jpeg_error *)cinfo->err;
    if (level < 0) {
        err->base.num_warnings++;
        if (qs_jpeg_warning_is_benign(err->base.msg_code)) {
            if (err->note_count < QS_JPEG_MAX_NOTES) {
                (*cinfo->err->format_message)(cinfo, err->notes[err->note_count]);
                err->note_count++;
            }
        } else {
            // Corrupt data that libjpeg worked around. Remember the first one.
            if (err->damage_warnings == 0) (*cinfo->err->format_message)(cinfo, err->first_warning);
            err->damage_warnings++;
        }
    }
    // Trace messages (level >= 0) are dropped: nothing is printed.
}

static void qs_jpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void qs_copy_message(char *dst, size_t dst_length, const char *src) {
    if (dst == NULL || dst_length == 0) return;
    snprintf(dst, dst_length, "%s", src);
}

static void qs_jpeg_init_error(qs_jpeg_error *err) {
    jpeg_std_error(&err->base);
    err->base.error_exit = qs_jpeg_error_exit;
    err->base.emit_message = qs_jpeg_emit_message;
    err->base.output_message = qs_jpeg_output_message;
    err->message[0] = 0;
    err->first_warning[0] = 0;
    err->damage_warnings = 0;
    err->note_count = 0;
}

struct qs_jpeg_reader {
    struct jpeg_decompress_struct cinfo;
    qs_jpeg_error err;
    int created;
};

qs_jpeg_reader *qs_jpeg_open_memory(const uint8_t *data, size_t length, uint64_t max_pixels, qs_jpeg_info *info,
                                    char *error, size_t error_length) {
    memset(info, 0, sizeof(*info));
    qs_jpeg_reader *r = calloc(1, sizeof(qs_jpeg_reader));
    if (r == NULL) {
        qs_copy_message(error, error_length, "out of memory");
        return NULL;
    }
    qs_jpeg_init_error(&r->err);
    r->cinfo.err = &r->err.base;
    // Written between setjmp and a longjmp: volatile, so the recovery below sees what was allocated.
    uint8_t *volatile exif = NULL;
    JOCTET *volatile icc = NULL;
    if (setjmp(r->err.jump)) {
        qs_copy_message(error, error_length, r->err.message);
        free(exif);
        free(icc);
        memset(info, 0, sizeof(*info));
        if (r->created) jpeg_destroy_decompress(&r->cinfo);
        free(r);
        return NULL;
    }
    jpeg_create_decompress(&r->cinfo);
    r->created = 1;
    jpeg_mem_src(&r->cinfo, (const unsigned char *)data, (unsigned long)length);
    jpeg_save_markers(&r->cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_save_markers(&r->cinfo, JPEG_APP0 + 2, 0xFFFF);
    jpeg_read_header(&r->cinfo, TRUE);

    info->source_components = r->cinfo.num_components;
    info->jpeg_color_space = r->cinfo.jpeg_color_space;
    info->progressive = r->cinfo.progressive_mode ? 1 : 0;
    info->arithmetic = r->cinfo.arith_code ? 1 : 0;
    info->data_precision = r->cinfo.data_precision;
    info->saw_jfif = r->cinfo.saw_JFIF_marker ? 1 : 0;
    info->density_unit = r->cinfo.density_unit;
    info->x_density = r->cinfo.X_density;
    info->y_density = r->cinfo.Y_density;
    info->saw_adobe = r->cinfo.saw_Adobe_marker ? 1 : 0;
    info->adobe_transform = r->cinfo.Adobe_transform;
    // The saved markers live in libjpeg's image pool, which jpeg_finish_decompress frees: copy what the
    // caller keeps now, into buffers of its own.
    for (jpeg_saved_marker_ptr m = r->cinfo.marker_list; m != NULL; m = m->next) {
        if (m->marker == JPEG_APP0 + 1 && exif == NULL && m->data_length > 6 && memcmp(m->data, "Exif\0\0", 6) == 0) {
            size_t n = m->data_length - 6;
            uint8_t *copy = malloc(n);
            if (copy == NULL) ERREXIT1(&r->cinfo, JERR_OUT_OF_MEMORY, 10);
            memcpy(copy, m->data + 6, n);
            exif = copy;
            info->exif_length = n;
        }
    }
    // The whole profile, its APP2 chunks put in sequence-number order. libjpeg-turbo checks the numbering:
    // a chunk missing, repeated, numbered 0 or beyond the count, or counts that disagree give no profile and
    // the warning JWRN_BOGUS_ICC (a note for the caller, see qs_jpeg_warning_is_benign).
    JOCTET *profile = NULL;
    unsigned int profile_length = 0;
    if (jpeg_read_icc_profile(&r->cinfo, &profile, &profile_length) && profile != NULL) {
        icc = profile;
        info->icc_length = profile_length;
    }

    switch (r->cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE: r->cinfo.out_color_space = JCS_GRAYSCALE; break;
    case JCS_CMYK:
    case JCS_YCCK: r->cinfo.out_color_space = JCS_CMYK; break;
    default: r->cinfo.out_color_space = JCS_RGB; break;
    }
    // Refused before jpeg_start_decompress, which allocates a progressive image's every coefficient at once
    // (a 655-byte file claiming 65308 x 64106 made it ask for 12 GB).
    if ((uint64_t)r->cinfo.image_width * (uint64_t)r->cinfo.image_height > max_pixels) {
        info->too_large = 1;
        info->width = r->cinfo.image_width;
        info->height = r->cinfo.image_height;
        qs_copy_message(error, error_length, "image too large");
        free(exif);
        free(icc);
        info->exif = NULL;
        info->icc = NULL;
        info->exif_length = 0;
        info->icc_length = 0;
        jpeg_destroy_decompress(&r->cinfo);
        free(r);
        return NULL;
    }
    jpeg_start_decompress(&r->cinfo);
    info->width = r->cinfo.output_width;
    info->height = r->cinfo.output_height;
    info->output_components = r->cinfo.output_components;
    info->exif = exif;
    info->icc = icc;
    return r;
}

// A progressive image whose scans stopped early: some coefficient of some component never arrived, or was
// not refined to its last bit. libjpeg decodes such a file without a word (the missing detail reads as zero),
// so a file cut at a scan boundary and closed with EOI would pass as a blurred page. Returns the component
// index, or -1 when every coefficient arrived whole. Call after the input is consumed, before
// jpeg_finish_decompress frees coef_bits.
static int qs_jpeg_incomplete_component(j_decompress_ptr cinfo, int *coefficient) {
    if (!cinfo->progressive_mode || cinfo->coef_bits == NULL) return -1;
    for (int c = 0; c < cinfo->num_components; c++) {
        for (int k = 0; k < DCTSIZE2; k++) {
            if (cinfo->coef_bits[c][k] != 0) {
                *coefficient = k;
                return c;
            }
        }
    }
    return -1;
}

int qs_jpeg_read(qs_jpeg_reader *r, uint8_t *pixels, size_t stride, char *error, size_t error_length) {
    if (setjmp(r->err.jump)) {
        qs_copy_message(error, error_length, r->err.message);
        return -1;
    }
    while (r->cinfo.output_scanline < r->cinfo.output_height) {
        JSAMPROW row = pixels + (size_t)r->cinfo.output_scanline * stride;
        if (jpeg_read_scanlines(&r->cinfo, &row, 1) != 1) {
            qs_copy_message(error, error_length, "decoder returned no scanline");
            return -1;
        }
    }
    // A progressive image is read whole (to EOI) before its first scanline comes out.
    int coefficient = 0;
    int component = r->err.damage_warnings == 0 ? qs_jpeg_incomplete_component(&r->cinfo, &coefficient) : -1;
    if (component >= 0) {
        char text[200];
        snprintf(text, sizeof(text), "progressive JPEG ends before all its scans: coefficient %d of component %d "
                 "was %s (missing scans)", coefficient, component + 1,
                 r->cinfo.coef_bits[component][coefficient] < 0 ? "never sent" : "not refined to its last bit");
        qs_copy_message(error, error_length, text);
        return -1;
    }
    jpeg_finish_decompress(&r->cinfo);
    if (r->err.damage_warnings > 0) {
        qs_copy_message(error, error_length, r->err.first_warning);
        return -1;
    }
    return 0;
}

int qs_jpeg_note_count(const qs_jpeg_reader *r) { return r->err.note_count; }

const char *qs_jpeg_note(const qs_jpeg_reader *r, int index) {
    return index >= 0 && index < r->err.note_count ? r->err.notes[index] : NULL;
}

void qs_jpeg_close(qs_jpeg_reader *r) {
    if (r == NULL) return;
    if (r->created) jpeg_destroy_decompress(&r->cinfo);
    free(r);
}

// Sets the compression parameters and writes every row. Called inside a wrapper that owns the setjmp:
// a libjpeg error here longjmps back to that wrapper, never past it.
static void qs_jpeg_compress_rows(j_compress_ptr cinfo, const uint8_t *pixels, size_t stride,
                                  const qs_jpeg_write_options *options) {
    cinfo->image_width = options->width;
    cinfo->image_height = options->height;
    cinfo->input_components = options->components;
    cinfo->in_color_space = options->components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(cinfo);
    jpeg_set_quality(cinfo, options->quality, TRUE);
    cinfo->optimize_coding = TRUE;
    cinfo->write_JFIF_header = TRUE;
    cinfo->density_unit = (UINT8)options->density_unit;
    cinfo->X_density = options->x_density;
    cinfo->Y_density = options->y_density;
    if (options->progressive) jpeg_simple_progression(cinfo);
    jpeg_start_compress(cinfo, TRUE);
    while (cinfo->next_scanline < cinfo->image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo->next_scanline * stride);
        jpeg_write_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_compress(cinfo);
}

int qs_jpeg_write_file(const char *path, const uint8_t *pixels, size_t stride,
                       const qs_jpeg_write_options *options, char *error, size_t error_length) {
    struct jpeg_compress_struct cinfo;
    qs_jpeg_error err;
    FILE *volatile file = NULL;
    volatile int created = 0;
    qs_jpeg_init_error(&err);
    cinfo.err = &err.base;
    if (setjmp(err.jump)) {
        qs_copy_message(error, error_length, err.message);
        if (created) jpeg_destroy_compress(&cinfo);
        if (file != NULL) fclose(file);
        return -1;
    }
    file = fopen(path, "wb");
    if (file == NULL) {
        qs_copy_message(error, error_length, "cannot open output file");
        return -1;
    }
    jpeg_create_compress(&cinfo);
    created = 1;
    jpeg_stdio_dest(&cinfo, file);
    qs_jpeg_compress_rows(&cinfo, pixels, stride, options);
    jpeg_destroy_compress(&cinfo);
    created = 0;
    if (fflush(file) != 0 || ferror(file)) {
        fclose(file);
        qs_copy_message(error, error_length, "write error");
        return -1;
    }
    if (fclose(file) != 0) {
        file = NULL;
        qs_copy_message(error, error_length, "close error");
        return -1;
    }
    return 0;
}

// A destination manager of our own (libjpeg-turbo's jpeg_mem_dest frees and replaces its buffer as it grows
// and only updates the caller's pointer at the end, so an error mid-write leaves a freed pointer).
typedef struct qs_jpeg_memory_dest {
    struct jpeg_destination_mgr pub;
    uint8_t *buffer;
    size_t capacity;
    size_t length;
} qs_jpeg_memory_dest;

static void qs_dest_init(j_compress_ptr cinfo) {
    qs_jpeg_memory_dest *d = (qs_jpeg_memory_dest *)cinfo->dest;
    d->pub.next_output_byte = d->buffer;
    d->pub.free_in_buffer = d->capacity;
}

static boolean qs_dest_empty(j_compress_ptr cinfo) {
    qs_jpeg_memory_dest *d = (qs_jpeg_memory_dest *)cinfo->dest;
    size_t used = d->capacity;
    size_t capacity = d->capacity * 2;
    uint8_t *grown = realloc(d->buffer, capacity);
    if (grown == NULL) ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 10);
    d->buffer = grown;
    d->capacity = capacity;
    d->pub.next_output_byte = grown + used;
    d->pub.free_in_buffer = capacity - used;
    return TRUE;
}

static void qs_dest_term(j_compress_ptr cinfo) {
    qs_jpeg_memory_dest *d = (qs_jpeg_memory_dest *)cinfo->dest;
    d->length = d->capacity - d->pub.free_in_buffer;
}

int qs_jpeg_write_memory(const uint8_t *pixels, size_t stride, const qs_jpeg_write_options *options,
                         uint8_t **out, size_t *out_length, char *error, size_t error_length) {
    struct jpeg_compress_struct cinfo;
    qs_jpeg_error err;
    qs_jpeg_memory_dest dest;
    volatile int created = 0;
    *out = NULL;
    *out_length = 0;
    memset(&dest, 0, sizeof(dest));
    dest.capacity = 1 << 16;
    dest.buffer = malloc(dest.capacity);
    if (dest.buffer == NULL) {
        qs_copy_message(error, error_length, "out of memory");
        return -1;
    }
    qs_jpeg_init_error(&err);
    cinfo.err = &err.base;
    if (setjmp(err.jump)) {
        qs_copy_message(error, error_length, err.message);
        if (created) jpeg_destroy_compress(&cinfo);
        free(dest.buffer);
        return -1;
    }
    jpeg_create_compress(&cinfo);
    created = 1;
    dest.pub.init_destination = qs_dest_init;
    dest.pub.empty_output_buffer = qs_dest_empty;
    dest.pub.term_destination = qs_dest_term;
    cinfo.dest = &dest.pub;
    qs_jpeg_compress_rows(&cinfo, pixels, stride, options);
    jpeg_destroy_compress(&cinfo);
    *out = dest.buffer;
    *out_length = dest.length;
    return 0;
}
