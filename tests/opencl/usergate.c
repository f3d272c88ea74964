/*
 * Transfers gated on a user event must not block: a non-blocking
 * clEnqueueWriteBuffer (and WriteBufferRect, WriteImage) waiting for a user
 * event returns at once, the user event is then set from the same thread
 * or from another one, and the program's data lands in the buffer; and
 * clWaitForEvents on gated commands returns once another thread sets the
 * user event (CTS events userevents_multithreaded); a non-blocking map
 * gated on a user event returns at once too (CTS events callbacks).
 * clFinish and blocking reads, writes and maps whose commands wait for a
 * user event that another thread sets return once it is set: the waiting
 * thread must not keep the setter out of the session.
 */
#include "cltest.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

enum { N = 1 << 16 };

struct setter {
    cl_event ev;
    cl_int err;
};

static void *set_status(void *arg)
{
    struct setter *s = arg;

    cltest_sleep_ms(50);
    s->err = clSetUserEventStatus(s->ev, CL_COMPLETE);
    return NULL;
}

/* One gated write; `threaded` sets the user event from another thread. */
static void gated_write(struct cltest *t, cl_mem buf, int threaded)
{
    static unsigned char data[N], back[N];
    cl_int err = CL_SUCCESS;
    cl_event user = clCreateUserEvent(t->context, &err), done = NULL;
    struct setter s = { user, CL_SUCCESS };
    pthread_t th;

    if (!CHECK(err))
        return;
    memset(data, threaded ? 0x5a : 0x3c, sizeof(data));
    CHECK(clEnqueueWriteBuffer(t->queue, buf, CL_FALSE, 0, N, data, 1, &user, &done));
    printf("gated write %s: status before set %s\n", threaded ? "threaded" : "same thread",
           done ? "not complete" : "none");
    if (threaded) {
        if (EXPECT(pthread_create(&th, NULL, set_status, &s) == 0, "pthread_create"))
            pthread_join(th, NULL);
    } else {
        s.err = clSetUserEventStatus(user, CL_COMPLETE);
    }
    CHECK(s.err);
    if (done) {
        CHECK(clWaitForEvents(1, &done));
        clReleaseEvent(done);
    }
    CHECK(clEnqueueReadBuffer(t->queue, buf, CL_TRUE, 0, N, back, 0, NULL, NULL));
    EXPECT(back[0] == (threaded ? 0x5a : 0x3c) && back[N - 1] == back[0], "gated write data");
    clReleaseEvent(user);
}

static void gated_rect_write(struct cltest *t, cl_mem buf)
{
    static unsigned char data[N], back[N];
    const size_t origin[3] = { 0, 0, 0 }, region[3] = { 256, 16, 1 };
    cl_int err = CL_SUCCESS;
    cl_event user = clCreateUserEvent(t->context, &err);

    if (!CHECK(err))
        return;
    memset(data, 0x77, sizeof(data));
    CHECK(clEnqueueWriteBufferRect(t->queue, buf, CL_FALSE, origin, origin, region, 256, 0, 256, 0,
                                   data, 1, &user, NULL));
    CHECK(clSetUserEventStatus(user, CL_COMPLETE));
    CHECK(clEnqueueReadBuffer(t->queue, buf, CL_TRUE, 0, 4096, back, 0, NULL, NULL));
    EXPECT(back[0] == 0x77 && back[4095] == 0x77, "gated rect write data");
    printf("gated rect write done\n");
    clReleaseEvent(user);
}

static void wait_for_other_thread(struct cltest *t, cl_mem buf)
{
    static unsigned char data[N];
    cl_int err = CL_SUCCESS;
    cl_event user = clCreateUserEvent(t->context, &err), ev[2] = { NULL, NULL };
    struct setter s = { user, CL_SUCCESS };
    pthread_t th;

    if (!CHECK(err))
        return;
    CHECK(clEnqueueMarkerWithWaitList(t->queue, 1, &user, &ev[0]));
    CHECK(clEnqueueReadBuffer(t->queue, buf, CL_FALSE, 0, N, data, 1, &user, &ev[1]));
    if (EXPECT(pthread_create(&th, NULL, set_status, &s) == 0, "pthread_create")) {
        CHECK(clWaitForEvents(2, ev));
        pthread_join(th, NULL);
    }
    CHECK(s.err);
    printf("clWaitForEvents while another thread sets the gate: done, data %s\n",
           data[0] == 0x77 ? "ok" : "WRONG");
    clReleaseEvent(ev[0]);
    clReleaseEvent(ev[1]);
    clReleaseEvent(user);
}

