/*
 * Many large non-blocking transfers queued behind one user event at once,
 * as CTS events callbacks_simultaneous does (about 340 MiB there): the
 * worker keeps a copy of each write's data and each read's staging until
 * the command runs, under a bound per worker (worker/worker_staging.h).
 * With a bound of 256 MiB the transfers past it were refused after the
 * call had returned CL_SUCCESS, and the event it handed out was unknown
 * to the worker (clSetEventCallback: CL_INVALID_EVENT).  Here 384 MiB are
 * queued: every event takes its callbacks, and the data arrives.  Through
 * AvA only (tests/run): it needs more memory than the VM suite's guest has.
 *   scripts/ava-local -- gatedbulk
 */
#include "cltest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MIB = 1 << 20, LEN = 64 * MIB, NWRITE = 4, NREAD = 2, NCMD = NWRITE + NREAD };

static int callbacks;	/* CL_COMPLETE callbacks seen, from PoCL's or AvA's thread */

static void CL_CALLBACK on_complete(cl_event ev, cl_int status, void *data)
{
    (void)ev;
    (void)data;
    if (status == CL_COMPLETE)
        __atomic_fetch_add(&callbacks, 1, __ATOMIC_RELAXED);
}

int main(void)
{
    struct cltest t;
    cl_mem buf[NCMD];
    cl_event done[NCMD] = { 0 }, gate;
    unsigned char *host[NCMD];
    cl_int err = CL_SUCCESS;
    int i, ok = 1;

    if (cltest_init(&t, 0))
        return 1;
    for (i = 0; i < NCMD; i++) {
        /* written from host[i]; the others are read into host[i] from their own pattern */
        if (!(host[i] = malloc(LEN)))
            return 1;
        memset(host[i], i < NWRITE ? 0x10 + i : 0x40 + i, LEN);
        buf[i] = cltest_buffer(&t, CL_MEM_READ_WRITE | (i < NWRITE ? 0 : CL_MEM_COPY_HOST_PTR), LEN,
                               i < NWRITE ? NULL : host[i]);
        if (!buf[i])
            return 1;
        if (i >= NWRITE)
            memset(host[i], 0, LEN);
    }
    gate = clCreateUserEvent(t.context, &err);
    if (!CHECK(err))
        return 1;
    for (i = 0; i < NCMD; i++) {
        if (i < NWRITE)
            err = clEnqueueWriteBuffer(t.queue, buf[i], CL_FALSE, 0, LEN, host[i], 1, &gate, &done[i]);
        else
            err = clEnqueueReadBuffer(t.queue, buf[i], CL_FALSE, 0, LEN, host[i], 1, &gate, &done[i]);
        ok &= CHECK(err);
        if (done[i])
            ok &= CHECK(clSetEventCallback(done[i], CL_COMPLETE, on_complete, NULL));
    }
    printf("%d transfers of %d MiB queued behind a user event\n", NCMD, LEN / MIB);
    CHECK(clSetUserEventStatus(gate, CL_COMPLETE));
    if (ok)
        CHECK(clWaitForEvents(NCMD, done));
    CHECK(clFinish(t.queue));
    for (i = 0; i < 100 && __atomic_load_n(&callbacks, __ATOMIC_RELAXED) < NCMD; i++)
        cltest_sleep_ms(20);
    EXPECT(callbacks == NCMD, "%d of %d completion callbacks", callbacks, NCMD);
    for (i = 0; i < NCMD; i++) {
        unsigned char want = (unsigned char)(i < NWRITE ? 0x10 + i : 0x40 + i), first = 0, last = 0;

        if (i < NWRITE) {
            CHECK(clEnqueueReadBuffer(t.queue, buf[i], CL_TRUE, 0, 1, &first, 0, NULL, NULL));
            CHECK(clEnqueueReadBuffer(t.queue, buf[i], CL_TRUE, LEN - 1, 1, &last, 0, NULL, NULL));
        } else {
            first = host[i][0];
            last = host[i][LEN - 1];
        }
        EXPECT(first == want && last == want, "transfer %d: 0x%02x..0x%02x, expected 0x%02x", i, first, last,
               want);
        if (done[i])
            clReleaseEvent(done[i]);
        clReleaseMemObject(buf[i]);
        free(host[i]);
    }
    printf("%d of %d callbacks, data as written\n", callbacks, NCMD);
    clReleaseEvent(gate);
    cltest_release(&t);
    return cltest_done("gatedbulk");
}
