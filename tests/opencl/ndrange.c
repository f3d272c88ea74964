/*
 * Kernel execution: vector add, SAXPY, tiled matrix multiply (checked against
 * a CPU reference), 1D/2D/3D ranges with global offsets and work-item
 * functions, a local-memory reduction, __constant arguments, scalar / vector /
 * struct / __local (NULL value) arguments, arguments captured at enqueue time,
 * and clEnqueueTask.
 *
 * Input values are small multiples of powers of two, so every float result is
 * exact whatever the evaluation order or FMA contraction: results can be
 * compared exactly and checksums are deterministic.
 */
#include "cltest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *src =
    "__kernel void vec_add(__global const float *a, __global const float *b,\n"
    "                      __global float *c)\n"
    "{\n"
    "    size_t i = get_global_id(0);\n"
    "    c[i] = a[i] + b[i];\n"
    "}\n"
    "\n"
    "__kernel void saxpy(float alpha, __global const float *x,\n"
    "                    __global float *y)\n"
    "{\n"
    "    size_t i = get_global_id(0);\n"
    "    y[i] = alpha * x[i] + y[i];\n"
    "}\n"
    "\n"
    "#define TILE 16\n"
    "__kernel void matmul(int n, __global const float *A,\n"
    "                     __global const float *B, __global float *C)\n"
    "{\n"
    "    __local float As[TILE][TILE], Bs[TILE][TILE];\n"
    "    int col = get_global_id(0), row = get_global_id(1);\n"
    "    int lx = get_local_id(0), ly = get_local_id(1);\n"
    "    float acc = 0.0f;\n"
    "    for (int t = 0; t < n; t += TILE) {\n"
    "        As[ly][lx] = A[row * n + t + lx];\n"
    "        Bs[ly][lx] = B[(t + ly) * n + col];\n"
    "        barrier(CLK_LOCAL_MEM_FENCE);\n"
    "        for (int k = 0; k < TILE; k++)\n"
    "            acc += As[ly][k] * Bs[k][lx];\n"
    "        barrier(CLK_LOCAL_MEM_FENCE);\n"
    "    }\n"
    "    C[row * n + col] = acc;\n"
    "}\n"
    "\n"
    "/* Records the work-item functions of each item, indexed relative to\n"
    " * the global offset. */\n"
    "__kernel void ids(__global int *out)\n"
    "{\n"
    "    size_t x = get_global_id(0) - get_global_offset(0);\n"
    "    size_t y = get_global_id(1) - get_global_offset(1);\n"
    "    size_t z = get_global_id(2) - get_global_offset(2);\n"
    "    size_t lin = (z * get_global_size(1) + y) * get_global_size(0) + x;\n"
    "    __global int *o = out + lin * 8;\n"
    "    o[0] = get_work_dim();\n"
    "    o[1] = get_global_id(0);\n"
    "    o[2] = get_global_id(1);\n"
    "    o[3] = get_global_id(2);\n"
    "    o[4] = get_local_id(0) + 100 * get_local_id(1)\n"
    "           + 10000 * get_local_id(2);\n"
    "    o[5] = get_group_id(0) + 100 * get_group_id(1)\n"
    "           + 10000 * get_group_id(2);\n"
    "    o[6] = get_num_groups(0) + 100 * get_num_groups(1)\n"
    "           + 10000 * get_num_groups(2);\n"
    "    o[7] = get_local_size(0) + 100 * get_local_size(1)\n"
    "           + 10000 * get_local_size(2);\n"
    "}\n"
    "\n"
    "__kernel void mark(__global int *out)\n"
    "{\n"
    "    out[get_global_id(0)] = get_global_id(0) + 1;\n"
    "}\n"
    "\n"
    "__kernel void reduce(__global const int *in, __global int *partial,\n"
    "                     __local int *scratch)\n"
    "{\n"
    "    size_t lid = get_local_id(0), lsz = get_local_size(0);\n"
    "    scratch[lid] = in[get_global_id(0)];\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    "    for (size_t s = lsz / 2; s > 0; s /= 2) {\n"
    "        if (lid < s)\n"
    "            scratch[lid] += scratch[lid + s];\n"
    "        barrier(CLK_LOCAL_MEM_FENCE);\n"
    "    }\n"
    "    if (lid == 0)\n"
    "        partial[get_group_id(0)] = scratch[0];\n"
    "}\n"
    "\n"
    "__kernel void poly(__global const float *x, __global float *y,\n"
    "                   __constant float *coef, int ncoef)\n"
    "{\n"
    "    size_t i = get_global_id(0);\n"
    "    float acc = 0.0f;\n"
    "    for (int k = ncoef - 1; k >= 0; k--)\n"
    "        acc = acc * x[i] + coef[k];\n"
    "    y[i] = acc;\n"
    "}\n"
    "\n"
    "__kernel void scalars(char c, short s, int i, long l, uint u, float f,\n"
    "                      float4 v, int2 w, __global long *ol,\n"
    "                      __global float *of)\n"
    "{\n"
    "    ol[0] = c; ol[1] = s; ol[2] = i; ol[3] = l; ol[4] = u;\n"
    "    ol[5] = w.x; ol[6] = w.y;\n"
    "    of[0] = f; of[1] = v.x; of[2] = v.y; of[3] = v.z; of[4] = v.w;\n"
    "}\n"
    "\n"
    "typedef struct { int a; float b; int c[2]; } params_t;\n"
    "__kernel void use_struct(params_t p, __global int *oi,\n"
    "                         __global float *of)\n"
    "{\n"
    "    oi[0] = p.a + p.c[0];\n"
    "    oi[1] = p.c[1] * 2;\n"
    "    of[0] = p.b * 4.0f;\n"
    "}\n"
    "\n"
    "__kernel void fill_value(__global int *out, int v)\n"
    "{\n"
    "    out[get_global_id(0)] = v;\n"
    "}\n"
    "\n"
    "__kernel void task_sum(__global const int *in, int n,\n"
    "                       __global int *out)\n"
    "{\n"
    "    int s = 0;\n"
    "    for (int i = 0; i < n; i++)\n"
    "        s += in[i] * (i % 3 == 0 ? -1 : 1);\n"
    "    *out = s;\n"
    "}\n";

/* Host copy of the kernel's struct: same member types, same layout. */
typedef struct {
    cl_int a;
    cl_float b;
    cl_int c[2];
} params_t;

static cl_mem buf(struct cltest *t, size_t size, const void *init)
{
    return cltest_buffer(t, CL_MEM_READ_WRITE |
                                (init ? CL_MEM_COPY_HOST_PTR : 0),
                         size, (void *)init);
}

static int read_buf(struct cltest *t, cl_mem b, size_t size, void *out)
{
    return CHECK(clEnqueueReadBuffer(t->queue, b, CL_TRUE, 0, size, out, 0,
                                     NULL, NULL));
}

static void vec_add_saxpy(struct cltest *t, cl_program p)
{
    enum { N = 1 << 20 };
    size_t bytes = N * sizeof(cl_float), gws = N;
    cl_float *a = malloc(bytes), *b = malloc(bytes), *c = malloc(bytes);
    for (int i = 0; i < N; i++) {
        a[i] = (cl_float)(i % 1000) * 0.5f;
        b[i] = (cl_float)(i % 777) * 0.25f - 50.0f;
    }
    cl_mem ba = buf(t, bytes, a), bb = buf(t, bytes, b), bc = buf(t, bytes, 0);
    cl_kernel k = cltest_kernel(p, "vec_add");
    /* A NULL local size lets the implementation choose. */
    CHECK(clSetKernelArg(k, 0, sizeof ba, &ba));
    CHECK(clSetKernelArg(k, 1, sizeof bb, &bb));
    CHECK(clSetKernelArg(k, 2, sizeof bc, &bc));
    CHECK(clEnqueueNDRangeKernel(t->queue, k, 1, NULL, &gws, NULL, 0, NULL,
                                 NULL));
    read_buf(t, bc, bytes, c);
    int ok = 1;
    double sum = 0;
    for (int i = 0; i < N; i++) {
        ok &= c[i] == a[i] + b[i];
        sum += c[i];
    }
    EXPECT(ok, "vec_add wrong");
    printf("vec_add 1M: %s, sum %.2f\n", ok ? "ok" : "BAD", sum);
    clReleaseKernel(k);

    /* y = 2.5 * a + b, in place in bb. */
    cl_float alpha = 2.5f;
    k = cltest_kernel(p, "saxpy");
    CHECK(clSetKernelArg(k, 0, sizeof alpha, &alpha));
    CHECK(clSetKernelArg(k, 1, sizeof ba, &ba));
    CHECK(clSetKernelArg(k, 2, sizeof bb, &bb));
    size_t lws = 64;
    CHECK(clEnqueueNDRangeKernel(t->queue, k, 1, NULL, &gws, &lws, 0, NULL,
                                 NULL));
    read_buf(t, bb, bytes, c);
    ok = 1;
    sum = 0;
    for (int i = 0; i < N; i++) {
        ok &= c[i] == alpha * a[i] + b[i];
        sum += c[i];
    }
    EXPECT(ok, "saxpy wrong");
    printf("saxpy 1M: %s, sum %.2f\n", ok ? "ok" : "BAD", sum);
    clReleaseKernel(k);
    clReleaseMemObject(ba);
    clReleaseMemObject(bb);
    clReleaseMemObject(bc);
    free(a);
    free(b);
    free(c);
}

static void matmul(struct cltest *t, cl_program p)
{
    enum { N = 256 };
    size_t bytes = N * N * sizeof(cl_float);
    cl_float *A = malloc(bytes), *B = malloc(bytes), *C = malloc(bytes);
    float *R = malloc(bytes);
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            A[i * N + j] = (cl_float)((i * 3 + j * 5) % 17 - 8) / 8.0f;
            B[i * N + j] = (cl_float)((i * 7 + j * 2) % 13 - 6) / 4.0f;
        }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            float acc = 0.0f;
            for (int k = 0; k < N; k++)
                acc += A[i * N + k] * B[k * N + j];
            R[i * N + j] = acc;
        }

    cl_mem bA = buf(t, bytes, A), bB = buf(t, bytes, B), bC = buf(t, bytes, 0);
    cl_kernel k = cltest_kernel(p, "matmul");
    cl_int n = N;
    size_t gws[2] = {N, N}, lws[2] = {16, 16};
    CHECK(clSetKernelArg(k, 0, sizeof n, &n));
    CHECK(clSetKernelArg(k, 1, sizeof bA, &bA));
    CHECK(clSetKernelArg(k, 2, sizeof bB, &bB));
    CHECK(clSetKernelArg(k, 3, sizeof bC, &bC));
    CHECK(clEnqueueNDRangeKernel(t->queue, k, 2, NULL, gws, lws, 0, NULL,
                                 NULL));
    memset(C, 0, bytes);
    read_buf(t, bC, bytes, C);
    int bad = 0;
    double sum = 0;
    for (int i = 0; i < N * N; i++) {
        if (fabsf(C[i] - R[i]) > 1e-3f * (1.0f + fabsf(R[i])))
            bad++;
        sum += C[i];
    }
    EXPECT(bad == 0, "matmul: %d elements outside tolerance", bad);
    printf("matmul 256x256: %s, checksum %.5f, fnv %08x\n",
           bad ? "BAD" : "within tolerance", sum,
           (unsigned)cltest_fnv1a(C, bytes));
    clReleaseKernel(k);
    clReleaseMemObject(bA);
    clReleaseMemObject(bB);
    clReleaseMemObject(bC);
    free(A);
    free(B);
    free(C);
    free(R);
}

