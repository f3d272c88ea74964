/*
 * Mapping: clEnqueueMapBuffer for reading, writing and
 * CL_MAP_WRITE_INVALIDATE_REGION, changes made through the mapped pointer
 * seen by kernels and reads, maps of sub-ranges (two at once), a non-blocking
 * map completed through its event, USE_HOST_PTR and ALLOC_HOST_PTR buffers.
 */
#include "cltest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *src =
    "__kernel void twice_plus(__global int *a, int v)\n"
    "{\n"
    "    size_t i = get_global_id(0);\n"
    "    a[i] = a[i] * 2 + v;\n"
    "}\n";

enum { N = 16384 };
#define BYTES (N * sizeof(cl_int))

static void run_kernel(struct cltest *t, cl_kernel k, cl_mem b, cl_int v)
{
    size_t gws = N;
    CHECK(clSetKernelArg(k, 0, sizeof b, &b));
    CHECK(clSetKernelArg(k, 1, sizeof v, &v));
    CHECK(clEnqueueNDRangeKernel(t->queue, k, 1, NULL, &gws, NULL, 0, NULL,
                                 NULL));
}

static cl_int *map(struct cltest *t, cl_mem b, cl_map_flags flags,
                   size_t offset, size_t size)
{
    cl_int err;
    void *p = clEnqueueMapBuffer(t->queue, b, CL_TRUE, flags, offset, size, 0,
                                 NULL, NULL, &err);
    if (!CHECK(err))
        return NULL;
    return p;
}

static void unmap(struct cltest *t, cl_mem b, void *p)
{
    CHECK(clEnqueueUnmapMemObject(t->queue, b, p, 0, NULL, NULL));
}

static void read_write_maps(struct cltest *t, cl_kernel k)
{
    cl_int *host = malloc(BYTES);
    for (int i = 0; i < N; i++)
        host[i] = i % 1000;
    cl_mem b = cltest_buffer(t, CL_MEM_READ_WRITE, BYTES, NULL);
    CHECK(clEnqueueWriteBuffer(t->queue, b, CL_TRUE, 0, BYTES, host, 0, NULL,
                               NULL));

    /* Read map sees what was written. */
    cl_int *m = map(t, b, CL_MAP_READ, 0, BYTES);
    int ok = m && memcmp(m, host, BYTES) == 0;
    if (m)
        unmap(t, b, m);
    EXPECT(ok, "read map differs from the written data");
    printf("map read: %s\n", ok ? "ok" : "BAD");

    /* Write map: change every element, unmap, a kernel sees the change. */
    m = map(t, b, CL_MAP_READ | CL_MAP_WRITE, 0, BYTES);
    if (m) {
        for (int i = 0; i < N; i++)
            m[i] += 5;
        unmap(t, b, m);
    }
    run_kernel(t, k, b, 1);
    CHECK(clEnqueueReadBuffer(t->queue, b, CL_TRUE, 0, BYTES, host, 0, NULL,
                              NULL));
    ok = 1;
    for (int i = 0; i < N; i++)
        ok &= host[i] == (i % 1000 + 5) * 2 + 1;
    EXPECT(ok, "kernel did not see changes made through a write map");
    printf("map write + kernel + read: %s, fnv %08x\n", ok ? "ok" : "BAD",
           (unsigned)cltest_fnv1a(host, BYTES));

    /* Invalidate map: the old contents are undefined, so write all of it. */
    m = map(t, b, CL_MAP_WRITE_INVALIDATE_REGION, 0, BYTES);
    if (m) {
        for (int i = 0; i < N; i++)
            m[i] = -i;
        unmap(t, b, m);
    }
    CHECK(clEnqueueReadBuffer(t->queue, b, CL_TRUE, 0, BYTES, host, 0, NULL,
                              NULL));
    ok = 1;
    for (int i = 0; i < N; i++)
        ok &= host[i] == -i;
    EXPECT(ok, "write-invalidate map data lost");
    printf("map write invalidate: %s\n", ok ? "ok" : "BAD");
    clReleaseMemObject(b);
    free(host);
}

