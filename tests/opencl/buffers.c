/*
 * Buffers: create/write/read/copy at sizes from 1 B to 8 MiB, host pointer
 * flags (COPY_HOST_PTR, USE_HOST_PTR read back via map, ALLOC_HOST_PTR),
 * clGetMemObjectInfo, clEnqueueFillBuffer with every pattern size, and
 * rectangular read/write/copy checked against a host emulation.
 */
#include "cltest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *kernel_src =
    "__kernel void add_one(__global int *a) {\n"
    "    size_t i = get_global_id(0);\n"
    "    a[i] += 1;\n"
    "}\n";

static void pattern(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(i * 31u + seed * 7u + (i >> 8));
}

static void sizes_test(struct cltest *t)
{
    static const size_t sizes[] = {1,      3,         64,       1000,
                                   4096,   65537,     1 << 20,  8 << 20};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        unsigned char *src = malloc(n), *dst = malloc(n);
        pattern(src, n, (unsigned)s);
        cl_mem a = cltest_buffer(t, CL_MEM_READ_WRITE, n, NULL);
        cl_mem b = cltest_buffer(t, CL_MEM_READ_WRITE, n, NULL);
        int rw_ok = 0, copy_ok = 0, part_ok = 0;

        memset(dst, 0, n);
        if (CHECK(clEnqueueWriteBuffer(t->queue, a, CL_TRUE, 0, n, src, 0,
                                       NULL, NULL)) &&
            CHECK(clEnqueueReadBuffer(t->queue, a, CL_TRUE, 0, n, dst, 0,
                                      NULL, NULL)))
            rw_ok = EXPECT(memcmp(src, dst, n) == 0,
                           "size %zu: read data differs from written", n);

        memset(dst, 0, n);
        if (CHECK(clEnqueueCopyBuffer(t->queue, a, b, 0, 0, n, 0, NULL,
                                      NULL)) &&
            CHECK(clEnqueueReadBuffer(t->queue, b, CL_TRUE, 0, n, dst, 0,
                                      NULL, NULL)))
            copy_ok = EXPECT(memcmp(src, dst, n) == 0,
                             "size %zu: copied data differs", n);

        /* A read of a part of the buffer at an offset. */
        size_t off = n / 3, len = n - n / 3 - n / 5;
        memset(dst, 0, n);
        if (CHECK(clEnqueueReadBuffer(t->queue, a, CL_TRUE, off, len, dst, 0,
                                      NULL, NULL)))
            part_ok = EXPECT(memcmp(src + off, dst, len) == 0,
                             "size %zu: partial read differs", n);

        printf("size %zu: write/read %s, copy %s, partial read %s, fnv %08x\n",
               n, rw_ok ? "ok" : "BAD", copy_ok ? "ok" : "BAD",
               part_ok ? "ok" : "BAD", (unsigned)cltest_fnv1a(src, n));
        clReleaseMemObject(a);
        clReleaseMemObject(b);
        free(src);
        free(dst);
    }
}

/* Non-blocking write and read of 1 MiB, completed by clFinish. */
static void nonblocking_test(struct cltest *t)
{
    size_t n = 1 << 20;
    unsigned char *src = malloc(n), *dst = calloc(1, n);
    pattern(src, n, 99);
    cl_mem a = cltest_buffer(t, CL_MEM_READ_WRITE, n, NULL);
    CHECK(clEnqueueWriteBuffer(t->queue, a, CL_FALSE, 0, n, src, 0, NULL,
                               NULL));
    CHECK(clEnqueueReadBuffer(t->queue, a, CL_FALSE, 0, n, dst, 0, NULL,
                              NULL));
    CHECK(clFinish(t->queue));
    int ok = EXPECT(memcmp(src, dst, n) == 0, "non-blocking read differs");
    printf("non-blocking write+read 1 MiB: %s\n", ok ? "ok" : "BAD");
    clReleaseMemObject(a);
    free(src);
    free(dst);
}

