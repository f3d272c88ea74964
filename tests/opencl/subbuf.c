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

/* Three disjoint regions (origin, size in alignment units). */
static const size_t reg[3][2] = {{0, 8}, {10, 5}, {40, 24}};

/* The parent, its sub-buffers and what the parent should hold. */
struct sb {
    struct cltest *t;
    cl_kernel k;
    size_t align, psize, n; /* alignment and parent size in bytes; ints */
    cl_int *ref, *got;      /* expected parent content; scratch */
    cl_mem parent, sub[3];
};

/* Ints in region s, and the index of its first. */
static size_t reg_ints(const struct sb *b, int s)
{
    return reg[s][1] * b->align / sizeof(cl_int);
}

static size_t reg_first(const struct sb *b, int s)
{
    return reg[s][0] * b->align / sizeof(cl_int);
}

/* Reads the parent back; 1 if it holds b->ref. */
static int parent_matches(struct sb *b)
{
    CHECK(clEnqueueReadBuffer(b->t->queue, b->parent, CL_TRUE, 0, b->psize,
                              b->got, 0, NULL, NULL));
    return memcmp(b->ref, b->got, b->psize) == 0;
}

/* Creates the sub-buffers and checks their info and the parent's. */
static void create_subs(struct sb *b)
{
    size_t align = b->align;
    for (int s = 0; s < 3; s++) {
        b->sub[s] = sub_buffer(b->parent, 0, reg[s][0] * align,
                               reg[s][1] * align);
        if (!b->sub[s])
            continue;
        cl_mem assoc = NULL;
        size_t off = 1, size = 0;
        cl_mem_flags flags = 0;
        CHECK(clGetMemObjectInfo(b->sub[s], CL_MEM_ASSOCIATED_MEMOBJECT,
                                 sizeof assoc, &assoc, NULL));
        CHECK(clGetMemObjectInfo(b->sub[s], CL_MEM_OFFSET, sizeof off, &off,
                                 NULL));
        CHECK(clGetMemObjectInfo(b->sub[s], CL_MEM_SIZE, sizeof size, &size,
                                 NULL));
        CHECK(clGetMemObjectInfo(b->sub[s], CL_MEM_FLAGS, sizeof flags,
                                 &flags, NULL));
        /* Flags not given are inherited from the parent. */
        printf("sub-buffer %d: associated %s, offset %zu units, size %zu "
               "units, flags %s\n",
               s, assoc == b->parent ? "parent" : "WRONG", off / align,
               size / align,
               (flags & (CL_MEM_READ_WRITE | CL_MEM_READ_ONLY |
                         CL_MEM_WRITE_ONLY)) == CL_MEM_READ_WRITE
                   ? "READ_WRITE (inherited)"
                   : "WRONG");
        EXPECT(assoc == b->parent && off == reg[s][0] * align &&
                   size == reg[s][1] * align && (flags & CL_MEM_READ_WRITE),
               "sub-buffer %d info wrong", s);
    }
    cl_mem passoc = (cl_mem)1;
    size_t poff = 1;
    CHECK(clGetMemObjectInfo(b->parent, CL_MEM_ASSOCIATED_MEMOBJECT,
                             sizeof passoc, &passoc, NULL));
    CHECK(clGetMemObjectInfo(b->parent, CL_MEM_OFFSET, sizeof poff, &poff,
                             NULL));
    printf("parent: associated %s, offset %zu\n",
           passoc == NULL ? "NULL" : "WRONG", poff);
    EXPECT(passoc == NULL && poff == 0, "parent info wrong");
}

/* A kernel over each sub-buffer adds 1000 * (s + 1) to its region. */
static void kernels_over_subs(struct sb *b)
{
    for (int s = 0; s < 3; s++) {
        if (!b->sub[s])
            continue;
        cl_int v = 1000 * (s + 1);
        size_t gws = reg_ints(b, s);
        CHECK(clSetKernelArg(b->k, 0, sizeof b->sub[s], &b->sub[s]));
        CHECK(clSetKernelArg(b->k, 1, sizeof v, &v));
        CHECK(clEnqueueNDRangeKernel(b->t->queue, b->k, 1, NULL, &gws, NULL,
                                     0, NULL, NULL));
        size_t first = reg_first(b, s);
        for (size_t i = 0; i < gws; i++)
            b->ref[first + i] += v;
    }
    int ok = parent_matches(b);
    EXPECT(ok, "parent does not show the kernels' changes to sub-buffers");
    printf("kernels over sub-buffers, parent read back: %s, fnv %08x\n",
           ok ? "ok" : "BAD", (unsigned)cltest_fnv1a(b->got, b->psize));
}

