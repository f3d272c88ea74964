/*
 * Transfers larger than the session's shared arena must stream through it,
 * never fail or hang: writes and reads of twice AVA_ARENA_MB (32 MiB when
 * it is unset), blocking and non-blocking, with and without an event, at
 * odd offsets and lengths, a buffer and images (2D and 3D, by each
 * entry point) made from host memory of about that size, and image and
 * buffer-rectangle reads and writes of that much host memory, packed and
 * with padded pitches (the gaps left as they were).  tests/run runs
 * this program with a small AVA_ARENA_MB, and again with
 * AVA_STREAM_DIRECT=1 (the worker's pipelined path, worker/opencl_stream.c).
 */
#undef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 300
#define CL_USE_DEPRECATED_OPENCL_1_1_APIS
#include "cltest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t transfer_size(void)
{
    const char *e = getenv("AVA_ARENA_MB");
    size_t mb = e && atoi(e) > 0 ? (size_t)atoi(e) : 16;

    return 2 * (mb << 20);
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    size_t i;

    for (i = 0; i < n; i++)
        p[i] = (unsigned char)(i * 7 + seed + (i >> 20));
}

static void round_trip(struct cltest *t, cl_mem buf, unsigned char *src, unsigned char *dst, size_t n,
                       int blocking, int with_event)
{
    cl_event w = NULL, r = NULL;

    fill(src, n, blocking * 2 + with_event);
    memset(dst, 0, n);
    CHECK(clEnqueueWriteBuffer(t->queue, buf, blocking, 0, n, src, 0, NULL, with_event ? &w : NULL));
    CHECK(clEnqueueReadBuffer(t->queue, buf, blocking, 0, n, dst, 0, NULL, with_event ? &r : NULL));
    if (r)
        CHECK(clWaitForEvents(1, &r));
    CHECK(clFinish(t->queue));
    printf("%s%s: %s\n", blocking ? "blocking" : "non-blocking", with_event ? " with events" : "",
           memcmp(src, dst, n) == 0 ? "ok" : "DIFFERENT");
    if (w)
        clReleaseEvent(w);
    if (r)
        clReleaseEvent(r);
}

/*
 * A write and a read at an odd offset, of a length that is no multiple of
 * any chunk, compared with the whole buffer; then ranges past the buffer's
 * end, refused as a whole (nothing of them written).
 */
static void odd_ranges(struct cltest *t, cl_mem buf, unsigned char *src, unsigned char *dst, size_t n)
{
    size_t off = 4097, len = n - 8192 - 3;
    cl_int e1, e2;

    if (n < (1u << 20))
        return;

    fill(src, n, 9);
    CHECK(clEnqueueWriteBuffer(t->queue, buf, CL_TRUE, 0, n, src, 0, NULL, NULL));
    fill(dst, n, 11);
    CHECK(clEnqueueWriteBuffer(t->queue, buf, CL_TRUE, off, len, dst + off, 0, NULL, NULL));
    memcpy(src + off, dst + off, len);
    memset(dst, 0, n);
    CHECK(clEnqueueReadBuffer(t->queue, buf, CL_TRUE, 0, n, dst, 0, NULL, NULL));
    printf("odd offset and length, written: %s\n", memcmp(src, dst, n) == 0 ? "ok" : "DIFFERENT");
    memset(dst, 0, n);
    CHECK(clEnqueueReadBuffer(t->queue, buf, CL_TRUE, off, len, dst, 0, NULL, NULL));
    printf("odd offset and length, read: %s\n", memcmp(src + off, dst, len) == 0 ? "ok" : "DIFFERENT");
    e1 = clEnqueueWriteBuffer(t->queue, buf, CL_TRUE, n / 2, n, dst, 0, NULL, NULL);
    e2 = clEnqueueReadBuffer(t->queue, buf, CL_TRUE, n / 2, n, dst, 0, NULL, NULL);
    printf("past the end: write %d, read %d\n", e1, e2);
    CHECK(clEnqueueReadBuffer(t->queue, buf, CL_TRUE, 0, n, dst, 0, NULL, NULL));
    printf("past the end, nothing written: %s\n", memcmp(src, dst, n) == 0 ? "ok" : "DIFFERENT");
}

