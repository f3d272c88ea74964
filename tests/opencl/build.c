/*
 * Programs and kernels: a failing build and its log, a good build from
 * several source strings with explicit lengths, program/build/kernel/argument/
 * work-group queries, clCreateKernelsInProgram, a build notification
 * callback, a binary round trip, and separate compilation with
 * clCompileProgram (with an embedded header) + clLinkProgram (via a library).
 */
#include "cltest.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The error is on line 3. */
static const char *broken_src =
    "__kernel void broken(__global int *out)\n"
    "{\n"
    "    out[get_global_id(0)] = undefined_symbol;\n"
    "}\n";

/* The good program is given as two strings: the first NUL-terminated, the
 * second with an explicit length that leaves out a garbage tail. */
static const char *good_src_1 =
    "__kernel void scale(__global float *restrict out,\n"
    "                    __global const float *in, float factor)\n"
    "{\n"
    "    size_t i = get_global_id(0);\n"
    "    out[i] = in[i] * factor;\n"
    "}\n";
#define GARBAGE_TAIL "this tail is not part of the program"
#define GARBAGE_TAIL_LEN (sizeof GARBAGE_TAIL - 1)
static const char *good_src_2 =
    "__kernel __attribute__((reqd_work_group_size(8, 1, 1)))\n"
    "void add_vec(__global volatile int *a, __constant int *b,\n"
    "             __local int *scratch, int n)\n"
    "{\n"
    "    size_t i = get_global_id(0);\n"
    "    scratch[get_local_id(0)] = b[i];\n"
    "    barrier(CLK_LOCAL_MEM_FENCE);\n"
    "    if (i < (size_t)n)\n"
    "        a[i] += scratch[get_local_id(0)];\n"
    "}\n"
    GARBAGE_TAIL;

static char *get_program_string(cl_program p, cl_program_info param)
{
    size_t len = 0;
    if (!CHECK(clGetProgramInfo(p, param, 0, NULL, &len)) || len == 0)
        return NULL;
    char *s = malloc(len);
    if (!CHECK(clGetProgramInfo(p, param, len, s, NULL))) {
        free(s);
        return NULL;
    }
    return s;
}

static char *get_build_log(cl_program p, cl_device_id dev)
{
    size_t len = 0;
    if (!CHECK(clGetProgramBuildInfo(p, dev, CL_PROGRAM_BUILD_LOG, 0, NULL,
                                     &len)) || len == 0)
        return NULL;
    char *s = malloc(len);
    if (!CHECK(clGetProgramBuildInfo(p, dev, CL_PROGRAM_BUILD_LOG, len, s,
                                     NULL))) {
        free(s);
        return NULL;
    }
    return s;
}

static const char *build_status_name(cl_build_status s)
{
    switch (s) {
    case CL_BUILD_NONE: return "CL_BUILD_NONE";
    case CL_BUILD_ERROR: return "CL_BUILD_ERROR";
    case CL_BUILD_SUCCESS: return "CL_BUILD_SUCCESS";
    case CL_BUILD_IN_PROGRESS: return "CL_BUILD_IN_PROGRESS";
    default: return "unknown";
    }
}

static const char *binary_type_name(cl_program_binary_type t)
{
    switch (t) {
    case CL_PROGRAM_BINARY_TYPE_NONE: return "NONE";
    case CL_PROGRAM_BINARY_TYPE_COMPILED_OBJECT: return "COMPILED_OBJECT";
    case CL_PROGRAM_BINARY_TYPE_LIBRARY: return "LIBRARY";
    case CL_PROGRAM_BINARY_TYPE_EXECUTABLE: return "EXECUTABLE";
    default: return "unknown";
    }
}

static cl_program_binary_type binary_type(struct cltest *t, cl_program p)
{
    cl_program_binary_type bt = 0;
    CHECK(clGetProgramBuildInfo(p, t->device, CL_PROGRAM_BINARY_TYPE,
                                sizeof bt, &bt, NULL));
    return bt;
}

