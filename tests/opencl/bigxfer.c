/*
 * Transfers larger than the session's shared arena must stream through it,
 * never fail or hang: writes and reads of twice AVA_ARENA_MB (32 MiB when
 * it is unset), blocking and non-blocking, with and without an event, at
 * odd offsets and lengths, and a buffer and images (2D and 3D, by each
 * entry point) made from host memory of about that size.  tests/run runs
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
        clReleaseMemObject(buf);
    }
    made_from_host(&t, src, dst, n);
    if (cltest_device_uint(&t, CL_DEVICE_IMAGE_SUPPORT))
        images_from_host(&t, src, dst, n);
    cltest_release(&t);
    free(src);
    free(dst);
    return cltest_done("bigxfer");
}
