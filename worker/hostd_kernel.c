// SPDX-License-Identifier: MIT
/*
 * ava-hostd in `kernel` mode (`--instance UUID`): the dispatcher of one AvA
 * mdev instance (one VM), through the host module's /dev/vhost-ava
 * (uapi/ava_vhost.h, docs/host-module.md).
 *
 * It attaches with AVA_VHOST_ATTACH_SESSIONS and never sees a command: the
 * module tells it of each guest session (one per open /dev/ava in the VM)
 * whose commands wait, and it opens a session file for it
 * (AVA_VHOST_OPEN_SESSION) and forks the session's worker
 * (transport_kernel.c) with that file as its only descriptor.  The module
 * gives a session file only its session's commands and guest pages, and
 * answers what the worker leaves unanswered with AVA_S_WORKER_LOST when the
 * file closes: a worker, hostile or crashed, reaches no other session, and
 * the dispatcher's memory, which every worker starts as a copy of, never
 * holds a command.  The dispatcher itself never loads the vendor library.
 *
 * A device reset (guest driver gone, VM restarted) ends every session.  A
 * session whose guest closed it gets CLOSE_GRACE_NS to finish the call it is
 * in (a vendor call can block forever, e.g. on a user event) before its
 * worker is killed.  Sessions beyond max_live are refused (the module
 * answers their commands with AVA_S_BAD_SESSION).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../uapi/ava_vhost.h"
#include "cuda_fatbin_cache.h"
#include "hostd.h"
#include "mem_quota_vhost.h"
#include "sandbox.h"
#include "transport_kernel.h"
#include "worker_call.h"

#define CLOSE_GRACE_NS (5ull * 1000000000ull)

/* One guest session's worker, as the dispatcher sees it. */
struct kchild {
	struct kchild *next;
	uint32_t session;
	pid_t pid;
	int closing;			/* its guest closed it */
	uint64_t close_by;		/* killed if still running then (ns) */
	int dropped;			/* ended by a reset or by the dispatcher */
};

struct kdispatch {
	struct avaw_kdev dev;		/* the attached file */
	int sfd;			/* signals (hostd_signals.c) */
	struct kchild *children;
	unsigned live, total, max_live;
	int verbose;
	const char *status_file;
	const char *instance;
};

static void fill_status(FILE *f, const void *arg)
{
	const struct kdispatch *d = arg;

	fprintf(f, "instance %s\nsessions %u\nsessions_total %u\n", d->instance, d->live, d->total);
}

static void write_status(const struct kdispatch *d)
{
	avaw_status_write(d->status_file, fill_status, d);
}

/* The running worker of session, not yet closing. */
static struct kchild *find_child(const struct kdispatch *d, uint32_t session)
{
	struct kchild *c;

	for (c = d->children; c; c = c->next)
		if (c->session == session && !c->closing && !c->dropped)
			return c;
	return NULL;
}

/* In a new worker: keep nothing of the dispatcher but the session's file. */
static void child_forget(struct kdispatch *d)
{
	struct kchild *c;

	while ((c = d->children)) {
		d->children = c->next;
		free(c);
	}
	close(d->dev.vfd);
	d->dev.vfd = -1;
}

static struct kchild *spawn(struct kdispatch *d, uint32_t session, int fd)
{
	pid_t parent = getpid();
	struct kchild *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->session = session;
	c->pid = avaw_fork_session(d->sfd);
	if (c->pid == 0) {
		struct avaw_kdev dev = { fd, d->dev.window };

		/* a worker must not outlive the dispatcher that answers for its session */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		free(c);
		child_forget(d);
		if (avaw_sandbox_enter(&fd, 1))
			_exit(1);
		avaw_mem_use_vhost(fd);	/* its memory charges, through its own file */
		_exit(avaw_kernel_session(&dev, session));
	}
	if (c->pid < 0) {
		avaw_log("fork: %s", strerror(errno));
		free(c);
		return NULL;
	}
	c->next = d->children;
	d->children = c;
	d->live++;
	d->total++;
	if (d->verbose)
		avaw_log("instance %s: session %u started (worker %d)", d->instance, session, (int)c->pid);
	write_status(d);
	return c;
}

/* The module has commands of a session without a file: open one and fork its worker. */
static void new_session(struct kdispatch *d, uint32_t session)
{
	struct ava_vhost_session s = { .session = session };
	int fd = -1;

	/* a guest that opens sessions without end gets no more processes */
	if (d->live < d->max_live)
		fd = ioctl(d->dev.vfd, AVA_VHOST_OPEN_SESSION, &s);
	if (fd < 0) {
		if (d->live < d->max_live)
			avaw_log("instance %s: cannot open session %u: %s", d->instance, session, strerror(errno));
		s.flags = AVA_VHOST_SESSION_REFUSE;
		ioctl(d->dev.vfd, AVA_VHOST_OPEN_SESSION, &s);
		return;
	}
	/* without a worker the file closes here, and the module answers its commands */
	spawn(d, session, fd);
	close(fd);
}