static void broken_build(struct cltest *t)
{
    cl_int err;
    cl_program p = clCreateProgramWithSource(t->context, 1, &broken_src, NULL,
                                             &err);
    if (!CHECK(err))
        return;
    err = clBuildProgram(p, 1, &t->device, "", NULL, NULL);
    printf("broken build: %s\n", cl_err_name(err));
    EXPECT(err == CL_BUILD_PROGRAM_FAILURE, "broken build did not fail");

    cl_build_status st = CL_BUILD_NONE;
    CHECK(clGetProgramBuildInfo(p, t->device, CL_PROGRAM_BUILD_STATUS,
                                sizeof st, &st, NULL));
    printf("broken build status: %s\n", build_status_name(st));
    EXPECT(st == CL_BUILD_ERROR, "status is not CL_BUILD_ERROR");

    /* The log's wording and file name differ between compilers; check for
     * the identifier and the line number only. */
    char *log = get_build_log(p, t->device);
    int nonempty = log && log[0] != '\0';
    int ident = log && strstr(log, "undefined_symbol") != NULL;
    int line = log && strstr(log, ":3:") != NULL;
    printf("broken build log: %s, names undefined_symbol: %s, "
           "mentions line 3: %s\n",
           nonempty ? "non-empty" : "EMPTY", ident ? "yes" : "no",
           line ? "yes" : "no");
    EXPECT(nonempty && ident && line, "build log lacks the error");
    free(log);

    /* No kernel can be created from a program that failed to build. */
    cl_kernel k = clCreateKernel(p, "broken", &err);
    printf("clCreateKernel on failed build: %s\n", cl_err_name(err));
    EXPECT(err == CL_INVALID_PROGRAM_EXECUTABLE,
           "clCreateKernel on a failed build did not fail");
    if (k)
        clReleaseKernel(k);
    clReleaseProgram(p);
}

static atomic_int build_notified;

static void CL_CALLBACK build_notify(cl_program p, void *user_data)
{
    (void)p;
    atomic_fetch_add((atomic_int *)user_data, 1);
}