/* Runs `ids` over one range and checks every work item's record. */
static void ids_case(struct cltest *t, cl_kernel k, cl_uint dim,
                     const size_t *off, const size_t *gws, const size_t *lws)
{
    size_t g[3] = {1, 1, 1}, l[3] = {1, 1, 1}, o[3] = {0, 0, 0};
    for (cl_uint d = 0; d < dim; d++) {
        g[d] = gws[d];
        l[d] = lws[d];
        o[d] = off ? off[d] : 0;
    }
    size_t items = g[0] * g[1] * g[2], bytes = items * 8 * sizeof(cl_int);
    cl_int *out = calloc(items * 8, sizeof(cl_int));
    cl_mem b = buf(t, bytes, NULL);
    CHECK(clSetKernelArg(k, 0, sizeof b, &b));
    CHECK(clEnqueueNDRangeKernel(t->queue, k, dim, off, gws, lws, 0, NULL,
                                 NULL));
    read_buf(t, b, bytes, out);

    int bad = 0;
    for (size_t z = 0; z < g[2]; z++)
        for (size_t y = 0; y < g[1]; y++)
            for (size_t x = 0; x < g[0]; x++) {
                const cl_int *r = out + ((z * g[1] + y) * g[0] + x) * 8;
                size_t id[3] = {x, y, z};
                cl_int want[8];
                want[0] = (cl_int)dim;
                want[4] = want[5] = 0;
                for (int d = 0, scale = 1; d < 3; d++, scale *= 100) {
                    want[1 + d] = (cl_int)(id[d] + o[d]);
                    want[4] += (cl_int)(id[d] % l[d]) * scale;
                    want[5] += (cl_int)(id[d] / l[d]) * scale;
                }
                want[6] = (cl_int)(g[0] / l[0] + 100 * (g[1] / l[1]) +
                                   10000 * (g[2] / l[2]));
                want[7] = (cl_int)(l[0] + 100 * l[1] + 10000 * l[2]);
                bad += memcmp(r, want, sizeof want) != 0;
            }
    EXPECT(bad == 0, "%uD range: %d work items with wrong ids", dim, bad);
    printf("%uD range global %zux%zux%zu local %zux%zux%zu offset %zu,%zu,%zu: "
           "%s\n",
           dim, g[0], g[1], g[2], l[0], l[1], l[2], o[0], o[1], o[2],
           bad ? "BAD" : "ok");
    clReleaseMemObject(b);
    free(out);
}