/* A worker ended: forget it. */
static void child_gone(struct kdispatch *d, struct kchild *c, int wstatus)
{
	struct kchild **pp;

	if (WIFSIGNALED(wstatus) && !c->dropped && !c->closing)
		avaw_log("instance %s: worker of session %u: %s; its commands were answered with WORKER_LOST",
			 d->instance, c->session, strsignal(WTERMSIG(wstatus)));
	else if (d->verbose)
		avaw_log("instance %s: session %u ended", d->instance, c->session);
	for (pp = &d->children; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	d->live--;
	free(c);
	write_status(d);
}

/* Reaps ended workers; with wait set, blocks until one ends.  Returns -1 when none is left. */
static int reap(struct kdispatch *d, int wait)
{
	struct kchild *c;
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, wait ? 0 : WNOHANG)) > 0) {
		if (avaw_fatbin_cache_reaped(pid))
			continue;
		for (c = d->children; c; c = c->next)
			if (c->pid == pid)
				break;
		if (c)
			child_gone(d, c, st);
		if (wait)
			return 0;
	}
	return pid < 0 && (wait || errno == ECHILD) ? -1 : 0;
}

/* Every guest session ended (device reset, or the dispatcher ends): end their workers. */
static void drop_all(struct kdispatch *d)
{
	struct kchild *c;

	for (c = d->children; c; c = c->next) {
		if (c->dropped)
			continue;
		c->dropped = 1;
		kill(c->pid, SIGKILL);
	}
	if (d->verbose)
		avaw_log("instance %s: device reset, every session ended", d->instance);
}

/* The guest closed session: its worker has CLOSE_GRACE_NS to answer the close. */
static void closing(struct kdispatch *d, uint32_t session)
{
	struct kchild *c = find_child(d, session);

	if (!c)
		return;
	c->closing = 1;
	c->close_by = ava_now_ns() + CLOSE_GRACE_NS;
}

/* Ends the workers of closed sessions that are stuck in a call. */
static void enforce_close(struct kdispatch *d)
{
	uint64_t now = ava_now_ns();
	struct kchild *c;

	for (c = d->children; c; c = c->next)
		if (c->closing && !c->dropped && now > c->close_by) {
			avaw_log("instance %s: session %u did not end after its guest closed it; killing its worker",
				 d->instance, c->session);
			c->close_by = UINT64_MAX;
			kill(c->pid, SIGKILL);
		}
}

/* Takes up to 64 events of the module; returns 1 when the instance went away. */
static int take_events(struct kdispatch *d)
{
	unsigned taken = 0;

	while (taken < 64) {
		struct ava_vhost_cmd c = { 0 };

		if (ioctl(d->dev.vfd, AVA_VHOST_GET_CMD, &c) == 0) {
			taken++;
			if (c.flags & AVA_VHOST_CMD_RESET)
				drop_all(d);
			else if (c.flags & AVA_VHOST_CMD_SESSION)
				new_session(d, c.session);
			else if (c.flags & AVA_VHOST_CMD_CLOSING)
				closing(d, c.session);
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == ENODEV) {
			fprintf(stderr, "ava-hostd: instance %s went away\n", d->instance);
			return 1;
		}
		if (errno != EAGAIN)
			fprintf(stderr, "ava-hostd: AVA_VHOST_GET_CMD: %s\n", strerror(errno));
		break;
	}
	return 0;
}

/* Waits for the module's events and for signals. */
static int serve(struct kdispatch *d)
{
	for (;;) {
		struct pollfd p[2] = { { d->dev.vfd, POLLIN, 0 }, { d->sfd, POLLIN, 0 } };

		if (poll(p, 2, 1000) < 0 && errno != EINTR)
			return 1;
		if (p[1].revents && avaw_signals_read(d->sfd))
			return 0;
		reap(d, 0);
		enforce_close(d);
		if (p[0].revents & (POLLHUP | POLLERR)) {
			fprintf(stderr, "ava-hostd: instance %s went away\n", d->instance);
			return 1;
		}
		if (take_events(d))
			return 1;
	}
}

static int attach(struct kdispatch *d)
{
	struct ava_vhost_attach a;

	if (strlen(d->instance) >= sizeof(a.instance)) {
		fprintf(stderr, "ava-hostd: bad instance name\n");
		return 2;
	}
	d->dev.vfd = open("/dev/vhost-ava", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (d->dev.vfd < 0) {
		fprintf(stderr, "ava-hostd: cannot open /dev/vhost-ava: %s (is ava_vhost loaded?)\n",
			strerror(errno));
		return 1;
	}
	memset(&a, 0, sizeof(a));
	strcpy(a.instance, d->instance);
	a.flags = AVA_VHOST_ATTACH_RESETS | AVA_VHOST_ATTACH_SESSIONS;
	if (ioctl(d->dev.vfd, AVA_VHOST_ATTACH, &a)) {
		fprintf(stderr, "ava-hostd: cannot attach to instance %s: %s\n", d->instance,
			errno == ENODEV ? "no such instance" : errno == EBUSY ? "another worker serves it" :
			strerror(errno));
		return 1;
	}
	d->dev.window = a.window;
	return 0;
}

int avaw_kernel_daemon(const char *instance, int ready_fd, const char *status_file, int verbose,
		       unsigned max_sessions)
{
	struct kdispatch d = {
		.instance = instance, .status_file = status_file, .verbose = verbose,
		.max_live = max_sessions ? max_sessions : 64,
	};
	int rc = attach(&d);

	if (rc)
		return rc;
	d.sfd = avaw_signals_open();
	if (d.sfd < 0)
		return 1;
	write_status(&d);
	if (verbose)
		avaw_log("serving instance %s (windows of %llu MiB)", instance,
			 (unsigned long long)(d.dev.window >> 20));
	avaw_ready(ready_fd);
	rc = serve(&d);
	drop_all(&d);
	while (d.children && reap(&d, 1) == 0)
		;
	close(d.dev.vfd);
	close(d.sfd);
	return rc;
}