static cl_program good_build(struct cltest *t)
{
    cl_int err;
    const char *strings[2] = {good_src_1, good_src_2};
    size_t lengths[2] = {0, strlen(good_src_2) - GARBAGE_TAIL_LEN};
    cl_program p = clCreateProgramWithSource(t->context, 2, strings, lengths,
                                             &err);
    if (!CHECK(err))
        return NULL;

    /* The notification may come from another thread, possibly after
     * clBuildProgram has returned. */
    err = clBuildProgram(p, 1, &t->device, "-cl-kernel-arg-info", build_notify,
                         &build_notified);
    printf("good build: %s\n", cl_err_name(err));
    for (int i = 0; i < 500 && atomic_load(&build_notified) == 0; i++)
        cltest_sleep_ms(10);
    int notified = atomic_load(&build_notified);
    printf("build callback: %s\n", notified == 1 ? "invoked once" :
                                   notified == 0 ? "NOT invoked" :
                                                   "invoked more than once");
    EXPECT(notified == 1, "build callback invoked %d times", notified);
    if (!CHECK(err)) {
        clReleaseProgram(p);
        return NULL;
    }

    cl_build_status st = CL_BUILD_NONE;
    CHECK(clGetProgramBuildInfo(p, t->device, CL_PROGRAM_BUILD_STATUS,
                                sizeof st, &st, NULL));
    printf("good build status: %s, binary type %s\n", build_status_name(st),
           binary_type_name(binary_type(t, p)));
    EXPECT(st == CL_BUILD_SUCCESS, "status is not CL_BUILD_SUCCESS");

    char opts[64] = "";
    CHECK(clGetProgramBuildInfo(p, t->device, CL_PROGRAM_BUILD_OPTIONS,
                                sizeof opts, opts, NULL));
    printf("build options: \"%s\"\n", opts);
    EXPECT(strcmp(opts, "-cl-kernel-arg-info") == 0, "build options differ");
    return p;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void program_info(struct cltest *t, cl_program p)
{
    size_t nk = 0;
    cl_uint ndev = 0;
    cl_device_id dev = NULL;
    cl_context ctx = NULL;
    CHECK(clGetProgramInfo(p, CL_PROGRAM_NUM_KERNELS, sizeof nk, &nk, NULL));
    CHECK(clGetProgramInfo(p, CL_PROGRAM_NUM_DEVICES, sizeof ndev, &ndev,
                           NULL));
    CHECK(clGetProgramInfo(p, CL_PROGRAM_DEVICES, sizeof dev, &dev, NULL));
    CHECK(clGetProgramInfo(p, CL_PROGRAM_CONTEXT, sizeof ctx, &ctx, NULL));
    printf("program: %zu kernels, %u device(s), device %s, context %s\n", nk,
           ndev, dev == t->device ? "same" : "different",
           ctx == t->context ? "same" : "different");
    EXPECT(nk == 2 && ndev == 1 && dev == t->device && ctx == t->context,
           "program info wrong");

    /* Kernel names: ';'-separated in an implementation-defined order. */
    char *names = get_program_string(p, CL_PROGRAM_KERNEL_NAMES);
    if (names) {
        char *list[8];
        int n = 0;
        for (char *tok = strtok(names, ";"); tok && n < 8;
             tok = strtok(NULL, ";"))
            list[n++] = tok;
        qsort(list, n, sizeof list[0], cmp_str);
        printf("kernel names (sorted):");
        for (int i = 0; i < n; i++)
            printf(" %s", list[i]);
        printf("\n");
        EXPECT(n == 2 && strcmp(list[0], "add_vec") == 0 &&
                   strcmp(list[1], "scale") == 0,
               "kernel names wrong");
        free(names);
    }

    /* The source is the concatenation of the strings, without the tail. */
    char *src = get_program_string(p, CL_PROGRAM_SOURCE);
    size_t l1 = strlen(good_src_1), l2 = strlen(good_src_2) - GARBAGE_TAIL_LEN;
    int same = src && strlen(src) == l1 + l2 &&
               memcmp(src, good_src_1, l1) == 0 &&
               memcmp(src + l1, good_src_2, l2) == 0;
    printf("program source: %s, %zu bytes\n", same ? "matches" : "DIFFERS",
           src ? strlen(src) : (size_t)0);
    EXPECT(same, "CL_PROGRAM_SOURCE differs");
    free(src);
}

static const char *addr_name(cl_kernel_arg_address_qualifier q)
{
    switch (q) {
    case CL_KERNEL_ARG_ADDRESS_GLOBAL: return "global";
    case CL_KERNEL_ARG_ADDRESS_LOCAL: return "local";
    case CL_KERNEL_ARG_ADDRESS_CONSTANT: return "constant";
    case CL_KERNEL_ARG_ADDRESS_PRIVATE: return "private";
    default: return "unknown";
    }
}

static const char *access_name(cl_kernel_arg_access_qualifier q)
{
    switch (q) {
    case CL_KERNEL_ARG_ACCESS_READ_ONLY: return "read_only";
    case CL_KERNEL_ARG_ACCESS_WRITE_ONLY: return "write_only";
    case CL_KERNEL_ARG_ACCESS_READ_WRITE: return "read_write";
    case CL_KERNEL_ARG_ACCESS_NONE: return "none";
    default: return "unknown";
    }
}

static void print_kernel_args(cl_kernel k)
{
    cl_uint nargs = 0;
    CHECK(clGetKernelInfo(k, CL_KERNEL_NUM_ARGS, sizeof nargs, &nargs, NULL));
    for (cl_uint a = 0; a < nargs; a++) {
        char name[64] = "", type[64] = "";
        cl_kernel_arg_address_qualifier aq = 0;
        cl_kernel_arg_access_qualifier acc = 0;
        cl_kernel_arg_type_qualifier tq = 0;
        CHECK(clGetKernelArgInfo(k, a, CL_KERNEL_ARG_NAME, sizeof name, name,
                                 NULL));
        CHECK(clGetKernelArgInfo(k, a, CL_KERNEL_ARG_TYPE_NAME, sizeof type,
                                 type, NULL));
        CHECK(clGetKernelArgInfo(k, a, CL_KERNEL_ARG_ADDRESS_QUALIFIER,
                                 sizeof aq, &aq, NULL));
        CHECK(clGetKernelArgInfo(k, a, CL_KERNEL_ARG_ACCESS_QUALIFIER,
                                 sizeof acc, &acc, NULL));
        CHECK(clGetKernelArgInfo(k, a, CL_KERNEL_ARG_TYPE_QUALIFIER,
                                 sizeof tq, &tq, NULL));
        printf("  arg %u: %s %s, address %s, access %s, qualifiers%s%s%s%s\n",
               a, type, name, addr_name(aq), access_name(acc),
               tq & CL_KERNEL_ARG_TYPE_CONST ? " const" : "",
               tq & CL_KERNEL_ARG_TYPE_RESTRICT ? " restrict" : "",
               tq & CL_KERNEL_ARG_TYPE_VOLATILE ? " volatile" : "",
               tq == CL_KERNEL_ARG_TYPE_NONE ? " none" : "");
    }
}

static void kernel_info(struct cltest *t, cl_program p)
{
    cl_uint n = 0;
    CHECK(clCreateKernelsInProgram(p, 0, NULL, &n));
    printf("clCreateKernelsInProgram count: %u\n", n);
    if (!EXPECT(n == 2, "expected 2 kernels"))
        return;
    cl_kernel ks[2];
    if (!CHECK(clCreateKernelsInProgram(p, 2, ks, NULL)))
        return;

    /* Print them in name order; the creation order is not specified. */
    char names[2][32] = {"", ""};
    for (int i = 0; i < 2; i++)
        CHECK(clGetKernelInfo(ks[i], CL_KERNEL_FUNCTION_NAME, sizeof names[i],
                              names[i], NULL));
    if (strcmp(names[0], names[1]) > 0) {
        cl_kernel tk = ks[0];
        ks[0] = ks[1];
        ks[1] = tk;
    }

    size_t dev_max_wg = cltest_device_size(t, CL_DEVICE_MAX_WORK_GROUP_SIZE);
    for (int i = 0; i < 2; i++) {
        char name[32] = "";
        cl_uint nargs = 0;
        cl_program kp = NULL;
        cl_context kc = NULL;
        CHECK(clGetKernelInfo(ks[i], CL_KERNEL_FUNCTION_NAME, sizeof name,
                              name, NULL));
        CHECK(clGetKernelInfo(ks[i], CL_KERNEL_NUM_ARGS, sizeof nargs, &nargs,
                              NULL));
        CHECK(clGetKernelInfo(ks[i], CL_KERNEL_PROGRAM, sizeof kp, &kp, NULL));
        CHECK(clGetKernelInfo(ks[i], CL_KERNEL_CONTEXT, sizeof kc, &kc, NULL));
        printf("kernel %s: %u args, program %s, context %s\n", name, nargs,
               kp == p ? "same" : "different",
               kc == t->context ? "same" : "different");
        EXPECT(kp == p && kc == t->context, "kernel program/context wrong");
        print_kernel_args(ks[i]);

        size_t wg = 0, pref = 0, reqd[3] = {9, 9, 9};
        cl_ulong lmem = 0, pmem = 0;
        CHECK(clGetKernelWorkGroupInfo(ks[i], t->device,
                                       CL_KERNEL_WORK_GROUP_SIZE, sizeof wg,
                                       &wg, NULL));
        CHECK(clGetKernelWorkGroupInfo(ks[i], t->device,
                                       CL_KERNEL_COMPILE_WORK_GROUP_SIZE,
                                       sizeof reqd, reqd, NULL));
        CHECK(clGetKernelWorkGroupInfo(
            ks[i], t->device, CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE,
            sizeof pref, &pref, NULL));
        CHECK(clGetKernelWorkGroupInfo(ks[i], t->device,
                                       CL_KERNEL_LOCAL_MEM_SIZE, sizeof lmem,
                                       &lmem, NULL));
        CHECK(clGetKernelWorkGroupInfo(ks[i], t->device,
                                       CL_KERNEL_PRIVATE_MEM_SIZE, sizeof pmem,
                                       &pmem, NULL));
        /* Sizes are device-specific: print only whether they are sane. */
        int wg_ok = wg >= 1 && wg <= dev_max_wg;
        printf("  work group size in [1, device max]: %s, preferred multiple "
               ">= 1: %s, compile work group size %zu %zu %zu\n",
               wg_ok ? "yes" : "no", pref >= 1 ? "yes" : "no", reqd[0],
               reqd[1], reqd[2]);
        EXPECT(wg_ok && pref >= 1, "work group info out of range");
    }
    for (int i = 0; i < 2; i++)
        CHECK(clReleaseKernel(ks[i]));
}

/* Runs scale(out, in, 2.5) over 1024 floats and checks the result. */
static int run_scale(struct cltest *t, cl_program p)
{
    enum { N = 1024 };
    cl_float in[N], out[N];
    for (int i = 0; i < N; i++)
        in[i] = (cl_float)(i - 300) * 0.25f;
    cl_kernel k = cltest_kernel(p, "scale");
    cl_mem bin = cltest_buffer(t, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                               sizeof in, in);
    cl_mem bout = cltest_buffer(t, CL_MEM_WRITE_ONLY, sizeof out, NULL);
    cl_float factor = 2.5f;
    size_t gws = N;
    int ok = 0;
    if (k && bin && bout && CHECK(clSetKernelArg(k, 0, sizeof bout, &bout)) &&
        CHECK(clSetKernelArg(k, 1, sizeof bin, &bin)) &&
        CHECK(clSetKernelArg(k, 2, sizeof factor, &factor)) &&
        CHECK(clEnqueueNDRangeKernel(t->queue, k, 1, NULL, &gws, NULL, 0,
                                     NULL, NULL)) &&
        CHECK(clEnqueueReadBuffer(t->queue, bout, CL_TRUE, 0, sizeof out, out,
                                  0, NULL, NULL))) {
        ok = 1;
        for (int i = 0; i < N; i++)
            ok &= out[i] == in[i] * 2.5f; /* exact: multiples of 1/8 */
    }
    if (bin)
        clReleaseMemObject(bin);
    if (bout)
        clReleaseMemObject(bout);
    if (k)
        clReleaseKernel(k);
    return ok;
}

static void binary_round_trip(struct cltest *t, cl_program p)
{
    size_t size = 0;
    CHECK(clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof size, &size,
                           NULL));
    if (!EXPECT(size > 0, "binary size is 0"))
        return;
    unsigned char *bin = malloc(size);
    unsigned char *bins[1] = {bin};
    if (!CHECK(clGetProgramInfo(p, CL_PROGRAM_BINARIES, sizeof bins, bins,
                                NULL))) {
        free(bin);
        return;
    }

    cl_int err, status = -1;
    const unsigned char *cbin = bin;
    cl_program bp = clCreateProgramWithBinary(t->context, 1, &t->device, &size,
                                              &cbin, &status, &err);
    printf("binary program: create %s, binary status %s\n", cl_err_name(err),
           cl_err_name(status));
    if (CHECK(err)) {
        EXPECT(status == CL_SUCCESS, "binary status not CL_SUCCESS");
        if (CHECK(clBuildProgram(bp, 1, &t->device, "", NULL, NULL))) {
            int ok = run_scale(t, bp);
            EXPECT(ok, "kernel from binary computed wrong results");
            printf("binary program: build ok, binary type %s, scale %s\n",
                   binary_type_name(binary_type(t, bp)), ok ? "ok" : "BAD");
        }
        clReleaseProgram(bp);
    }
    free(bin);
}

