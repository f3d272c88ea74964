/*
 * Contexts created and released in loops, as the worker's context pool
 * (worker/opencl_ctx_pool.c) sees them: the same and different property
 * lists and creating functions, with and without pfn_notify, more keys
 * than the pool holds, destructor callbacks (each fires once, in reverse
 * order of registration, never again for a later context with the same
 * arguments), a context released while a buffer still holds it (a new
 * context is a fresh one, count 1), and refusals of invalid arguments
 * after pooled contexts.  (The ICD loader refuses clCreateContextFromType
 * with an empty property list: it finds no platform.)  Every context's answers are printed: reference
 * count, number of devices, property list.
 */
#undef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 300
#include "cltest.h"

#include <stdio.h>
#include <string.h>

#define LOOPS 25

static cl_platform_id platform;
static cl_device_id device;

/* The answers that must not change when a context is reused. */
static int describe(const char *what, cl_context ctx, int print)
{
    cl_context_properties props[16];
    cl_uint refs = 0, ndev = 0;
    size_t psize = 0, i;
    int ok = CHECK(clGetContextInfo(ctx, CL_CONTEXT_REFERENCE_COUNT, sizeof(refs), &refs, NULL)) &&
             CHECK(clGetContextInfo(ctx, CL_CONTEXT_NUM_DEVICES, sizeof(ndev), &ndev, NULL)) &&
             CHECK(clGetContextInfo(ctx, CL_CONTEXT_PROPERTIES, sizeof(props), props, &psize));

    if (!ok || !print)
        return ok ? (int)(refs * 1000 + ndev * 100 + psize / sizeof(props[0])) : -1;
    printf("%s: refcount %u, devices %u, properties", what, refs, ndev);
    for (i = 0; i < psize / sizeof(props[0]); i++) {
        if (props[i] == (cl_context_properties)platform)
            printf(" platform");
        else
            printf(" %#lx", (unsigned long)props[i]);
    }
    printf("\n");
    return (int)(refs * 1000 + ndev * 100 + psize / sizeof(props[0]));
}

static const cl_context_properties *props_of(int variant)
{
    static cl_context_properties v[3][5];

    v[1][0] = CL_CONTEXT_PLATFORM;
    v[1][1] = (cl_context_properties)platform;
    v[2][0] = CL_CONTEXT_INTEROP_USER_SYNC;
    v[2][1] = CL_TRUE;
    v[2][2] = CL_CONTEXT_PLATFORM;
    v[2][3] = (cl_context_properties)platform;
    return variant == 3 ? v[0] : variant ? v[variant] : NULL;	/* 3: the empty list */
}

static void CL_CALLBACK notify(const char *info, const void *priv, size_t cb, void *user)
{
    (void)info, (void)priv, (void)cb, (void)user;
}

static cl_context make(int variant, int from_type, int with_notify)
{
    static int user;
    cl_int err = CL_SUCCESS;
    cl_context ctx = from_type ? clCreateContextFromType(props_of(variant), CL_DEVICE_TYPE_ALL,
                                                         with_notify ? notify : NULL, with_notify ? &user : NULL, &err)
                               : clCreateContext(props_of(variant), 1, &device, with_notify ? notify : NULL,
                                                 with_notify ? &user : NULL, &err);

    return CHECK(err) ? ctx : NULL;
}

/* Each variant in a loop: the answers stay those of its first context. */
static void loops(void)
{
    static const char *names[] = { "no properties", "platform", "user sync + platform", "empty list" };
    char what[96];
    int variant, from_type, with_notify, i, first, now;

    for (variant = 0; variant < 4; variant++)
        for (from_type = 0; from_type < (variant == 3 ? 1 : 2); from_type++)
            for (with_notify = 0; with_notify < 2; with_notify++) {
                snprintf(what, sizeof(what), "%s, %s%s", names[variant],
                         from_type ? "from type" : "device list", with_notify ? ", pfn_notify" : "");
                first = -2;
                for (i = 0; i < LOOPS; i++) {
                    cl_context ctx = make(variant, from_type, with_notify);

                    if (!ctx)
                        break;
                    now = describe(what, ctx, i == 0);
                    if (i == 0)
                        first = now;
                    EXPECT(now == first, "%s, pair %d: answers changed (%d, first %d)", what, i, now, first);
                    CHECK(clReleaseContext(ctx));
                }
            }
}

/* More keys alive at once than the pool holds, released, then made again. */
static void many_keys(void)
{
    cl_context ctx[16];
    int round, i;

    for (round = 0; round < 3; round++) {
        for (i = 0; i < 16; i++)
            ctx[i] = make(i % 4, i % 4 != 3 && (i / 4) % 2, i >= 8 && i % 3 == 0);
        for (i = 0; i < 16; i++)
            if (ctx[i]) {
                describe("many keys", ctx[i], round == 2 && i % 5 == 0);
                CHECK(clReleaseContext(ctx[i]));
            }
    }
}

