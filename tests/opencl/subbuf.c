/*
 * Sub-buffers: regions aligned to CL_DEVICE_MEM_BASE_ADDR_ALIGN, kernels
 * running over sub-buffers, reads/writes/maps through sub-buffers checked
 * through the parent and the other way round, flag inheritance, and
 * clGetMemObjectInfo (CL_MEM_ASSOCIATED_MEMOBJECT, CL_MEM_OFFSET, CL_MEM_SIZE).
 *
 * The alignment is device-specific, so offsets are printed in units of it.
 */
#include "cltest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *src =
    "__kernel void add(__global int *a, int v)\n"
    "{\n"
    "    a[get_global_id(0)] += v;\n"
    "}\n";

static cl_mem sub_buffer(cl_mem parent, cl_mem_flags flags, size_t origin,
                         size_t size)
{
    cl_int err;
    cl_buffer_region r = {origin, size};
    cl_mem s = clCreateSubBuffer(parent, flags, CL_BUFFER_CREATE_TYPE_REGION,
                                 &r, &err);
    if (!CHECK(err))
        return NULL;
    return s;
}

int main(void)
{
    struct cltest t;
    if (cltest_init(&t, 0) != 0)
        return cltest_done("subbuf");
    cl_program p = cltest_build(&t, src, "");
    cl_kernel k = p ? cltest_kernel(p, "add") : NULL;
    cl_uint align_bits = cltest_device_uint(&t, CL_DEVICE_MEM_BASE_ADDR_ALIGN);
    size_t align = align_bits / 8;
    if (!k || !EXPECT(align >= sizeof(cl_int) && align % sizeof(cl_int) == 0,
                      "unusable CL_DEVICE_MEM_BASE_ADDR_ALIGN")) {
        if (k)
            clReleaseKernel(k);
        if (p)
            clReleaseProgram(p);
        cltest_release(&t);
        return cltest_done("subbuf");
    }

    /* Parent: 64 alignment units; every int starts as its own index. */
    size_t units = 64, psize = units * align, n = psize / sizeof(cl_int);
    cl_int *ref = malloc(psize), *got = malloc(psize);
    for (size_t i = 0; i < n; i++)
        ref[i] = (cl_int)i;
    cl_mem parent = cltest_buffer(&t, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR,
                                  psize, ref);

    /* Three disjoint regions (origin, size in alignment units). */
    static const size_t reg[3][2] = {{0, 8}, {10, 5}, {40, 24}};
    cl_mem sub[3];
    for (int s = 0; s < 3; s++) {
        sub[s] = sub_buffer(parent, 0, reg[s][0] * align, reg[s][1] * align);
        if (!sub[s])
            continue;
        cl_mem assoc = NULL;
        size_t off = 1, size = 0;
        cl_mem_flags flags = 0;
        CHECK(clGetMemObjectInfo(sub[s], CL_MEM_ASSOCIATED_MEMOBJECT,
                                 sizeof assoc, &assoc, NULL));
        CHECK(clGetMemObjectInfo(sub[s], CL_MEM_OFFSET, sizeof off, &off,
                                 NULL));
        CHECK(clGetMemObjectInfo(sub[s], CL_MEM_SIZE, sizeof size, &size,
                                 NULL));
        CHECK(clGetMemObjectInfo(sub[s], CL_MEM_FLAGS, sizeof flags, &flags,
                                 NULL));
        /* Flags not given are inherited from the parent. */
        printf("sub-buffer %d: associated %s, offset %zu units, size %zu "
               "units, flags %s\n",
               s, assoc == parent ? "parent" : "WRONG", off / align,
               size / align,
               (flags & (CL_MEM_READ_WRITE | CL_MEM_READ_ONLY |
                         CL_MEM_WRITE_ONLY)) == CL_MEM_READ_WRITE
                   ? "READ_WRITE (inherited)"
                   : "WRONG");
        EXPECT(assoc == parent && off == reg[s][0] * align &&
                   size == reg[s][1] * align && (flags & CL_MEM_READ_WRITE),
               "sub-buffer %d info wrong", s);
    }
    cl_mem passoc = (cl_mem)1;
    size_t poff = 1;
    CHECK(clGetMemObjectInfo(parent, CL_MEM_ASSOCIATED_MEMOBJECT,
                             sizeof passoc, &passoc, NULL));
    CHECK(clGetMemObjectInfo(parent, CL_MEM_OFFSET, sizeof poff, &poff, NULL));
    printf("parent: associated %s, offset %zu\n",
           passoc == NULL ? "NULL" : "WRONG", poff);
    EXPECT(passoc == NULL && poff == 0, "parent info wrong");

    /* A kernel over each sub-buffer adds 1000 * (s + 1) to its region. */
    for (int s = 0; s < 3; s++) {
        if (!sub[s])
            continue;
        cl_int v = 1000 * (s + 1);
        size_t gws = reg[s][1] * align / sizeof(cl_int);
        CHECK(clSetKernelArg(k, 0, sizeof sub[s], &sub[s]));
        CHECK(clSetKernelArg(k, 1, sizeof v, &v));
        CHECK(clEnqueueNDRangeKernel(t.queue, k, 1, NULL, &gws, NULL, 0, NULL,
                                     NULL));
        size_t first = reg[s][0] * align / sizeof(cl_int);
        for (size_t i = 0; i < gws; i++)
            ref[first + i] += v;
    }
    CHECK(clEnqueueReadBuffer(t.queue, parent, CL_TRUE, 0, psize, got, 0, NULL,
                              NULL));
    int ok = memcmp(ref, got, psize) == 0;
    EXPECT(ok, "parent does not show the kernels' changes to sub-buffers");
    printf("kernels over sub-buffers, parent read back: %s, fnv %08x\n",
           ok ? "ok" : "BAD", (unsigned)cltest_fnv1a(got, psize));

    /* Write through sub-buffer 1, read through the parent. */
    size_t n1 = reg[1][1] * align / sizeof(cl_int);
    size_t first1 = reg[1][0] * align / sizeof(cl_int);
    cl_int *w = malloc(n1 * sizeof *w);
    for (size_t i = 0; i < n1; i++)
        w[i] = -(cl_int)i;
    if (sub[1])
        CHECK(clEnqueueWriteBuffer(t.queue, sub[1], CL_TRUE, 0,
                                   n1 * sizeof *w, w, 0, NULL, NULL));
    memcpy(ref + first1, w, n1 * sizeof *w);
    CHECK(clEnqueueReadBuffer(t.queue, parent, CL_TRUE, 0, psize, got, 0, NULL,
                              NULL));
    ok = memcmp(ref, got, psize) == 0;
    EXPECT(ok, "write through a sub-buffer not seen in the parent");
    printf("write sub-buffer, read parent: %s\n", ok ? "ok" : "BAD");

    /* Write through the parent, read through sub-buffer 2. */
    size_t n2 = reg[2][1] * align / sizeof(cl_int);
    size_t first2 = reg[2][0] * align / sizeof(cl_int);
    cl_int *r2 = malloc(n2 * sizeof *r2);
    for (size_t i = 0; i < n; i++)
        ref[i] = (cl_int)(i * 3);
    CHECK(clEnqueueWriteBuffer(t.queue, parent, CL_TRUE, 0, psize, ref, 0,
                               NULL, NULL));
    if (sub[2])
        CHECK(clEnqueueReadBuffer(t.queue, sub[2], CL_TRUE, 0, n2 * sizeof *r2,
                                  r2, 0, NULL, NULL));
    ok = memcmp(ref + first2, r2, n2 * sizeof *r2) == 0;
    EXPECT(ok, "write through the parent not seen in a sub-buffer");
    printf("write parent, read sub-buffer: %s\n", ok ? "ok" : "BAD");

    /* Map a sub-buffer, change it, read the parent. */
    cl_int err;
    cl_int *m = sub[0] ? clEnqueueMapBuffer(t.queue, sub[0], CL_TRUE,
                                            CL_MAP_READ | CL_MAP_WRITE, align,
                                            align, 0, NULL, NULL, &err)
                       : NULL;
    if (m && CHECK(err)) {
        size_t first = align / sizeof(cl_int);
        ok = 1;
        for (size_t i = 0; i < align / sizeof(cl_int); i++) {
            ok &= m[i] == ref[first + i];
            m[i] = 77;
            ref[first + i] = 77;
        }
        EXPECT(ok, "mapped sub-buffer shows wrong data");
        CHECK(clEnqueueUnmapMemObject(t.queue, sub[0], m, 0, NULL, NULL));
    }
    CHECK(clEnqueueReadBuffer(t.queue, parent, CL_TRUE, 0, psize, got, 0, NULL,
                              NULL));
    ok = memcmp(ref, got, psize) == 0;
    EXPECT(ok, "changes through a mapped sub-buffer not seen in the parent");
    printf("map sub-buffer, read parent: %s\n", ok ? "ok" : "BAD");

    /* A read-only sub-buffer of a read-write parent. */
    cl_mem ro = sub_buffer(parent, CL_MEM_READ_ONLY, 2 * align, align);
    if (ro) {
        cl_mem_flags flags = 0;
        CHECK(clGetMemObjectInfo(ro, CL_MEM_FLAGS, sizeof flags, &flags,
                                 NULL));
        printf("read-only sub-buffer: flags %s\n",
               flags & CL_MEM_READ_ONLY ? "READ_ONLY" : "WRONG");
        EXPECT(flags & CL_MEM_READ_ONLY, "CL_MEM_READ_ONLY not kept");
        CHECK(clReleaseMemObject(ro));
    }

    /* The parent may be released before its sub-buffers. */
    CHECK(clReleaseMemObject(parent));
    if (sub[2]) {
        CHECK(clEnqueueReadBuffer(t.queue, sub[2], CL_TRUE, 0, n2 * sizeof *r2,
                                  r2, 0, NULL, NULL));
        ok = memcmp(ref + first2, r2, n2 * sizeof *r2) == 0;
        EXPECT(ok, "sub-buffer data lost after releasing the parent");
        printf("sub-buffer after parent release: %s\n", ok ? "ok" : "BAD");
    }
    for (int s = 0; s < 3; s++)
        if (sub[s])
            CHECK(clReleaseMemObject(sub[s]));

    free(ref);
    free(got);
    free(w);
    free(r2);
    clReleaseKernel(k);
    clReleaseProgram(p);
    cltest_release(&t);
    return cltest_done("subbuf");
}
