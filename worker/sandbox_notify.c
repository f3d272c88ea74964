// SPDX-License-Identifier: MIT
/*
 * The worker's seccomp listener (sandbox_filter.c): a thread that logs each
 * system call the filter found on no list, once per call number, and
 * answers it with ENOSYS.  It serves the worker's threads and the programs
 * the worker runs (they inherit the filter).  Should the thread stop, the
 * kernel answers ENOSYS itself (a filter whose listener is closed).
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sandbox.h"
#include "worker_call.h"

#define LOGGED_MAX 1024	/* numbers at or above it share one "logged" bit */
static unsigned char logged[LOGGED_MAX / 8];

static void say_refused(const struct seccomp_notif *req)
{
	unsigned nr = (unsigned)req->data.nr, bit = nr < LOGGED_MAX ? nr : LOGGED_MAX - 1;
	char line[160];
	int n;

	if (logged[bit / 8] & (1u << (bit % 8)))
		return;
	logged[bit / 8] |= (unsigned char)(1u << (bit % 8));
	/* one write: the line stays whole among the other threads' output */
	n = snprintf(line, sizeof(line),
		     "ava-worker[%d]: sandbox: system call %u refused (not on the allow list): ENOSYS to pid %u\n",
		     (int)getpid(), nr, (unsigned)req->pid);
	if (n > 0)
		(void)!write(2, line, (size_t)n);	/* nothing to do should stderr be gone */
}

static void *listen_loop(void *arg)
{
	int fd = (int)(intptr_t)arg;
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	for (;;) {
		memset(&req, 0, sizeof(req));	/* the kernel wants it zeroed */
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req)) {
			if (errno == EINTR || errno == ENOENT)	/* ENOENT: the caller is gone */
				continue;
			break;
		}
		say_refused(&req);
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.error = -ENOSYS;
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) && errno != ENOENT)
			break;
	}
	avaw_log("sandbox: seccomp listener stopped (%s): unlisted system calls get ENOSYS unlogged", strerror(errno));
	close(fd);
	return NULL;
}

int avaw_seccomp_listen(int fd)
{
	sigset_t all, old;
	pthread_t t;
	int r;

	/* the worker's signals go to its other threads */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&t, NULL, listen_loop, (void *)(intptr_t)fd);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r) {
		close(fd);
		errno = r;
		return -1;
	}
	pthread_detach(t);
	return 0;
}
