// SPDX-License-Identifier: MIT
/*
 * l2_sessions: runs in the nested guest (L2) of the e2e suite, through
 * AvA's ICD and /dev/ava.  Two processes of one guest get separate
 * sessions and cannot use each other's handles; a process killed inside
 * a blocking call (clFinish of a queue gated on a user event released
 * unset, so never complete: the worker waits in it; while the application
 * holds an unset user event, the guest polls instead)
 * leaves nothing behind: its session ends on the host and the guest
 * driver's counters return to where they were.  Prints "@@TAP" lines.
 *
 * A child forked after the parent used OpenCL gets a session of its own
 * (the library reconnects), but the ICD loader's cached platform is the
 * parent's: such a child can only show that the parent's objects are
 * invalid in its session.  A process that works on its own is started
 * with exec (l2_sessions --block: waits on a user event forever).
 */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void tap(int ok, const char *what)
{
	printf("@@TAP %s - L2: %s\n", ok ? "ok" : "not ok", what);
	fflush(stdout);
	if (!ok)
		failures++;
}

/* A counter of the guest driver (/sys/bus/virtio/devices/<dev>/ava/NAME). */
static long drv(const char *name)
{
	char path[512], buf[64] = "";
	glob_t g;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/virtio/devices/*/ava/%s", name);
	if (glob(path, 0, NULL, &g) || !g.gl_pathc)
		return -1;
	f = fopen(g.gl_pathv[0], "r");
	globfree(&g);
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return strtol(buf, NULL, 10);
}

static int wait_counter(const char *name, long want, int seconds)
{
	int i;

	for (i = 0; i < seconds * 10; i++) {
		if (drv(name) == want)
			return 1;
		usleep(100000);
	}
	return 0;
}

struct env {
	cl_platform_id plat;
	cl_device_id dev;
	cl_context ctx;
	cl_command_queue q;
};

static int setup(struct env *e)
{
	cl_int err;

	if (clGetPlatformIDs(1, &e->plat, NULL) != CL_SUCCESS ||
	    clGetDeviceIDs(e->plat, CL_DEVICE_TYPE_ALL, 1, &e->dev, NULL) != CL_SUCCESS)
		return -1;
	e->ctx = clCreateContext(NULL, 1, &e->dev, NULL, NULL, &err);
	if (err != CL_SUCCESS)
		return -1;
	e->q = clCreateCommandQueue(e->ctx, e->dev, 0, &err);
	return err == CL_SUCCESS ? 0 : -1;
}

/* The third process: blocks in clFinish on a gated queue; says so on fd 3 first. */
static int block(void)
{
	struct env e3;
	cl_event ue;
	cl_int err;

	if (setup(&e3))
		return 1;
	ue = clCreateUserEvent(e3.ctx, &err);
	if (err != CL_SUCCESS || clEnqueueMarkerWithWaitList(e3.q, 1, &ue, NULL) != CL_SUCCESS ||
	    write(3, "x", 1) != 1)
		return 1;
	clReleaseEvent(ue);	/* nobody can set it now */
	clFinish(e3.q);	/* never returns */
	return 2;
}

/* A process killed while the worker blocks in its call: its session ends. */
static void killed_in_call(const char *self, long sessions0, long inflight0)
{
	int pfd[2], st;
	pid_t pid;
	char c;

	if (pipe(pfd))
		return;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		if (dup2(pfd[1], 3) != 3)
			_exit(1);
		execl("/proc/self/exe", self, "--block", (char *)NULL);
		_exit(1);
	}
	close(pfd[1]);
	st = read(pfd[0], &c, 1) == 1;
	close(pfd[0]);
	tap(st, "third process: context and user event created");
	sleep(1);
	tap(drv("inflight") > inflight0, "third process: its clFinish is in flight on the host");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	tap(WIFSIGNALED(st), "third process killed inside clFinish");
	tap(wait_counter("sessions", sessions0 + 1, 30) && wait_counter("inflight", inflight0, 5),
	    "its session ended on the host: the driver holds no command and no session of it");
}

int main(int argc, char **argv)
{
	enum { N = 1 << 20 };
	static unsigned char data[N], back[N];
	long sessions0, inflight0;
	struct env e;
	cl_mem buf;
	cl_int err;
	size_t size = 0;
	int st, i;
	pid_t pid;

	if (argc > 1 && !strcmp(argv[1], "--block"))
		return block();
	sessions0 = drv("sessions");
	inflight0 = drv("inflight");
	if (setup(&e)) {
		tap(0, "OpenCL context and queue through /dev/ava");
		return 1;
	}
	for (i = 0; i < N; i++)
		data[i] = (unsigned char)(i * 7 + 3);
	buf = clCreateBuffer(e.ctx, CL_MEM_READ_WRITE, N, NULL, &err);
	tap(err == CL_SUCCESS &&
	    clEnqueueWriteBuffer(e.q, buf, CL_TRUE, 0, N, data, 0, NULL, NULL) == CL_SUCCESS &&
	    clEnqueueReadBuffer(e.q, buf, CL_TRUE, 0, N, back, 0, NULL, NULL) == CL_SUCCESS &&
	    !memcmp(data, back, N), "first process: 1 MiB written and read back through its session");
	tap(drv("sessions") == sessions0 + 1, "first process: one session in the guest driver");

	/* a second process: its own session; the first one's handles mean nothing there */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int ok = 1;

		err = clGetMemObjectInfo(buf, CL_MEM_SIZE, sizeof(size), &size, NULL);
		if (err != CL_INVALID_MEM_OBJECT) {
			fprintf(stderr, "child: the parent's buffer gave %d\n", err);
			ok = 0;
		}
		if (clFinish(e.q) != CL_INVALID_COMMAND_QUEUE) {
			fprintf(stderr, "child: the parent's queue was accepted\n");
			ok = 0;
		}
		if (drv("sessions") != sessions0 + 2) {
			fprintf(stderr, "child: %ld sessions\n", drv("sessions"));
			ok = 0;
		}
		_exit(ok ? 0 : 1);
	}
	tap(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "second process: a session of its own, where the first one's buffer and queue are invalid");
	tap(clGetMemObjectInfo(buf, CL_MEM_SIZE, sizeof(size), &size, NULL) == CL_SUCCESS && size == N,
	    "first process: its buffer is still valid in its own session");
	tap(wait_counter("sessions", sessions0 + 1, 20),
	    "the second process's session ended with it");

	killed_in_call(argv[0], sessions0, inflight0);

	clReleaseMemObject(buf);
	clReleaseCommandQueue(e.q);
	clReleaseContext(e.ctx);
	return failures ? 1 : 0;
}