static void ranges(struct cltest *t, cl_program p)
{
    cl_kernel k = cltest_kernel(p, "ids");
    size_t g1[] = {64}, l1[] = {16};
    size_t o1[] = {100}, g1b[] = {48}, l1b[] = {8};
    size_t o2[] = {3, 5}, g2[] = {16, 8}, l2[] = {4, 2};
    size_t o3[] = {1, 2, 3}, g3[] = {8, 4, 6}, l3[] = {2, 2, 3};
    ids_case(t, k, 1, NULL, g1, l1);
    ids_case(t, k, 1, o1, g1b, l1b);
    ids_case(t, k, 2, NULL, g2, l2);
    ids_case(t, k, 2, o2, g2, l2);
    ids_case(t, k, 3, o3, g3, l3);
    clReleaseKernel(k);

    /* An offset range writes only its own part of the buffer. */
    enum { N = 200 };
    cl_int init[N], out[N];
    for (int i = 0; i < N; i++)
        init[i] = -1;
    cl_mem b = buf(t, sizeof init, init);
    k = cltest_kernel(p, "mark");
    size_t off = 100, gws = 50;
    CHECK(clSetKernelArg(k, 0, sizeof b, &b));
    CHECK(clEnqueueNDRangeKernel(t->queue, k, 1, &off, &gws, NULL, 0, NULL,
                                 NULL));
    read_buf(t, b, sizeof out, out);
    int ok = 1;
    for (int i = 0; i < N; i++)
        ok &= out[i] == (i >= 100 && i < 150 ? i + 1 : -1);
    EXPECT(ok, "offset range touched the wrong elements");
    printf("offset 100 size 50 in 200: %s\n", ok ? "ok" : "BAD");
    clReleaseKernel(k);
    clReleaseMemObject(b);
}