/* A buffer made from host memory larger than the arena (CL_MEM_COPY_HOST_PTR). */
static void made_from_host(struct cltest *t, unsigned char *src, unsigned char *dst, size_t n)
{
    cl_mem buf;

    fill(src, n, 11);
    memset(dst, 0, n);
    buf = cltest_buffer(t, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, n, src);
    if (!buf)
        return;
    if (CHECK(clEnqueueReadBuffer(t->queue, buf, CL_TRUE, 0, n, dst, 0, NULL, NULL)))
        printf("made from host memory: %s\n", memcmp(src, dst, n) == 0 ? "ok" : "DIFFERENT");
    clReleaseMemObject(buf);
}

/* An image's size in pixels and the pitches of its host memory (packed where 0). */
struct img_shape {
    size_t dims[3], row, slice;
};

enum { PIXEL = 4 };     /* CL_RGBA, CL_UNSIGNED_INT8 */

static size_t host_row(const struct img_shape *s)
{
    return s->row ? s->row : s->dims[0] * PIXEL;
}

static size_t host_slice(const struct img_shape *s)
{
    return s->slice ? s->slice : host_row(s) * s->dims[1];
}

/*
 * Reads an image back in bands of at most a quarter of n (along its last
 * dimension) and compares each row with the host memory it was made from.
 */
static const char *read_back(struct cltest *t, cl_mem img, const struct img_shape *s, const unsigned char *src,
                             unsigned char *dst, size_t n)
{
    int last = s->dims[2] > 1 ? 2 : 1;
    size_t line = s->dims[0] * PIXEL, band = last == 2 ? line * s->dims[1] : line;
    size_t step = n / 4 / band ? n / 4 / band : 1, origin[3] = { 0, 0, 0 }, region[3], y, z;
    int same = 1;

    memcpy(region, s->dims, sizeof(region));
    for (origin[last] = 0; origin[last] < s->dims[last]; origin[last] += step) {
        region[last] = s->dims[last] - origin[last] < step ? s->dims[last] - origin[last] : step;
        if (!CHECK(clEnqueueReadImage(t->queue, img, CL_TRUE, origin, region, 0, 0, dst, 0, NULL, NULL)))
            return "not read";
        for (z = 0; z < region[2]; z++)
            for (y = 0; y < region[1]; y++)
                same &= memcmp(dst + (z * region[1] + y) * line,
                               src + (origin[2] + z) * host_slice(s) + (origin[1] + y) * host_row(s), line) == 0;
    }
    return same ? "ok" : "DIFFERENT";
}

/*
 * A CL_MEM_USE_HOST_PTR image's map still points into the host memory
 * (tests/opencl/hostptrmap) when the data streamed in.
 */
static void map_host(struct cltest *t, cl_mem img, const struct img_shape *s, unsigned char *host)
{
    const size_t origin[3] = { 4, 2, 3 }, region[3] = { 8, 4, 2 };
    size_t row = 0, slice = 0;
    cl_int err = CL_SUCCESS;
    unsigned char *p = clEnqueueMapImage(t->queue, img, CL_TRUE, CL_MAP_READ, origin, region, &row, &slice, 0,
                                         NULL, NULL, &err);

    if (!CHECK(err) || !EXPECT(p != NULL, "map image"))
        return;
    printf("  its map points into the host memory: %s\n",
           p == host + origin[2] * host_slice(s) + origin[1] * host_row(s) + origin[0] * PIXEL ? "yes" : "no");
    CHECK(clEnqueueUnmapMemObject(t->queue, img, p, 0, NULL, NULL));
    CHECK(clFinish(t->queue));
}

