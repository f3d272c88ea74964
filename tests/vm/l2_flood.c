// SPDX-License-Identifier: MIT
/*
 * l2_flood: runs in the nested guest (L2) of the e2e suite.  A session
 * floods asynchronous commands while its worker is blocked, and another
 * session must keep running (acceptance of issue 10, memory).
 *
 *   l2_flood          48 MiB: under the host's default backlog (64 MiB)
 *   l2_flood --over   128 MiB: twice the backlog
 *
 * Session A (this process, through AvA's ICD) gates its queue on a user
 * event it never sets and blocks in clFinish in one thread (the host
 * worker waits in it); another thread writes 1 MiB asynchronous commands
 * straight to the session's /dev/ava file, around the library.  Then it
 * prints "@@SYNC flood-under" or "@@SYNC flood-over" (L1 measures the host
 * module's held bytes and ava-hostd's memory), runs session B (l2_flood
 * --other SECS: a buffer written, read back and compared, within 60 s) and
 * prints "@@SYNC flood-done".  Prints "@@TAP" lines.
 *
 * Over the backlog the module stops taking commands off every ring, so
 * session B, and session A's own close, wait until the device is reset
 * (issue 10, finding 7, separate work): --over runs last, just before L2
 * powers off, and reports B as an open point rather than a result.
 */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "uapi/ava_dev.h"
#include "uapi/ava_wire.h"

static int failures;

static void tap(int ok, const char *what)
{
	printf("@@TAP %s - L2: %s\n", ok ? "ok" : "not ok", what);
	fflush(stdout);
	if (!ok)
		failures++;
}

/* The session file the library opened: the fd whose link is /dev/ava. */
static int session_fd(void)
{
	char path[300], target[64];
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");
	int fd = -1;
	ssize_t n;

	while (d && fd < 0 && (e = readdir(d))) {
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = 0;
			if (!strcmp(target, "/dev/ava"))
				fd = atoi(e->d_name);
		}
	}
	if (d)
		closedir(d);
	return fd;
}

struct gate {
	cl_context ctx;
	cl_command_queue q;
	cl_mem buf;
	cl_event user;
};

static int gate_open(struct gate *g)
{
	cl_platform_id p;
	cl_device_id dev;
	cl_int err;
	static char data[4096];

	if (clGetPlatformIDs(1, &p, NULL) || clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 1, &dev, NULL))
		return -1;
	g->ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	if (err)
		return -1;
	g->q = clCreateCommandQueue(g->ctx, dev, 0, &err);
	g->buf = err ? NULL : clCreateBuffer(g->ctx, CL_MEM_READ_WRITE, sizeof(data), NULL, &err);
	g->user = err ? NULL : clCreateUserEvent(g->ctx, &err);
	if (err)
		return -1;
	return clEnqueueWriteBuffer(g->q, g->buf, CL_FALSE, 0, sizeof(data), data, 1, &g->user, NULL) ? -1 : 0;
}

static void *blocked_finish(void *arg)
{
	clFinish(((struct gate *)arg)->q);	/* never returns: the event is never set */
	return NULL;
}

struct flood {
	int fd;
	uint32_t len;
	unsigned count;
	volatile unsigned sent;	/* read by main while this thread may block in the driver */
};

/* Sends async commands of f->len bytes (a PING padded with inline bytes) until f->count are queued. */
static void *flood(void *arg)
{
	struct flood *f = arg;
	uint8_t *cmd = calloc(1, f->len);
	struct ava_cmd_hdr *h = (struct ava_cmd_hdr *)cmd;
	struct ava_dev_call c;
	uint32_t len = f->len;
	unsigned i;

	if (!cmd)
		return NULL;
	h->magic = AVA_WIRE_MAGIC;
	h->version = AVA_WIRE_VERSION;
	h->api_id = AVA_API_CONTROL;
	h->func_id = AVA_CTL_PING;
	h->flags = AVA_CMD_ASYNC;
	h->inline_len = len - sizeof(*h);
	h->total_len = len;
	for (i = 0; i < f->count; i++) {
		memset(&c, 0, sizeof(c));
		h->call_id = 1000000 + i;
		c.cmd = (uint64_t)(uintptr_t)cmd;
		c.cmd_len = len;
		if (ioctl(f->fd, AVA_DEV_CALL, &c))
			break;
		__atomic_store_n(&f->sent, i + 1, __ATOMIC_RELEASE);
	}
	free(cmd);
	return NULL;
}

/* Waits until the flood thread queued everything or made no progress for 20 s. */
static unsigned flood_wait(struct flood *f)
{
	unsigned last = 0, now;
	int idle = 0;

	while (idle < 200) {
		now = __atomic_load_n(&f->sent, __ATOMIC_ACQUIRE);
		if (now == f->count)
			break;
		idle = now == last ? idle + 1 : 0;
		last = now;
		usleep(100000);
	}
	return __atomic_load_n(&f->sent, __ATOMIC_ACQUIRE);
}