static void sub_range_maps(struct cltest *t, cl_kernel k)
{
    cl_int *host = malloc(BYTES);
    for (int i = 0; i < N; i++)
        host[i] = 1;
    cl_mem b = cltest_buffer(t, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR,
                             BYTES, host);

    /* Elements [256, 1280) and [8000, 8100) mapped at the same time. */
    cl_int *m1 = map(t, b, CL_MAP_WRITE, 256 * sizeof(cl_int),
                     1024 * sizeof(cl_int));
    cl_int *m2 = map(t, b, CL_MAP_READ | CL_MAP_WRITE, 8000 * sizeof(cl_int),
                     100 * sizeof(cl_int));
    int m2_ok = 1;
    if (m1)
        for (int i = 0; i < 1024; i++)
            m1[i] = 1000 + i;
    if (m2)
        for (int i = 0; i < 100; i++) {
            m2_ok &= m2[i] == 1;
            m2[i] = -3;
        }
    /* Unmap in the opposite order of mapping. */
    if (m2)
        unmap(t, b, m2);
    if (m1)
        unmap(t, b, m1);
    run_kernel(t, k, b, 0);
    CHECK(clEnqueueReadBuffer(t->queue, b, CL_TRUE, 0, BYTES, host, 0, NULL,
                              NULL));
    int ok = m2_ok;
    for (int i = 0; i < N; i++) {
        cl_int want = 2;
        if (i >= 256 && i < 1280)
            want = (1000 + i - 256) * 2;
        else if (i >= 8000 && i < 8100)
            want = -6;
        ok &= host[i] == want;
    }
    EXPECT(ok, "sub-range maps: wrong data");
    printf("two sub-range maps + kernel: %s, fnv %08x\n", ok ? "ok" : "BAD",
           (unsigned)cltest_fnv1a(host, BYTES));

    /* Non-blocking map; the pointer is usable once its event completes. */
    cl_int err;
    cl_event ev = NULL;
    cl_int *m3 = clEnqueueMapBuffer(t->queue, b, CL_FALSE, CL_MAP_READ,
                                    100 * sizeof(cl_int), 200 * sizeof(cl_int),
                                    0, NULL, &ev, &err);
    if (CHECK(err)) {
        CHECK(clWaitForEvents(1, &ev));
        ok = 1;
        for (int i = 0; i < 200; i++)
            ok &= m3[i] == host[100 + i];
        EXPECT(ok, "non-blocking map data wrong");
        printf("non-blocking map: %s\n", ok ? "ok" : "BAD");
        unmap(t, b, m3);
        clReleaseEvent(ev);
    }
    CHECK(clFinish(t->queue));
    clReleaseMemObject(b);
    free(host);
}

static void use_host_ptr(struct cltest *t, cl_kernel k)
{
    cl_int *host = aligned_alloc(4096, BYTES);
    for (int i = 0; i < N; i++)
        host[i] = i;
    cl_mem b = cltest_buffer(t, CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR, BYTES,
                             host);
    run_kernel(t, k, b, 3);

    /* The mapped pointer is derived from host_ptr, and host_ptr holds the
     * latest data in the mapped region (only there) once the map has
     * completed. */
    size_t off = 512 * sizeof(cl_int);
    cl_int *m = map(t, b, CL_MAP_READ | CL_MAP_WRITE, off, 4096);
    int ptr_ok = m == host + 512, ok = 1;
    if (m) {
        for (int i = 512; i < 1536; i++)
            ok &= host[i] == i * 2 + 3;
        for (int i = 0; i < 1024; i++)
            m[i] = 7;
        unmap(t, b, m);
    }
    EXPECT(ptr_ok, "USE_HOST_PTR map did not return host_ptr + offset");
    EXPECT(ok, "USE_HOST_PTR host memory not up to date after map");
    printf("USE_HOST_PTR map: pointer %s, host memory %s\n",
           ptr_ok ? "is host_ptr + offset" : "ELSEWHERE", ok ? "ok" : "BAD");

    run_kernel(t, k, b, 0);
    cl_int *out = malloc(BYTES);
    CHECK(clEnqueueReadBuffer(t->queue, b, CL_TRUE, 0, BYTES, out, 0, NULL,
                              NULL));
    ok = 1;
    for (int i = 0; i < N; i++)
        ok &= out[i] == (i >= 512 && i < 1536 ? 14 : (i * 2 + 3) * 2);
    EXPECT(ok, "USE_HOST_PTR: writes through the map not seen by a kernel");
    printf("USE_HOST_PTR map write + kernel + read: %s\n", ok ? "ok" : "BAD");
    clReleaseMemObject(b);
    free(out);
    free(host);
}

static void alloc_host_ptr(struct cltest *t, cl_kernel k)
{
    /* The usual "pinned staging buffer" pattern. */
    cl_mem b = cltest_buffer(t, CL_MEM_READ_WRITE | CL_MEM_ALLOC_HOST_PTR,
                             BYTES, NULL);
    cl_int *m = map(t, b, CL_MAP_WRITE_INVALIDATE_REGION, 0, BYTES);
    if (m) {
        for (int i = 0; i < N; i++)
            m[i] = N - i;
        unmap(t, b, m);
    }
    run_kernel(t, k, b, -1);
    m = map(t, b, CL_MAP_READ, 0, BYTES);
    int ok = m != NULL;
    if (m) {
        for (int i = 0; i < N; i++)
            ok &= m[i] == (N - i) * 2 - 1;
        unmap(t, b, m);
    }
    CHECK(clFinish(t->queue));
    EXPECT(ok, "ALLOC_HOST_PTR map round trip wrong");
    printf("ALLOC_HOST_PTR map + kernel + map: %s\n", ok ? "ok" : "BAD");
    clReleaseMemObject(b);
}

int main(void)
{
    struct cltest t;
    if (cltest_init(&t, 0) != 0)
        return cltest_done("map");
    cl_program p = cltest_build(&t, src, "");
    cl_kernel k = p ? cltest_kernel(p, "twice_plus") : NULL;
    if (k) {
        read_write_maps(&t, k);
        sub_range_maps(&t, k);
        use_host_ptr(&t, k);
        alloc_host_ptr(&t, k);
        clReleaseKernel(k);
    }
    if (p)
        clReleaseProgram(p);
    cltest_release(&t);
    return cltest_done("map");
}