static void gated_map(struct cltest *t, cl_mem buf)
{
    cl_int err = CL_SUCCESS;
    cl_event user = clCreateUserEvent(t->context, &err), done = NULL;
    unsigned char *p;

    if (!CHECK(err))
        return;
    p = clEnqueueMapBuffer(t->queue, buf, CL_FALSE, CL_MAP_READ, 0, 4096, 1, &user, &done, &err);
    if (CHECK(err)) {
        CHECK(clSetUserEventStatus(user, CL_COMPLETE));
        CHECK(clWaitForEvents(1, &done));
        printf("gated map: data %s\n", p[0] == 0x77 && p[4095] == 0x77 ? "ok" : "WRONG");
        CHECK(clEnqueueUnmapMemObject(t->queue, buf, p, 0, NULL, NULL));
        CHECK(clFinish(t->queue));
        clReleaseEvent(done);
    }
    clReleaseEvent(user);
}

enum blocking_kind { FINISH, READ, WRITE, MAP, NKINDS };

static const char *const kind_name[NKINDS] = { "clFinish", "blocking read", "blocking write", "blocking map" };

/* One blocking call gated on a user event that another thread sets. */
static void blocking_gated(struct cltest *t, cl_mem buf, enum blocking_kind kind)
{
    static unsigned char data[N];
    cl_int err = CL_SUCCESS;
    cl_event user = clCreateUserEvent(t->context, &err);
    struct setter s = { user, CL_SUCCESS };
    unsigned char *p;
    pthread_t th;

    if (!CHECK(err))
        return;
    memset(data, 0x42, sizeof(data));
    if (kind == FINISH)
        CHECK(clEnqueueWriteBuffer(t->queue, buf, CL_FALSE, 0, N, data, 1, &user, NULL));
    if (!EXPECT(pthread_create(&th, NULL, set_status, &s) == 0, "pthread_create")) {
        clSetUserEventStatus(user, CL_COMPLETE);
        clReleaseEvent(user);
        return;
    }
    switch (kind) {
    case FINISH:
        CHECK(clFinish(t->queue));
        break;
    case READ:
        CHECK(clEnqueueReadBuffer(t->queue, buf, CL_TRUE, 0, N, data, 1, &user, NULL));
        break;
    case WRITE:
        CHECK(clEnqueueWriteBuffer(t->queue, buf, CL_TRUE, 0, N, data, 1, &user, NULL));
        break;
    default:
        p = clEnqueueMapBuffer(t->queue, buf, CL_TRUE, CL_MAP_READ, 0, N, 1, &user, NULL, &err);
        if (CHECK(err)) {
            EXPECT(p[0] == 0x42 && p[N - 1] == 0x42, "gated blocking map data");
            CHECK(clEnqueueUnmapMemObject(t->queue, buf, p, 0, NULL, NULL));
        }
    }
    pthread_join(th, NULL);
    CHECK(s.err);
    CHECK(clFinish(t->queue));
    printf("%s gated on a user event another thread sets: returned\n", kind_name[kind]);
    clReleaseEvent(user);
}

int main(void)
{
    struct cltest t;
    cl_mem buf;

    if (cltest_init(&t, 0))
        return 1;
    buf = cltest_buffer(&t, CL_MEM_READ_WRITE, N, NULL);
    if (buf) {
        gated_write(&t, buf, 0);
        gated_write(&t, buf, 1);
        gated_rect_write(&t, buf);
        wait_for_other_thread(&t, buf);
        gated_map(&t, buf);
        for (int k = FINISH; k < NKINDS; k++)
            blocking_gated(&t, buf, (enum blocking_kind)k);
        clReleaseMemObject(buf);
    }
    cltest_release(&t);
    return cltest_done("usergate");
}
