/*
 * The device-memory quota of the local transport, through AvA only:
 *   scripts/ava-local --mem-quota 67108864 --status FILE -- memquota 67108864
 * The device reports the quota as its memory; buffers and images past it
 * fail with CL_MEM_OBJECT_ALLOCATION_FAILURE (charged at the size asked
 * for, whatever the backend allocates); a release gives room back; and a
 * session killed while it holds memory gives it all back (ava-hostd's
 * status file, AVA_HOSTD_STATUS).  "memquota --hold BYTES" is that session.
 * In a VM (no AVA_HOSTD_STATUS: tests/vm/suite-e2e sets the instance's
 * mem_quota_bytes and reads its mem_used_bytes) it first waits for the
 * device to report the quota, and leaves the usage to the host to check.
 */
#include "cltest.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MIB (1024ull * 1024)

static cl_mem buffer(struct cltest *t, size_t size, cl_int *err)
{
    return clCreateBuffer(t->context, CL_MEM_READ_WRITE, size, NULL, err);
}

/* mem_used_bytes from the status file; (uint64_t)-1 if unreadable. */
static uint64_t status_used(void)
{
    const char *path = getenv("AVA_HOSTD_STATUS");
    unsigned long long v = (unsigned long long)-1;
    char line[256];
    FILE *f = path ? fopen(path, "r") : NULL;

    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "mem_used_bytes %llu", &v) == 1)
            break;
    if (f)
        fclose(f);
    return v;
}

/* Waits up to 10 s for the status file to show `want` bytes used. */
static int used_becomes(uint64_t want)
{
    int i;

    if (!getenv("AVA_HOSTD_STATUS"))
        return 1; /* the host checks it */
    for (i = 0; i < 200 && status_used() != want; i++)
        cltest_sleep_ms(50);
    return EXPECT(status_used() == want, "mem_used_bytes %llu, want %llu",
                  (unsigned long long)status_used(), (unsigned long long)want);
}

static void queries(struct cltest *t, uint64_t quota)
{
    cl_ulong global = cltest_device_ulong(t, CL_DEVICE_GLOBAL_MEM_SIZE);
    cl_ulong max_alloc;
    int i;

    /* in a VM, the host sets the quota when the guest says it is ready */
    for (i = 0; i < 600 && global != quota && !getenv("AVA_HOSTD_STATUS"); i++) {
        cltest_sleep_ms(100);
        global = cltest_device_ulong(t, CL_DEVICE_GLOBAL_MEM_SIZE);
    }
    max_alloc = cltest_device_ulong(t, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
    EXPECT(global == quota, "CL_DEVICE_GLOBAL_MEM_SIZE %llu, not the quota",
           (unsigned long long)global);
    EXPECT(max_alloc && max_alloc <= quota, "CL_DEVICE_MAX_MEM_ALLOC_SIZE %llu above the quota",
           (unsigned long long)max_alloc);
    printf("device memory: the quota\n");
}

/* Fills the quota with buffers and an image, then past it. */
static void fill(struct cltest *t, uint64_t quota)
{
    size_t part = (size_t)(quota / 4), i;
    cl_image_format fmt = {CL_RGBA, CL_UNSIGNED_INT8};
    cl_image_desc desc = {0};
    cl_mem b[4] = {NULL}, img, over;
    cl_int err;

    for (i = 0; i < 3; i++) {
        b[i] = buffer(t, part, &err);
        CHECK(err);
    }
    over = buffer(t, part + 1, &err);
    EXPECT(!over && err == CL_MEM_OBJECT_ALLOCATION_FAILURE, "past the quota: %s", cl_err_name(err));
    used_becomes(3 * part);
    /* a quarter as an image: width * height * 4 bytes */
    desc.image_type = CL_MEM_OBJECT_IMAGE2D;
    desc.image_width = 1024;
    desc.image_height = part / 4096;
    img = clCreateImage(t->context, CL_MEM_READ_WRITE, &fmt, &desc, NULL, &err);
    CHECK(err);
    over = buffer(t, 1, &err);
    EXPECT(!over && err == CL_MEM_OBJECT_ALLOCATION_FAILURE, "full quota, 1 byte: %s", cl_err_name(err));
    printf("past the quota: %s\n", cl_err_name(err));
    CHECK(clReleaseMemObject(b[0]));
    b[0] = buffer(t, part, &err);
    EXPECT(err == CL_SUCCESS, "after a release: %s", cl_err_name(err));
    printf("after a release: %s\n", cl_err_name(err));
    for (i = 0; i < 3; i++)
        if (b[i])
            clReleaseMemObject(b[i]);
    if (img)
        clReleaseMemObject(img);
    used_becomes(0);
}

/* Another session holds memory and is killed: the memory comes back. */
static void killed_session(const char *self, uint64_t quota)
{
    char arg[32], got[8] = "";
    int pfd[2];
    pid_t pid;
    FILE *f;

    snprintf(arg, sizeof(arg), "%llu", (unsigned long long)(quota / 2));
    if (pipe(pfd))
        return (void)FAIL("pipe");
    pid = fork();
    if (pid == 0) {
        dup2(pfd[1], 1);
        close(pfd[0]);
        execl(self, self, "--hold", arg, (char *)NULL);
        _exit(127);
    }
    close(pfd[1]);
    f = fdopen(pfd[0], "r");
    EXPECT(f && fgets(got, sizeof(got), f) && !strcmp(got, "held\n"), "the holding session did not start");
    used_becomes(quota / 2);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    if (f)
        fclose(f);
    if (used_becomes(0))
        printf("killed session: usage back to 0\n");
}

static int hold(size_t bytes)
{
    struct cltest t;
    cl_int err;

    if (cltest_init(&t, 0))
        return 1;
    if (!buffer(&t, bytes, &err) || err != CL_SUCCESS)
        return 1;
    printf("held\n");
    fflush(stdout);
    for (;;)
        pause();
}

int main(int argc, char **argv)
{
    struct cltest t;
    uint64_t quota;

    if (argc == 3 && !strcmp(argv[1], "--hold"))
        return hold((size_t)strtoull(argv[2], NULL, 10));
    if (argc != 2) {
        fprintf(stderr, "usage: scripts/ava-local --mem-quota Q --status FILE -- memquota Q\n");
        return 2;
    }
    quota = strtoull(argv[1], NULL, 10);
    if (cltest_init(&t, 0))
        return cltest_done("memquota");
    queries(&t, quota);
    fill(&t, quota);
    killed_session(argv[0], quota);
    cltest_release(&t);
    return cltest_done("memquota");
}