/* Write through sub-buffer 1, read through the parent. */
static void write_sub_read_parent(struct sb *b)
{
    size_t n1 = reg_ints(b, 1);
    cl_int *w = malloc(n1 * sizeof *w);
    for (size_t i = 0; i < n1; i++)
        w[i] = -(cl_int)i;
    if (b->sub[1])
        CHECK(clEnqueueWriteBuffer(b->t->queue, b->sub[1], CL_TRUE, 0,
                                   n1 * sizeof *w, w, 0, NULL, NULL));
    memcpy(b->ref + reg_first(b, 1), w, n1 * sizeof *w);
    int ok = parent_matches(b);
    EXPECT(ok, "write through a sub-buffer not seen in the parent");
    printf("write sub-buffer, read parent: %s\n", ok ? "ok" : "BAD");
    free(w);
}

/* Reads sub-buffer 2; 1 if it holds its part of b->ref. */
static int sub2_matches(struct sb *b)
{
    size_t n2 = reg_ints(b, 2);
    cl_int *r2 = malloc(n2 * sizeof *r2);
    if (b->sub[2])
        CHECK(clEnqueueReadBuffer(b->t->queue, b->sub[2], CL_TRUE, 0,
                                  n2 * sizeof *r2, r2, 0, NULL, NULL));
    int ok = memcmp(b->ref + reg_first(b, 2), r2, n2 * sizeof *r2) == 0;
    free(r2);
    return ok;
}

/* Write through the parent, read through sub-buffer 2. */
static void write_parent_read_sub(struct sb *b)
{
    for (size_t i = 0; i < b->n; i++)
        b->ref[i] = (cl_int)(i * 3);
    CHECK(clEnqueueWriteBuffer(b->t->queue, b->parent, CL_TRUE, 0, b->psize,
                               b->ref, 0, NULL, NULL));
    int ok = sub2_matches(b);
    EXPECT(ok, "write through the parent not seen in a sub-buffer");
    printf("write parent, read sub-buffer: %s\n", ok ? "ok" : "BAD");
}

/* Map a sub-buffer, change it, read the parent. */
static void map_sub(struct sb *b)
{
    size_t align = b->align;
    cl_int err;
    cl_int *m = b->sub[0] ? clEnqueueMapBuffer(b->t->queue, b->sub[0], CL_TRUE,
                                               CL_MAP_READ | CL_MAP_WRITE,
                                               align, align, 0, NULL, NULL,
                                               &err)
                          : NULL;
    int ok;
    if (m && CHECK(err)) {
        size_t first = align / sizeof(cl_int);
        ok = 1;
        for (size_t i = 0; i < align / sizeof(cl_int); i++) {
            ok &= m[i] == b->ref[first + i];
            m[i] = 77;
            b->ref[first + i] = 77;
        }
        EXPECT(ok, "mapped sub-buffer shows wrong data");
        CHECK(clEnqueueUnmapMemObject(b->t->queue, b->sub[0], m, 0, NULL,
                                      NULL));
    }
    ok = parent_matches(b);
    EXPECT(ok, "changes through a mapped sub-buffer not seen in the parent");
    printf("map sub-buffer, read parent: %s\n", ok ? "ok" : "BAD");
}

/* A read-only sub-buffer of a read-write parent. */
static void read_only_sub(struct sb *b)
{
    cl_mem ro = sub_buffer(b->parent, CL_MEM_READ_ONLY, 2 * b->align,
                           b->align);
    if (ro) {
        cl_mem_flags flags = 0;
        CHECK(clGetMemObjectInfo(ro, CL_MEM_FLAGS, sizeof flags, &flags,
                                 NULL));
        printf("read-only sub-buffer: flags %s\n",
               flags & CL_MEM_READ_ONLY ? "READ_ONLY" : "WRONG");
        EXPECT(flags & CL_MEM_READ_ONLY, "CL_MEM_READ_ONLY not kept");
        CHECK(clReleaseMemObject(ro));
    }
}

/* The parent may be released before its sub-buffers. */
static void release_parent_first(struct sb *b)
{
    CHECK(clReleaseMemObject(b->parent));
    if (b->sub[2]) {
        int ok = sub2_matches(b);
        EXPECT(ok, "sub-buffer data lost after releasing the parent");
        printf("sub-buffer after parent release: %s\n", ok ? "ok" : "BAD");
    }
    for (int s = 0; s < 3; s++)
        if (b->sub[s])
            CHECK(clReleaseMemObject(b->sub[s]));
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
    struct sb b = {.t = &t, .k = k, .align = align, .psize = 64 * align};
    b.n = b.psize / sizeof(cl_int);
    b.ref = malloc(b.psize);
    b.got = malloc(b.psize);
    for (size_t i = 0; i < b.n; i++)
        b.ref[i] = (cl_int)i;
    b.parent = cltest_buffer(&t, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR,
                             b.psize, b.ref);

    create_subs(&b);
    kernels_over_subs(&b);
    write_sub_read_parent(&b);
    write_parent_read_sub(&b);
    map_sub(&b);
    read_only_sub(&b);
    release_parent_first(&b);

    free(b.ref);
    free(b.got);
    clReleaseKernel(k);
    clReleaseProgram(p);
    cltest_release(&t);
    return cltest_done("subbuf");
}