/* Images made from host memory larger than the arena, by each entry point that takes host data. */
static void images_from_host(struct cltest *t, unsigned char *src, unsigned char *dst, size_t n)
{
    const cl_image_format fmt = { CL_RGBA, CL_UNSIGNED_INT8 };
    const cl_mem_properties none[] = { 0 };
    struct img_shape s2 = { { 2048, 0, 1 }, 2048 * PIXEL + 64, 0 };
    struct img_shape p2 = { { 2048, n / (2048 * PIXEL), 1 }, 0, 0 };
    struct img_shape s3 = { { 128, 128, 0 }, 128 * PIXEL + 64, 0 };
    struct img_shape p3 = { { 128, 128, n / (128 * 128 * PIXEL) }, 0, 0 };
    cl_image_desc d2 = { 0 }, d3 = { 0 };
    cl_int err = CL_SUCCESS;
    cl_mem img;

    s2.dims[1] = n / s2.row;
    s3.slice = s3.row * (128 + 8);
    s3.dims[2] = n / s3.slice;
    d2.image_type = CL_MEM_OBJECT_IMAGE2D;
    d2.image_width = p2.dims[0];
    d2.image_height = p2.dims[1];
    d3.image_type = CL_MEM_OBJECT_IMAGE3D;
    d3.image_width = s3.dims[0];
    d3.image_height = s3.dims[1];
    d3.image_depth = s3.dims[2];
    d3.image_row_pitch = s3.row;
    d3.image_slice_pitch = s3.slice;

    fill(src, n, 21);
    img = clCreateImage2D(t->context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, &fmt, s2.dims[0], s2.dims[1],
                          s2.row, src, &err);
    if (CHECK(err))
        printf("2D image (clCreateImage2D, padded rows) from host memory: %s\n", read_back(t, img, &s2, src, dst, n));
    if (img)
        clReleaseMemObject(img);

    fill(src, n, 22);
    img = clCreateImage(t->context, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, &fmt, &d2, src, &err);
    if (CHECK(err))
        printf("2D image (clCreateImage) from host memory: %s\n", read_back(t, img, &p2, src, dst, n));
    if (img)
        clReleaseMemObject(img);

    fill(src, n, 23);
    img = clCreateImage3D(t->context, CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR, &fmt, p3.dims[0], p3.dims[1],
                          p3.dims[2], 0, 0, src, &err);
    if (CHECK(err)) {
        printf("3D image (clCreateImage3D) using host memory: %s\n", read_back(t, img, &p3, src, dst, n));
        map_host(t, img, &p3, src);
    }
    if (img)
        clReleaseMemObject(img);

    fill(src, n, 24);
    img = clCreateImageWithProperties(t->context, none, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, &fmt, &d3, src,
                                      &err);
    if (CHECK(err))
        printf("3D image (clCreateImageWithProperties, padded rows and slices) from host memory: %s\n",
               read_back(t, img, &s3, src, dst, n));
    if (img)
        clReleaseMemObject(img);
}

/*
 * Host memory of rows of row bytes, rows per slice, slices, at the given
 * pitches, from offset bytes on (a rectangle's host origin).
 */
struct layout {
    size_t row, rows, slices, row_pitch, slice_pitch, offset;
};

static size_t span(const struct layout *l)
{
    return l->offset + (l->slices - 1) * l->slice_pitch + (l->rows - 1) * l->row_pitch + l->row;
}

static void copy_rows(unsigned char *dst, const struct layout *dl, const unsigned char *src, const struct layout *sl)
{
    size_t y, z;

    for (z = 0; z < dl->slices; z++)
        for (y = 0; y < dl->rows; y++)
            memcpy(dst + dl->offset + z * dl->slice_pitch + y * dl->row_pitch,
                   src + sl->offset + z * sl->slice_pitch + y * sl->row_pitch, dl->row);
}

/*
 * Host memory for a read: filled with 0xa5, and what the read must leave
 * there: the source's rows in place, the gaps untouched.
 */
static void expect_read(unsigned char *dst, unsigned char *want, const struct layout *dl, const unsigned char *src,
                        const struct layout *sl)
{
    memset(dst, 0xa5, span(dl));
    memset(want, 0xa5, span(dl));
    copy_rows(want, dl, src, sl);
}

/* A difference fails the test also where no native output is compared (tests/run's AVA_ARENA_MB=16 run). */
static const char *same(const unsigned char *a, const unsigned char *b, size_t n)
{
    return EXPECT(memcmp(a, b, n) == 0, "data differ") ? "ok" : "DIFFERENT";
}