static void copy_host_ptr_test(struct cltest *t)
{
    enum { N = 4096 };
    size_t bytes = N * sizeof(cl_int);

    /* COPY_HOST_PTR: the buffer keeps the data, later host writes don't
     * matter, and CL_MEM_HOST_PTR is NULL. */
    cl_int *host = malloc(bytes), *out = malloc(bytes);
    for (int i = 0; i < N; i++)
        host[i] = i * 3 - 7;
    cl_mem c = cltest_buffer(t, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR,
                             bytes, host);
    memset(host, 0xff, bytes);
    CHECK(clEnqueueReadBuffer(t->queue, c, CL_TRUE, 0, bytes, out, 0, NULL,
                              NULL));
    int ok = 1;
    for (int i = 0; i < N; i++)
        ok &= out[i] == i * 3 - 7;
    EXPECT(ok, "COPY_HOST_PTR buffer content wrong");
    void *hp = (void *)1;
    cl_mem_flags flags = 0;
    size_t size = 0;
    cl_mem_object_type type = 0;
    cl_context ctx = NULL;
    CHECK(clGetMemObjectInfo(c, CL_MEM_HOST_PTR, sizeof hp, &hp, NULL));
    CHECK(clGetMemObjectInfo(c, CL_MEM_FLAGS, sizeof flags, &flags, NULL));
    CHECK(clGetMemObjectInfo(c, CL_MEM_SIZE, sizeof size, &size, NULL));
    CHECK(clGetMemObjectInfo(c, CL_MEM_TYPE, sizeof type, &type, NULL));
    CHECK(clGetMemObjectInfo(c, CL_MEM_CONTEXT, sizeof ctx, &ctx, NULL));
    printf("COPY_HOST_PTR: content %s, host_ptr %s, flags %s, size %zu, "
           "type %s, context %s\n",
           ok ? "ok" : "BAD", hp == NULL ? "NULL" : "non-NULL",
           flags == (CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR) ? "ok" : "BAD",
           size, type == CL_MEM_OBJECT_BUFFER ? "BUFFER" : "other",
           ctx == t->context ? "same" : "different");
    EXPECT(hp == NULL, "CL_MEM_HOST_PTR of a COPY_HOST_PTR buffer not NULL");
    EXPECT(ctx == t->context, "CL_MEM_CONTEXT is not the context");
    clReleaseMemObject(c);
    free(host);
    free(out);
}

/* USE_HOST_PTR: a kernel updates the buffer; after a map for reading both
 * the mapped pointer and the host memory hold the new data. */
static void use_host_ptr_test(struct cltest *t, cl_program prog)
{
    enum { N = 4096 };
    size_t bytes = N * sizeof(cl_int);
    cl_int err;

    cl_int *uhost = aligned_alloc(4096, bytes);
    for (int i = 0; i < N; i++)
        uhost[i] = i;
    cl_mem u = cltest_buffer(t, CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR,
                             bytes, uhost);
    void *hp = (void *)1;
    CHECK(clGetMemObjectInfo(u, CL_MEM_HOST_PTR, sizeof hp, &hp, NULL));
    EXPECT(hp == uhost, "CL_MEM_HOST_PTR is not the host pointer");
    cl_kernel k = cltest_kernel(prog, "add_one");
    size_t gws = N;
    CHECK(clSetKernelArg(k, 0, sizeof u, &u));
    CHECK(clEnqueueNDRangeKernel(t->queue, k, 1, NULL, &gws, NULL, 0, NULL,
                                 NULL));
    cl_int *m = clEnqueueMapBuffer(t->queue, u, CL_TRUE, CL_MAP_READ, 0, bytes,
                                   0, NULL, NULL, &err);
    int map_ok = 0, host_ok = 0;
    if (CHECK(err)) {
        map_ok = host_ok = 1;
        for (int i = 0; i < N; i++) {
            map_ok &= m[i] == i + 1;
            host_ok &= uhost[i] == i + 1;
        }
        CHECK(clEnqueueUnmapMemObject(t->queue, u, m, 0, NULL, NULL));
        CHECK(clFinish(t->queue));
    }
    EXPECT(map_ok, "USE_HOST_PTR: mapped data wrong");
    EXPECT(host_ok, "USE_HOST_PTR: host memory not updated after map");
    printf("USE_HOST_PTR: host_ptr %s, mapped data %s, host memory %s\n",
           hp == uhost ? "same" : "different", map_ok ? "ok" : "BAD",
           host_ok ? "ok" : "BAD");
    clReleaseKernel(k);
    clReleaseMemObject(u);
    free(uhost);
}

/* ALLOC_HOST_PTR | COPY_HOST_PTR. */
static void alloc_host_ptr_test(struct cltest *t)
{
    enum { N = 4096 };
    size_t bytes = N * sizeof(cl_int);

    cl_int *host = malloc(bytes), *out = malloc(bytes);
    for (int i = 0; i < N; i++)
        host[i] = N - i;
    cl_mem a = cltest_buffer(t, CL_MEM_ALLOC_HOST_PTR | CL_MEM_COPY_HOST_PTR,
                             bytes, host);
    CHECK(clEnqueueReadBuffer(t->queue, a, CL_TRUE, 0, bytes, out, 0, NULL,
                              NULL));
    int ok = memcmp(host, out, bytes) == 0;
    EXPECT(ok, "ALLOC_HOST_PTR|COPY_HOST_PTR content wrong");
    printf("ALLOC_HOST_PTR|COPY_HOST_PTR: content %s\n", ok ? "ok" : "BAD");
    clReleaseMemObject(a);
    free(host);
    free(out);
}

