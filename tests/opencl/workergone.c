/*
 * A session whose worker died (here: a kernel that writes to a wild
 * address, which kills PoCL's process, the worker through AvA), through
 * AvA only: the call that finds the worker gone fails, and every later
 * call fails at once, not after a wait of its own (each one waited half a
 * second for a reply that could not come: CTS images 1Dbuffer, where PoCL
 * aborts, took a minute to fail its remaining subtests).
 *   scripts/ava-local -- workergone
 */
#include "cltest.h"

#include <stdio.h>
#include <time.h>

static const char *src =
    "__kernel void wild(ulong a) { *(__global volatile int *)a = 1; }\n";

static double now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

int main(void)
{
    struct cltest t;
    cl_program prog;
    cl_kernel k;
    cl_ulong addr = 16;
    const size_t one = 1;
    cl_int err;
    double t0;
    int i, failed = 0;

    if (cltest_init(&t, 0))
        return 1;
    if (!(prog = cltest_build(&t, src, NULL)) || !(k = cltest_kernel(prog, "wild")))
        return 1;
    CHECK(clSetKernelArg(k, 0, sizeof(addr), &addr));
    /* the worker dies running it; the call that finds out may be this or the finish */
    clEnqueueNDRangeKernel(t.queue, k, 1, NULL, &one, NULL, 0, NULL, NULL);
    err = clFinish(t.queue);
    EXPECT(err != CL_SUCCESS, "clFinish after the worker died returned CL_SUCCESS");
    printf("first call after the worker died: %s\n", cl_err_name(err));
    t0 = now_s();
    for (i = 0; i < 50; i++)
        failed += clFinish(t.queue) != CL_SUCCESS;
    EXPECT(failed == 50, "%d of 50 calls failed after the worker died", failed);
    EXPECT(now_s() - t0 < 2.0, "50 calls to a dead worker took %.1f s (each waited)", now_s() - t0);
    printf("50 more calls: %d failed, in %.3f s\n", failed, now_s() - t0);
    clReleaseKernel(k);     /* they fail too, and free what the guest library keeps */
    clReleaseProgram(prog);
    clReleaseCommandQueue(t.queue);
    clReleaseContext(t.context);
    printf("workergone: %s\n", cltest_failures ? "FAILED" : "PASS");
    return cltest_failures != 0;
}
