// libjpeg wrappers: every setjmp is here, one per call that can fail.
#include "qs_codecs.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

typedef struct qs_jpeg_error {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
    char first_warning[JMSG_LENGTH_MAX];
} qs_jpeg_error;

static void qs_jpeg_error_exit(j_common_ptr cinfo) {
    qs_jpeg_error *err = (qs_jpeg_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, err->message);
    longjmp(err->jump, 1);
}

static void qs_jpeg_emit_message(j_common_ptr cinfo, int level) {
    qs_jpeg_error *err = (qs_jpeg_error *)cinfo->err;
    if (level < 0) {
        // A warning: corrupt data that libjpeg worked around. Remember the first one.
        if (err->base.num_warnings == 0) {
            (*cinfo->err->format_message)(cinfo, err->first_warning);
        }
        err->base.num_warnings++;
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
}

struct qs_jpeg_reader {
    struct jpeg_decompress_struct cinfo;
    qs_jpeg_error err;
    int created;
};

qs_jpeg_reader *qs_jpeg_open_memory(const uint8_t *data, size_t length, qs_jpeg_info *info,
                                    char *error, size_t error_length) {
    qs_jpeg_reader *r = calloc(1, sizeof(qs_jpeg_reader));
    if (r == NULL) {
        qs_copy_message(error, error_length, "out of memory");
        return NULL;
    }
    qs_jpeg_init_error(&r->err);
    r->cinfo.err = &r->err.base;
    if (setjmp(r->err.jump)) {
        qs_copy_message(error, error_length, r->err.message);
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

    memset(info, 0, sizeof(*info));
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
    for (jpeg_saved_marker_ptr m = r->cinfo.marker_list; m != NULL; m = m->next) {
        if (m->marker == JPEG_APP0 + 1 && info->exif == NULL && m->data_length > 6 &&
            memcmp(m->data, "Exif\0\0", 6) == 0) {
            info->exif = m->data + 6;
            info->exif_length = m->data_length - 6;
        } else if (m->marker == JPEG_APP0 + 2 && info->icc == NULL && m->data_length > 14 &&
                   memcmp(m->data, "ICC_PROFILE\0", 12) == 0) {
            info->icc = m->data + 14;
            info->icc_length = m->data_length - 14;
        }
    }

    switch (r->cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE: r->cinfo.out_color_space = JCS_GRAYSCALE; break;
    case JCS_CMYK:
    case JCS_YCCK: r->cinfo.out_color_space = JCS_CMYK; break;
    default: r->cinfo.out_color_space = JCS_RGB; break;
    }
    jpeg_start_decompress(&r->cinfo);
    info->width = r->cinfo.output_width;
    info->height = r->cinfo.output_height;
    info->output_components = r->cinfo.output_components;
    return r;
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
    jpeg_finish_decompress(&r->cinfo);
    if (r->err.base.num_warnings > 0) {
        qs_copy_message(error, error_length, r->err.first_warning);
        return -1;
    }
    return 0;
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