static void reduction(struct cltest *t, cl_program p)
{
    enum { N = 1 << 16, L = 64, G = N / L };
    cl_int *in = malloc(N * sizeof *in), partial[G];
    long long want = 0;
    for (int i = 0; i < N; i++) {
        in[i] = (i * 7) % 1000 - 500;
        want += in[i];
    }
    cl_mem bin = buf(t, N * sizeof *in, in), bp = buf(t, sizeof partial, 0);
    cl_kernel k = cltest_kernel(p, "reduce");
    size_t gws = N, lws = L;
    CHECK(clSetKernelArg(k, 0, sizeof bin, &bin));
    CHECK(clSetKernelArg(k, 1, sizeof bp, &bp));
    CHECK(clSetKernelArg(k, 2, L * sizeof(cl_int), NULL)); /* __local */
    CHECK(clEnqueueNDRangeKernel(t->queue, k, 1, NULL, &gws, &lws, 0, NULL,
                                 NULL));
    read_buf(t, bp, sizeof partial, partial);
    long long got = 0;
    int bad = 0;
    for (int g = 0; g < G; g++) {
        long long s = 0;
        for (int i = 0; i < L; i++)
            s += in[g * L + i];
        bad += partial[g] != s;
        got += partial[g];
    }
    EXPECT(bad == 0 && got == want, "reduction wrong");
    printf("local reduction of %d ints in groups of %d: sum %lld, %s\n", N, L,
           got, bad ? "BAD" : "ok");
    clReleaseKernel(k);
    clReleaseMemObject(bin);
    clReleaseMemObject(bp);
    free(in);
}