/* Runs use_triple of the linked program and checks its results. */
static void run_triple(struct cltest *t, cl_program exe)
{
    enum { N = 256 };
    cl_int data[N];
    for (int i = 0; i < N; i++)
        data[i] = i - 100;
    cl_kernel k = cltest_kernel(exe, "use_triple");
    cl_mem b = cltest_buffer(t, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR,
                             sizeof data, data);
    size_t gws = N;
    int ok = 0;
    if (k && b && CHECK(clSetKernelArg(k, 0, sizeof b, &b)) &&
        CHECK(clEnqueueNDRangeKernel(t->queue, k, 1, NULL, &gws, NULL, 0, NULL,
                                     NULL)) &&
        CHECK(clEnqueueReadBuffer(t->queue, b, CL_TRUE, 0, sizeof data, data,
                                  0, NULL, NULL))) {
        ok = 1;
        for (int i = 0; i < N; i++)
            ok &= data[i] == (i - 100) * 3 + 1;
    }
    EXPECT(ok, "linked kernel computed wrong results");
    printf("linked kernel: %s\n", ok ? "ok" : "BAD");
    if (b)
        clReleaseMemObject(b);
    if (k)
        clReleaseKernel(k);
}

static void compile_and_link(struct cltest *t)
{
    static const char *header_src = "#define FACTOR 3\n";
    static const char *lib_src =
        "#include \"factor.h\"\n"
        "int triple(int x) { return x * FACTOR; }\n";
    static const char *main_src =
        "int triple(int x);\n"
        "__kernel void use_triple(__global int *a)\n"
        "{\n"
        "    size_t i = get_global_id(0);\n"
        "    a[i] = triple(a[i]) + 1;\n"
        "}\n";
    cl_int err;
    cl_program hdr = NULL, lib = NULL, mainp = NULL, library = NULL, exe = NULL;

    hdr = clCreateProgramWithSource(t->context, 1, &header_src, NULL, &err);
    CHECK(err);
    lib = clCreateProgramWithSource(t->context, 1, &lib_src, NULL, &err);
    CHECK(err);
    mainp = clCreateProgramWithSource(t->context, 1, &main_src, NULL, &err);
    CHECK(err);
    if (!hdr || !lib || !mainp)
        goto out;

    const char *hdr_name = "factor.h";
    if (!CHECK(clCompileProgram(lib, 1, &t->device, "", 1, &hdr, &hdr_name,
                                NULL, NULL)) ||
        !CHECK(clCompileProgram(mainp, 1, &t->device, "", 0, NULL, NULL, NULL,
                                NULL)))
        goto out;
    printf("compiled: lib %s, main %s\n",
           binary_type_name(binary_type(t, lib)),
           binary_type_name(binary_type(t, mainp)));

    library = clLinkProgram(t->context, 1, &t->device, "-create-library", 1,
                            &lib, NULL, NULL, &err);
    if (!CHECK(err))
        goto out;
    printf("library: %s\n", binary_type_name(binary_type(t, library)));

    cl_program inputs[2] = {mainp, library};
    exe = clLinkProgram(t->context, 1, &t->device, "", 2, inputs, NULL, NULL,
                        &err);
    if (!CHECK(err))
        goto out;
    printf("linked: %s\n", binary_type_name(binary_type(t, exe)));

    run_triple(t, exe);
out:
    if (exe)
        clReleaseProgram(exe);
    if (library)
        clReleaseProgram(library);
    if (mainp)
        clReleaseProgram(mainp);
    if (lib)
        clReleaseProgram(lib);
    if (hdr)
        clReleaseProgram(hdr);
}