static void host_ptr_test(struct cltest *t, cl_program prog)
{
    copy_host_ptr_test(t);
    use_host_ptr_test(t, prog);
    alloc_host_ptr_test(t);
}

static void fill_test(struct cltest *t)
{
    enum { N = 4096 };
    unsigned char ref[N], got[N];
    pattern(ref, N, 5);
    cl_mem b = cltest_buffer(t, CL_MEM_READ_WRITE, N, NULL);
    CHECK(clEnqueueWriteBuffer(t->queue, b, CL_TRUE, 0, N, ref, 0, NULL,
                               NULL));

    /* One fill per legal pattern size; offset and size are multiples of it. */
    static const size_t psize[] = {1, 2, 4, 8, 16, 32, 64, 128};
    static const size_t offset[] = {3, 200, 512, 800, 1024, 2048, 2560, 3584};
    static const size_t len[] = {100, 64, 256, 96, 1024, 256, 512, 512};
    for (int f = 0; f < 8; f++) {
        unsigned char pat[128];
        for (size_t i = 0; i < psize[f]; i++)
            pat[i] = (unsigned char)(0x40 + f * 16 + i);
        CHECK(clEnqueueFillBuffer(t->queue, b, pat, psize[f], offset[f],
                                  len[f], 0, NULL, NULL));
        for (size_t i = 0; i < len[f]; i++)
            ref[offset[f] + i] = pat[i % psize[f]];
    }
    CHECK(clEnqueueReadBuffer(t->queue, b, CL_TRUE, 0, N, got, 0, NULL, NULL));
    int ok = EXPECT(memcmp(ref, got, N) == 0, "fill result differs");
    printf("fill patterns 1..128 B: %s, fnv %08x\n", ok ? "ok" : "BAD",
           (unsigned)cltest_fnv1a(got, N));
    clReleaseMemObject(b);

    /* Whole 8 MiB buffer with a float pattern. */
    size_t big = 8 << 20;
    cl_float *fb = malloc(big);
    cl_float one_half = 1.5f;
    b = cltest_buffer(t, CL_MEM_READ_WRITE, big, NULL);
    CHECK(clEnqueueFillBuffer(t->queue, b, &one_half, sizeof one_half, 0, big,
                              0, NULL, NULL));
    CHECK(clEnqueueReadBuffer(t->queue, b, CL_TRUE, 0, big, fb, 0, NULL, NULL));
    ok = 1;
    for (size_t i = 0; i < big / sizeof *fb; i++)
        ok &= fb[i] == 1.5f;
    EXPECT(ok, "8 MiB fill differs");
    printf("fill 8 MiB float: %s\n", ok ? "ok" : "BAD");
    clReleaseMemObject(b);
    free(fb);
}

/* Host emulation of a rectangular copy between two pitched byte arrays. */
static void rect_copy(unsigned char *dst, const size_t dorg[3], size_t drow,
                      size_t dslice, const unsigned char *src,
                      const size_t sorg[3], size_t srow, size_t sslice,
                      const size_t region[3])
{
    for (size_t z = 0; z < region[2]; z++)
        for (size_t y = 0; y < region[1]; y++)
            memcpy(dst + (dorg[2] + z) * dslice + (dorg[1] + y) * drow +
                       dorg[0],
                   src + (sorg[2] + z) * sslice + (sorg[1] + y) * srow +
                       sorg[0],
                   region[0]);
}