static void constant_arg(struct cltest *t, cl_program p)
{
    enum { N = 1024 };
    cl_float x[N], y[N];
    const cl_float coef[4] = {1.0f, -2.0f, 0.5f, 0.25f};
    for (int i = 0; i < N; i++)
        x[i] = (cl_float)(i % 128 - 64) / 16.0f;
    cl_mem bx = buf(t, sizeof x, x), by = buf(t, sizeof y, 0);
    cl_mem bc = cltest_buffer(t, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                              sizeof coef, (void *)coef);
    cl_int nc = 4;
    cl_kernel k = cltest_kernel(p, "poly");
    size_t gws = N;
    CHECK(clSetKernelArg(k, 0, sizeof bx, &bx));
    CHECK(clSetKernelArg(k, 1, sizeof by, &by));
    CHECK(clSetKernelArg(k, 2, sizeof bc, &bc));
    CHECK(clSetKernelArg(k, 3, sizeof nc, &nc));
    CHECK(clEnqueueNDRangeKernel(t->queue, k, 1, NULL, &gws, NULL, 0, NULL,
                                 NULL));
    read_buf(t, by, sizeof y, y);
    int ok = 1;
    double sum = 0;
    for (int i = 0; i < N; i++) {
        float v = x[i];
        ok &= y[i] == ((0.25f * v + 0.5f) * v - 2.0f) * v + 1.0f;
        sum += y[i];
    }
    EXPECT(ok, "__constant polynomial wrong");
    printf("__constant coefficients: %s, sum %.6f\n", ok ? "ok" : "BAD", sum);
    clReleaseKernel(k);
    clReleaseMemObject(bx);
    clReleaseMemObject(by);
    clReleaseMemObject(bc);
}

/* Scalars and vectors of several sizes. */
static void scalar_args(struct cltest *t, cl_program p)
{
    cl_char c = -5;
    cl_short s = -1234;
    cl_int i = 123456789;
    cl_long l = 0x123456789abLL;
    cl_uint u = 0xfffffff0u;
    cl_float f = 3.25f;
    cl_float4 v = {{1.5f, -2.5f, 3.5f, -4.5f}};
    cl_int2 w = {{-7, 77}};
    cl_long ol[7] = {0};
    cl_float of[5] = {0};
    cl_mem bl = buf(t, sizeof ol, 0), bf = buf(t, sizeof of, 0);
    cl_kernel k = cltest_kernel(p, "scalars");
    CHECK(clSetKernelArg(k, 0, sizeof c, &c));
    CHECK(clSetKernelArg(k, 1, sizeof s, &s));
    CHECK(clSetKernelArg(k, 2, sizeof i, &i));
    CHECK(clSetKernelArg(k, 3, sizeof l, &l));
    CHECK(clSetKernelArg(k, 4, sizeof u, &u));
    CHECK(clSetKernelArg(k, 5, sizeof f, &f));
    CHECK(clSetKernelArg(k, 6, sizeof v, &v));
    CHECK(clSetKernelArg(k, 7, sizeof w, &w));
    CHECK(clSetKernelArg(k, 8, sizeof bl, &bl));
    CHECK(clSetKernelArg(k, 9, sizeof bf, &bf));
    CHECK(clEnqueueTask(t->queue, k, 0, NULL, NULL));
    read_buf(t, bl, sizeof ol, ol);
    read_buf(t, bf, sizeof of, of);
    printf("scalar args: char %lld short %lld int %lld long %llx uint %llx "
           "int2 %lld,%lld float %.2f float4 %.2f,%.2f,%.2f,%.2f\n",
           (long long)ol[0], (long long)ol[1], (long long)ol[2],
           (long long)ol[3], (long long)ol[4], (long long)ol[5],
           (long long)ol[6], of[0], of[1], of[2], of[3], of[4]);
    EXPECT(ol[0] == c && ol[1] == s && ol[2] == i && ol[3] == l &&
               ol[4] == u && ol[5] == -7 && ol[6] == 77 && of[0] == f &&
               of[1] == v.s[0] && of[2] == v.s[1] && of[3] == v.s[2] &&
               of[4] == v.s[3],
           "scalar arguments arrived wrong");
    clReleaseKernel(k);
    clReleaseMemObject(bl);
    clReleaseMemObject(bf);
}