/* A write and a read back of an image's region, as the flags say (0: blocking, 1: non-blocking, with an event). */
static void image_transfer(struct cltest *t, cl_mem img, const char *what, const size_t *origin, const size_t *region,
                           const struct layout *wl, int wasync, const struct layout *rl, int rasync,
                           unsigned char *src, unsigned char *dst, unsigned char *want)
{
    cl_event w = NULL, r = NULL;

    fill(src, span(wl), (unsigned)wl->row_pitch + rasync);
    expect_read(dst, want, rl, src, wl);
    CHECK(clEnqueueWriteImage(t->queue, img, !wasync, origin, region, wl->row_pitch, wl->slice_pitch,
                              src + wl->offset, 0, NULL, wasync ? &w : NULL));
    CHECK(clEnqueueReadImage(t->queue, img, !rasync, origin, region, rl->row_pitch, rl->slice_pitch,
                             dst + rl->offset, 0, NULL, rasync ? &r : NULL));
    if (r)
        CHECK(clWaitForEvents(1, &r));
    CHECK(clFinish(t->queue));
    printf("%s: %s\n", what, same(dst, want, span(rl)));
    if (w)
        clReleaseEvent(w);
    if (r)
        clReleaseEvent(r);
}

/*
 * Image reads and writes of about n bytes of host memory, blocking and not,
 * packed and with padded pitches (the gaps between the rows must stay as
 * they were), 2D and 3D.
 */
static void image_transfers(struct cltest *t, size_t n)
{
    const cl_image_format fmt = { CL_RGBA, CL_UNSIGNED_INT8 };
    size_t w2 = 4096, h2 = n / (4096 * PIXEL), d3 = n / (128 * 128 * PIXEL);
    const size_t zero[3] = { 0, 0, 0 }, r2[3] = { w2, h2, 1 }, o2[3] = { 5, 3, 0 };
    const size_t s2[3] = { w2 - 5, h2 - 3, 1 }, r3[3] = { 128, 128, d3 };
    struct layout p2 = { w2 * PIXEL, h2, 1, w2 * PIXEL, 0, 0 };
    struct layout q2 = { w2 * PIXEL, h2, 1, w2 * PIXEL + 64, 0, 0 };
    struct layout sub = { (w2 - 5) * PIXEL, h2 - 3, 1, (w2 - 5) * PIXEL, 0, 0 };
    struct layout p3 = { 128 * PIXEL, 128, d3, 128 * PIXEL, 128 * 128 * PIXEL, 0 };
    struct layout q3 = { 128 * PIXEL, 128, d3, 128 * PIXEL + 64, (128 * PIXEL + 64) * 130, 0 };
    size_t most = span(&q3) > span(&q2) ? span(&q3) : span(&q2);
    unsigned char *src = malloc(most), *dst = malloc(most), *want = malloc(most);
    cl_int err = CL_SUCCESS;
    cl_mem img;

    if (!EXPECT(src && dst && want, "memory"))
        goto out;
    img = clCreateImage2D(t->context, CL_MEM_READ_WRITE, &fmt, w2, h2, 0, NULL, &err);
    if (CHECK(err)) {
        image_transfer(t, img, "2D image write and read, blocking", zero, r2, &p2, 0, &p2, 0, src, dst, want);
        image_transfer(t, img, "2D image write and read, non-blocking with events", zero, r2, &p2, 1, &p2, 1, src,
                       dst, want);
        image_transfer(t, img, "2D image at an odd origin", o2, s2, &sub, 0, &sub, 1, src, dst, want);
        image_transfer(t, img, "2D image, padded rows, blocking", zero, r2, &q2, 0, &q2, 0, src, dst, want);
        image_transfer(t, img, "2D image, padded rows, non-blocking with events", zero, r2, &q2, 1, &q2, 1, src,
                       dst, want);
        image_transfer(t, img, "2D image, written packed, read into padded rows", zero, r2, &p2, 0, &q2, 0, src,
                       dst, want);
    }
    if (img)
        clReleaseMemObject(img);
    img = clCreateImage3D(t->context, CL_MEM_READ_WRITE, &fmt, 128, 128, d3, 0, 0, NULL, &err);
    if (CHECK(err)) {
        image_transfer(t, img, "3D image write and read, non-blocking", zero, r3, &p3, 1, &p3, 1, src, dst, want);
        image_transfer(t, img, "3D image, padded rows and slices, blocking", zero, r3, &q3, 0, &q3, 0, src, dst,
                       want);
        image_transfer(t, img, "3D image, padded rows and slices, non-blocking write", zero, r3, &q3, 1, &q3, 0,
                       src, dst, want);
    }
    if (img)
        clReleaseMemObject(img);
out:
    free(src);
    free(dst);
    free(want);
}