static void retained(void)
{
    cl_context ctx = make(1, 0, 0);

    if (!ctx)
        return;
    CHECK(clRetainContext(ctx));
    CHECK(clRetainContext(ctx));
    describe("2 retains", ctx, 1);
    CHECK(clReleaseContext(ctx));
    CHECK(clReleaseContext(ctx));
    describe("2 released", ctx, 1);
    CHECK(clReleaseContext(ctx));
    ctx = make(1, 0, 0);
    if (ctx) {
        describe("made again", ctx, 1);
        CHECK(clReleaseContext(ctx));
    }
}

static char fired[64];

static void CL_CALLBACK destroyed(cl_context ctx, void *tag)
{
    (void)ctx;
    strncat(fired, tag, sizeof(fired) - strlen(fired) - 1);
}

static void destructors(void)
{
    int i;

    for (i = 0; i < 3; i++) {
        cl_context ctx = make(1, 0, 0);

        if (!ctx)
            return;
        fired[0] = '\0';
        if (i < 2) {
            CHECK(clSetContextDestructorCallback(ctx, destroyed, "A"));
            CHECK(clSetContextDestructorCallback(ctx, destroyed, "B"));
        }
        describe("with destructor callbacks", ctx, i == 0);
        CHECK(clReleaseContext(ctx));
        printf("round %d: destructor callbacks fired: '%s'\n", i, fired);
    }
}

/* A buffer holds the context the program released: a new context is
 * another one.  (No destructor callback here: AvA's guest calls it at the
 * program's last release, the backend when the buffer lets go.) */
static void held_by_buffer(void)
{
    static const int data[4] = { 1, 2, 3, 4 };
    int back[4] = { 0 };
    cl_int err = CL_SUCCESS;
    cl_context ctx = make(1, 0, 0), again;
    cl_mem buf = ctx ? clCreateBuffer(ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, sizeof(data),
                                      (void *)data, &err) : NULL;
    cl_command_queue q;

    if (!CHECK(err) || !buf)
        return;
    describe("context with a buffer", ctx, 1);
    CHECK(clReleaseContext(ctx));
    again = make(1, 0, 0);
    if (again) {
        describe("new context while the buffer lives", again, 1);
        q = clCreateCommandQueueWithProperties(again, device, NULL, &err);
        if (CHECK(err)) {
            cl_mem b2 = clCreateBuffer(again, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, sizeof(data),
                                       (void *)data, &err);

            if (CHECK(err)) {
                CHECK(clEnqueueReadBuffer(q, b2, CL_TRUE, 0, sizeof(back), back, 0, NULL, NULL));
                printf("new context's buffer: %d %d %d %d\n", back[0], back[1], back[2], back[3]);
                describe("new context with a queue and a buffer", again, 1);
                CHECK(clReleaseMemObject(b2));
            }
            CHECK(clReleaseCommandQueue(q));
        }
        CHECK(clReleaseContext(again));
    }
    CHECK(clReleaseMemObject(buf));
}

/* Refusals stay the backend's after contexts were pooled. */
static void refusals(void)
{
    cl_context_properties bad_platform[] = { CL_CONTEXT_PLATFORM, (cl_context_properties)0x1234, 0 };
    cl_context_properties bad_key[] = { 0x7fff1234, 1, 0 };
    cl_context_properties twice[] = { CL_CONTEXT_PLATFORM, (cl_context_properties)platform,
                                      CL_CONTEXT_PLATFORM, (cl_context_properties)platform, 0 };
    int user = 0, i;
    cl_int err;
    cl_context ctx;

    for (i = 0; i < 2; i++) {
        ctx = clCreateContext(bad_platform, 1, &device, NULL, NULL, &err);
        printf("bad platform: %s%s\n", cl_err_name(err), ctx ? " (context)" : "");
        ctx = clCreateContext(bad_key, 1, &device, NULL, NULL, &err);
        printf("unknown property: %s%s\n", cl_err_name(err), ctx ? " (context)" : "");
        ctx = clCreateContext(twice, 1, &device, NULL, NULL, &err);
        printf("platform twice: %s%s\n", cl_err_name(err), ctx ? " (context)" : "");
        if (ctx)
            clReleaseContext(ctx);
        ctx = clCreateContext(props_of(1), 1, &device, NULL, &user, &err);
        printf("user_data without pfn_notify: %s%s\n", cl_err_name(err), ctx ? " (context)" : "");
        ctx = clCreateContext(props_of(1), 0, &device, NULL, NULL, &err);
        printf("no devices: %s%s\n", cl_err_name(err), ctx ? " (context)" : "");
    }
}

int main(void)
{
    struct cltest t;

    if (cltest_init(&t, 0))
        return 1;
    platform = t.platform;
    device = t.device;
    loops();
    many_keys();
    retained();
    destructors();
    held_by_buffer();
    refusals();
    cltest_release(&t);
    return cltest_done("ctxreuse");
}