/* A struct passed by value. */
static void struct_arg(struct cltest *t, cl_program p)
{
    params_t prm = {40, 0.75f, {2, 21}};
    cl_int oi[2] = {0};
    cl_float sf[1] = {0};
    cl_mem bi = buf(t, sizeof oi, 0), bf = buf(t, sizeof sf, 0);
    cl_kernel k = cltest_kernel(p, "use_struct");
    CHECK(clSetKernelArg(k, 0, sizeof prm, &prm));
    CHECK(clSetKernelArg(k, 1, sizeof bi, &bi));
    CHECK(clSetKernelArg(k, 2, sizeof bf, &bf));
    CHECK(clEnqueueTask(t->queue, k, 0, NULL, NULL));
    read_buf(t, bi, sizeof oi, oi);
    read_buf(t, bf, sizeof sf, sf);
    printf("struct arg: %d %d %.2f\n", oi[0], oi[1], sf[0]);
    EXPECT(oi[0] == 42 && oi[1] == 42 && sf[0] == 3.0f,
           "struct argument arrived wrong");
    clReleaseKernel(k);
    clReleaseMemObject(bi);
    clReleaseMemObject(bf);
}

/* Arguments are captured at enqueue time: changing them afterwards must
 * not affect commands already enqueued. */
static void args_captured(struct cltest *t, cl_program p)
{
    enum { N = 256 };
    cl_int r1[N], r2[N];
    cl_mem b1 = buf(t, sizeof r1, 0), b2 = buf(t, sizeof r2, 0);
    cl_kernel k = cltest_kernel(p, "fill_value");
    size_t gws = N;
    cl_int val = 1;
    CHECK(clSetKernelArg(k, 0, sizeof b1, &b1));
    CHECK(clSetKernelArg(k, 1, sizeof val, &val));
    CHECK(clEnqueueNDRangeKernel(t->queue, k, 1, NULL, &gws, NULL, 0, NULL,
                                 NULL));
    val = 2;
    CHECK(clSetKernelArg(k, 0, sizeof b2, &b2));
    CHECK(clSetKernelArg(k, 1, sizeof val, &val));
    val = 3; /* the value was copied by clSetKernelArg */
    CHECK(clEnqueueNDRangeKernel(t->queue, k, 1, NULL, &gws, NULL, 0, NULL,
                                 NULL));
    read_buf(t, b1, sizeof r1, r1);
    read_buf(t, b2, sizeof r2, r2);
    int ok = 1;
    for (int j = 0; j < N; j++)
        ok &= r1[j] == 1 && r2[j] == 2;
    EXPECT(ok, "kernel arguments not captured at enqueue time");
    printf("args captured at enqueue: %s\n", ok ? "ok" : "BAD");
    clReleaseKernel(k);
    clReleaseMemObject(b1);
    clReleaseMemObject(b2);
}

static void arg_kinds(struct cltest *t, cl_program p)
{
    scalar_args(t, p);
    struct_arg(t, p);
    args_captured(t, p);
}

static void task(struct cltest *t, cl_program p)
{
    enum { N = 1000 };
    cl_int in[N], out = 0, want = 0;
    for (int i = 0; i < N; i++) {
        in[i] = i * i % 101;
        want += in[i] * (i % 3 == 0 ? -1 : 1);
    }
    cl_mem bin = buf(t, sizeof in, in), bout = buf(t, sizeof out, 0);
    cl_kernel k = cltest_kernel(p, "task_sum");
    cl_int n = N;
    CHECK(clSetKernelArg(k, 0, sizeof bin, &bin));
    CHECK(clSetKernelArg(k, 1, sizeof n, &n));
    CHECK(clSetKernelArg(k, 2, sizeof bout, &bout));
    CHECK(clEnqueueTask(t->queue, k, 0, NULL, NULL));
    read_buf(t, bout, sizeof out, &out);
    EXPECT(out == want, "task result %d, expected %d", out, want);
    printf("clEnqueueTask: result %d, %s\n", out, out == want ? "ok" : "BAD");
    clReleaseKernel(k);
    clReleaseMemObject(bin);
    clReleaseMemObject(bout);
}

int main(void)
{
    struct cltest t;
    if (cltest_init(&t, 0) != 0)
        return cltest_done("ndrange");
    cl_program p = cltest_build(&t, src, "");
    if (p) {
        vec_add_saxpy(&t, p);
        matmul(&t, p);
        ranges(&t, p);
        reduction(&t, p);
        constant_arg(&t, p);
        arg_kinds(&t, p);
        task(&t, p);
        clReleaseProgram(p);
    }
    cltest_release(&t);
    return cltest_done("ndrange");
}