/*
 * Buffer rectangles of about n bytes of host memory, at a host origin and
 * with padded host pitches: written and read back, blocking and not.
 */
static void rect_transfers(struct cltest *t, cl_mem buf, size_t n)
{
    const size_t bo[3] = { 8, 16, 0 }, ho[3] = { 3, 1, 0 }, zero[3] = { 0, 0, 0 };
    const size_t region[3] = { 4000, n / 2 / 4096 - 96, 2 }, bpitch = 4096, bslice = n / 2;
    struct layout h = { 4000, region[1], 2, 4100, 4100 * (region[1] + 2), 0 };
    struct layout p = { 4000, region[1], 2, 4000, 4000 * region[1], 0 };
    size_t most;
    unsigned char *src, *dst, *want;
    int async;

    h.offset = ho[2] * h.slice_pitch + ho[1] * h.row_pitch + ho[0];
    most = span(&h);
    src = malloc(most);
    dst = malloc(most);
    want = malloc(most);
    if (!EXPECT(src && dst && want, "memory"))
        goto out;
    for (async = 0; async < 2; async++) {
        cl_event r = NULL;

        fill(src, most, 31 + async);
        expect_read(dst, want, &h, src, &h);
        CHECK(clEnqueueWriteBufferRect(t->queue, buf, !async, bo, ho, region, bpitch, bslice, h.row_pitch,
                                       h.slice_pitch, src, 0, NULL, NULL));
        CHECK(clEnqueueReadBufferRect(t->queue, buf, !async, bo, ho, region, bpitch, bslice, h.row_pitch,
                                      h.slice_pitch, dst, 0, NULL, async ? &r : NULL));
        if (r) {
            CHECK(clWaitForEvents(1, &r));
            clReleaseEvent(r);
        }
        CHECK(clFinish(t->queue));
        printf("rectangle at a host origin, padded pitches, %s: %s\n", async ? "non-blocking" : "blocking",
               same(dst, want, most));
        /* the same rectangle read packed */
        expect_read(dst, want, &p, src, &h);
        CHECK(clEnqueueReadBufferRect(t->queue, buf, !async, bo, zero, region, bpitch, bslice, 0, 0, dst, 0, NULL,
                                      NULL));
        CHECK(clFinish(t->queue));
        printf("rectangle read packed, %s: %s\n", async ? "non-blocking" : "blocking", same(dst, want, span(&p)));
    }
out:
    free(src);
    free(dst);
    free(want);
}

int main(void)
{
    struct cltest t;
    size_t n = transfer_size();
    unsigned char *src = malloc(n), *dst = malloc(n);
    cl_mem buf;

    if (!src || !dst || cltest_init(&t, 0))
        return 1;
    buf = cltest_buffer(&t, CL_MEM_READ_WRITE, n, NULL);
    if (buf) {
        round_trip(&t, buf, src, dst, n, CL_TRUE, 0);
        round_trip(&t, buf, src, dst, n, CL_TRUE, 1);
        round_trip(&t, buf, src, dst, n, CL_FALSE, 0);
        round_trip(&t, buf, src, dst, n, CL_FALSE, 1);
        odd_ranges(&t, buf, src, dst, n);
        rect_transfers(&t, buf, n);
        clReleaseMemObject(buf);
    }
    made_from_host(&t, src, dst, n);
    if (cltest_device_uint(&t, CL_DEVICE_IMAGE_SUPPORT)) {
        images_from_host(&t, src, dst, n);
        image_transfers(&t, n);
    }
    cltest_release(&t);
    free(src);
    free(dst);
    return cltest_done("bigxfer");
}
