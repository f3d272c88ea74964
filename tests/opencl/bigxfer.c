/*
 * Transfers larger than the session's shared arena must stream through it,
 * never fail or hang: writes and reads of twice AVA_ARENA_MB (32 MiB when
 * it is unset), blocking and non-blocking, with and without an event, at
 * odd offsets and lengths, and a buffer made from host memory of that size.  tests/run runs this program with a small
 * AVA_ARENA_MB, and again with AVA_STREAM_DIRECT=1 (the worker's pipelined
 * path, worker/opencl_stream.c).
 */
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
    cltest_release(&t);
    free(src);
    free(dst);
    return cltest_done("bigxfer");
}