/* Session B: a buffer written and read back, within `secs`. */
static int other_session(unsigned secs)
{
	struct gate g;
	char in[4096], out[4096];
	cl_int err;

	alarm(secs);
	memset(in, 0x5a, sizeof(in));
	if (gate_open(&g))	/* its own gate is set at once */
		return 1;
	err = clSetUserEventStatus(g.user, CL_COMPLETE);
	err = err ? err : clEnqueueWriteBuffer(g.q, g.buf, CL_TRUE, 0, sizeof(in), in, 0, NULL, NULL);
	err = err ? err : clEnqueueReadBuffer(g.q, g.buf, CL_TRUE, 0, sizeof(out), out, 0, NULL, NULL);
	err = err ? err : clFinish(g.q);
	return err || memcmp(in, out, sizeof(in)) ? 1 : 0;
}

/* Prints what every thread of pid waits in: state, wchan, kernel stack. */
static void dump_stuck(pid_t pid)
{
	char path[300], line[256];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		static const char *const what[] = { "stat", "wchan", "stack" };
		unsigned i;

		if (e->d_name[0] == '.')
			continue;
		for (i = 0; i < 3; i++) {
			FILE *f;
			int n = 0;

			snprintf(path, sizeof(path), "/proc/%d/task/%s/%s", (int)pid, e->d_name, what[i]);
			f = fopen(path, "r");
			while (f && n++ < 16 && fgets(line, sizeof(line), f))
				printf("@@TAP #   session B thread %s %s: %s%s", e->d_name, what[i], line,
				       strchr(line, '\n') ? "" : "\n");
			if (f)
				fclose(f);
		}
	}
	if (d)
		closedir(d);
	fflush(stdout);
}

/*
 * Session B in a child, given secs (its own alarm) and 30 s more: one
 * still running then is stuck where a signal cannot end it, and what it
 * waits in is printed before it is killed.
 */
static int run_other(const char *self, const char *secs)
{
	int st = -1, waited = 0;
	pid_t pid = fork();

	if (pid == 0) {
		execl(self, self, "--other", secs, (char *)NULL);
		_exit(127);
	}
	if (pid < 0)
		return -1;
	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (waited++ == (atoi(secs) + 30) * 10) {
			dump_stuck(pid);
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return 255;
		}
		usleep(100000);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	struct ava_dev_info info;
	struct flood f = { .fd = -1 };
	int over = argc > 1 && !strcmp(argv[1], "--over");
	struct gate g;
	pthread_t th, fl;
	char what[256];
	unsigned sent;
	int rc;

	if (argc > 2 && !strcmp(argv[1], "--other"))
		return other_session((unsigned)atoi(argv[2]));
	if (gate_open(&g) || (f.fd = session_fd()) < 0 || ioctl(f.fd, AVA_DEV_INFO, &info)) {
		tap(0, "flood: session A set up (queue gated on a user event)");
		return 1;
	}
	pthread_create(&th, NULL, blocked_finish, &g);
	sleep(2);	/* the worker is in clFinish now */
	/* the largest commands: 48 MiB, or twice the host's default backlog (64 MiB) */
	f.len = (uint32_t)(sizeof(struct ava_cmd_hdr) + info.max_inline) & ~7u;
	f.count = (unsigned)(((over ? 128ull : 48ull) << 20) / f.len);
	f.count = f.count < info.max_async ? f.count : info.max_async;
	pthread_create(&fl, NULL, flood, &f);
	sent = flood_wait(&f);
	snprintf(what, sizeof(what), "flood: session A, its worker blocked in clFinish, queued %u of %u async "
		 "commands of %u bytes (%u MiB; max_async %u)", sent, f.count, f.len,
		 (unsigned)(((uint64_t)sent * f.len) >> 20), info.max_async);
	tap(sent == f.count, what);
	printf("@@SYNC flood-%s %u %u\n", over ? "over" : "under", sent, f.len);
	fflush(stdout);
	sleep(5);	/* L1 measures */
	rc = run_other(argv[0], over ? "20" : "60");	/* over: it waits for the reset */
	snprintf(what, sizeof(what), "flood%s: meanwhile session B writes and reads a buffer (exit %d)",
		 over ? " over the backlog" : "", rc);
	/* over the backlog too: session A's commands past its share are refused,
	 * the module keeps taking B's (issue 10, finding 7) */
	tap(rc == 0, what);
	printf("@@SYNC flood-done\n");
	fflush(stdout);
	_exit(failures ? 1 : 0);	/* session A ends with the process */
}