/* CL_PROGRAM_BUILD_OPTIONS are the options given, whatever AvA adds (CTS
 * compiler get_program_build_info). */
static void options_as_given(struct cltest *t)
{
    static const char *const given[] = { "-cl-opt-disable", "" };

    for (int i = 0; i < 2; i++) {
        cl_program p = cltest_build(t, good_src_1, given[i]);
        char opts[64] = "";
        size_t n = 0;

        if (!p)
            continue;
        CHECK(clGetProgramBuildInfo(p, t->device, CL_PROGRAM_BUILD_OPTIONS, 0, NULL, &n));
        CHECK(clGetProgramBuildInfo(p, t->device, CL_PROGRAM_BUILD_OPTIONS, sizeof opts, opts, NULL));
        printf("built with \"%s\": options \"%s\" (%zu bytes)\n", given[i], opts, n);
        EXPECT(strcmp(opts, given[i]) == 0 && n == strlen(given[i]) + 1, "build options differ");
        clReleaseProgram(p);
    }
}

int main(void)
{
    struct cltest t;
    if (cltest_init(&t, 0) != 0)
        return cltest_done("build");
    broken_build(&t);
    cl_program p = good_build(&t);
    if (p) {
        program_info(&t, p);
        kernel_info(&t, p);
        int ok = run_scale(&t, p);
        EXPECT(ok, "scale computed wrong results");
        printf("scale from source: %s\n", ok ? "ok" : "BAD");
        binary_round_trip(&t, p);
        CHECK(clRetainProgram(p));
        CHECK(clReleaseProgram(p));
        CHECK(clReleaseProgram(p));
    }
    compile_and_link(&t);
    options_as_given(&t);
    CHECK(clUnloadPlatformCompiler(t.platform));
    cltest_release(&t);
    return cltest_done("build");
}