static void rect_test(struct cltest *t)
{
    /* Device buffer A: 64-byte rows, 16 rows per slice, 4 slices. */
    enum { AROW = 64, ASLICE = AROW * 16, ASIZE = ASLICE * 4 };
    /* Host array H: 40-byte rows, 12 rows per slice, 3 slices. */
    enum { HROW = 40, HSLICE = HROW * 12, HSIZE = HSLICE * 3 };
    /* Device buffer B: 32-byte rows, 20 rows per slice, 3 slices. */
    enum { BROW = 32, BSLICE = BROW * 20, BSIZE = BSLICE * 3 };
    static unsigned char aref[ASIZE], bref[BSIZE], host[HSIZE], got[ASIZE];

    memset(aref, 0x11, ASIZE);
    memset(bref, 0x22, BSIZE);
    pattern(host, HSIZE, 42);
    cl_mem a = cltest_buffer(t, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR,
                             ASIZE, aref);
    cl_mem b = cltest_buffer(t, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR,
                             BSIZE, bref);

    /* 3D write: host -> A. */
    size_t a_org[3] = {8, 2, 1}, h_org[3] = {4, 1, 0}, reg[3] = {24, 10, 3};
    CHECK(clEnqueueWriteBufferRect(t->queue, a, CL_TRUE, a_org, h_org, reg,
                                   AROW, ASLICE, HROW, HSLICE, host, 0, NULL,
                                   NULL));
    rect_copy(aref, a_org, AROW, ASLICE, host, h_org, HROW, HSLICE, reg);
    CHECK(clEnqueueReadBuffer(t->queue, a, CL_TRUE, 0, ASIZE, got, 0, NULL,
                              NULL));
    int ok = EXPECT(memcmp(aref, got, ASIZE) == 0, "write rect differs");
    printf("write rect 3D: %s, fnv %08x\n", ok ? "ok" : "BAD",
           (unsigned)cltest_fnv1a(got, ASIZE));

    /* 2D write with default (0) pitches on the host side: the host row pitch
     * becomes region[0] and the slice pitch region[0] * region[1]. */
    unsigned char small[12 * 5];
    pattern(small, sizeof small, 7);
    size_t a_org2[3] = {40, 10, 0}, zero[3] = {0, 0, 0}, reg2[3] = {12, 5, 1};
    CHECK(clEnqueueWriteBufferRect(t->queue, a, CL_TRUE, a_org2, zero, reg2,
                                   AROW, 0, 0, 0, small, 0, NULL, NULL));
    rect_copy(aref, a_org2, AROW, ASLICE, small, zero, 12, 12 * 5, reg2);
    CHECK(clEnqueueReadBuffer(t->queue, a, CL_TRUE, 0, ASIZE, got, 0, NULL,
                              NULL));
    ok = EXPECT(memcmp(aref, got, ASIZE) == 0, "write rect 2D differs");
    printf("write rect 2D default pitches: %s\n", ok ? "ok" : "BAD");

    /* 3D read: A -> host array with a different pitch (50 x 8 rows). */
    enum { RROW = 50, RSLICE = RROW * 8, RSIZE = RSLICE * 3 };
    static unsigned char rref[RSIZE], rgot[RSIZE];
    memset(rref, 0xee, RSIZE);
    memset(rgot, 0xee, RSIZE);
    size_t a_org3[3] = {0, 3, 0}, r_org[3] = {1, 1, 1}, reg3[3] = {48, 6, 2};
    CHECK(clEnqueueReadBufferRect(t->queue, a, CL_TRUE, a_org3, r_org, reg3,
                                  AROW, ASLICE, RROW, RSLICE, rgot, 0, NULL,
                                  NULL));
    rect_copy(rref, r_org, RROW, RSLICE, aref, a_org3, AROW, ASLICE, reg3);
    ok = EXPECT(memcmp(rref, rgot, RSIZE) == 0, "read rect differs");
    printf("read rect 3D: %s, fnv %08x\n", ok ? "ok" : "BAD",
           (unsigned)cltest_fnv1a(rgot, RSIZE));

    /* 3D copy: A -> B. */
    size_t s_org[3] = {4, 1, 0}, d_org[3] = {2, 3, 1}, reg4[3] = {20, 12, 2};
    CHECK(clEnqueueCopyBufferRect(t->queue, a, b, s_org, d_org, reg4, AROW,
                                  ASLICE, BROW, BSLICE, 0, NULL, NULL));
    rect_copy(bref, d_org, BROW, BSLICE, aref, s_org, AROW, ASLICE, reg4);
    CHECK(clEnqueueReadBuffer(t->queue, b, CL_TRUE, 0, BSIZE, got, 0, NULL,
                              NULL));
    ok = EXPECT(memcmp(bref, got, BSIZE) == 0, "copy rect differs");
    printf("copy rect 3D: %s, fnv %08x\n", ok ? "ok" : "BAD",
           (unsigned)cltest_fnv1a(got, BSIZE));

    clReleaseMemObject(a);
    clReleaseMemObject(b);
}

int main(void)
{
    struct cltest t;
    if (cltest_init(&t, 0) != 0)
        return cltest_done("buffers");
    cl_program prog = cltest_build(&t, kernel_src, "");
    sizes_test(&t);
    nonblocking_test(&t);
    if (prog)
        host_ptr_test(&t, prog);
    fill_test(&t);
    rect_test(&t);
    if (prog)
        clReleaseProgram(prog);
    cltest_release(&t);
    return cltest_done("buffers");
}
