// SPDX-License-Identifier: MIT
/*
 * ava-hostd in `kernel` mode (`--instance UUID`): the dispatcher of one AvA
 * mdev instance (one VM), through the host module's /dev/vhost-ava
 * (uapi/ava_vhost.h, docs/host-module.md).
 *
 * It attaches to the instance, takes commands with AVA_VHOST_GET_CMD and
 * routes each by the wire header's session field (set by the guest driver,
 * one session per open /dev/ava) to that session's worker process
 * (transport_kernel.c), which it forks on the session's first command.  As
 * on the local transport, each guest session is its own process with its
 * own handle table, so a crash or a hostile session stays in its process;
 * the dispatcher itself never loads the vendor library.  A forked worker
 * keeps nothing of the dispatcher's other sessions: their sockets, shared
 * pages and queued commands are dropped in the child, and every command
 * buffer is wiped before it is freed, so no stale command stays in a heap
 * that a later fork copies.
 *
 * A device reset (guest driver gone, VM restarted) ends every session.
 * When a worker dies, the dispatcher completes the commands it had not
 * finished with AVA_S_WORKER_LOST.  A session whose guest closed it gets
 * CLOSE_GRACE_NS to finish the call it is in (a vendor call can block
 * forever, e.g. on a user event) before its worker is killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../common/shm_layout.h"
#include "../uapi/ava_vhost.h"
#include "hostd.h"
#include "mem_quota_vhost.h"
#include "sandbox.h"
#include "transport_kernel.h"
#include "worker_call.h"
#include "worker_fifo.h"

#define CLOSE_GRACE_NS (5ull * 1000000000ull)
#define MAX_POLLED 256u

/* A command forwarded to a worker, not yet written to its socket. */
struct kmsg {
	struct kmsg *next;
	size_t len, off;
	uint8_t data[];
};

struct ktok {
	uint64_t seq;
	uint64_t token;
};

/* One guest session's worker, as the dispatcher sees it. */
struct kchild {
	struct kchild *next;
	uint32_t session;
	pid_t pid;
	int sock;			/* the dispatcher's end */
	int closing;			/* CLOSE forwarded: no more commands */
	uint64_t close_by;		/* killed if still running then (ns) */
	int dropped;			/* ended by a reset: its commands are gone */
	struct avaw_kshared *sh;
	uint64_t sent;			/* messages forwarded */
	struct avaw_fifo toks;		/* struct ktok: forwarded, maybe not finished */
	struct kmsg *out, *out_tail;	/* not yet written to the socket */
};

struct kdispatch {
	struct avaw_kdev dev;
	int sfd;			/* signals (hostd_signals.c) */
	uint8_t *buf;			/* AVA_VHOST_GET_CMD's buffer */
	uint32_t buf_len;
	struct kchild *children;
	unsigned live, total, max_live;
	int verbose;
	const char *status_file;
	const char *instance;
};

static void wipe_free(void *p, size_t n)
{
	if (p)
		explicit_bzero(p, n);
	free(p);
}

static void fill_status(FILE *f, const void *arg)
{
	const struct kdispatch *d = arg;

	fprintf(f, "instance %s\nsessions %u\nsessions_total %u\n", d->instance, d->live, d->total);
}

static void write_status(const struct kdispatch *d)
{
	avaw_status_write(d->status_file, fill_status, d);
}

static struct kchild *find_child(const struct kdispatch *d, uint32_t session)
{
	struct kchild *c;

	for (c = d->children; c; c = c->next)
		if (c->session == session && !c->closing && !c->dropped)
			return c;
	return NULL;
}

static void drop_queued(struct kchild *c)
{
	struct kmsg *m;

	while ((m = c->out)) {
		c->out = m->next;
		wipe_free(m, sizeof(*m) + m->len);
	}
	c->out_tail = NULL;
}

static void free_child(struct kchild *c)
{
	drop_queued(c);
	if (c->sock >= 0)
		close(c->sock);
	munmap(c->sh, sizeof(*c->sh));
	avaw_fifo_free(&c->toks);
	free(c);
}

/* In a new worker: forget everything of the dispatcher but the device. */
static void child_forget(struct kdispatch *d)
{
	struct kchild *c;

	while ((c = d->children)) {
		d->children = c->next;
		free_child(c);
	}
	wipe_free(d->buf, d->buf_len);
	d->buf = NULL;
}

static struct kchild *new_child(uint32_t session, int sv[2])
{
	struct kchild *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->session = session;
	c->sock = -1;
	c->toks.esize = sizeof(struct ktok);
	c->sh = mmap(NULL, sizeof(*c->sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c->sh == MAP_FAILED) {
		free(c);
		return NULL;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		munmap(c->sh, sizeof(*c->sh));
		free(c);
		return NULL;
	}
	return c;
}

static struct kchild *spawn(struct kdispatch *d, uint32_t session)
{
	pid_t parent = getpid();
	struct kchild *c;
	int sv[2];

	c = new_child(session, sv);
	if (!c)
		return NULL;
	c->pid = avaw_fork_session(d->sfd);
	if (c->pid == 0) {
		struct avaw_kshared *sh = c->sh;

		/* a worker must not outlive the dispatcher that answers for its session */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		close(sv[0]);
		free(c);	/* not on d->children yet; sh stays mapped: it is this session's */
		child_forget(d);
		if (avaw_sandbox_enter((int[]){ d->dev.vfd, sv[1] }, 2))
			_exit(1);
		_exit(avaw_kernel_session(&d->dev, sv[1], session, sh));
	}
	close(sv[1]);
	c->sock = sv[0];
	if (c->pid < 0) {
		avaw_log("fork: %s", strerror(errno));
		free_child(c);
		return NULL;
	}
	fcntl(c->sock, F_SETFL, fcntl(c->sock, F_GETFL) | O_NONBLOCK);
	c->next = d->children;
	d->children = c;
	d->live++;
	d->total++;
	if (d->verbose)
		avaw_log("instance %s: session %u started (worker %d)", d->instance, session, (int)c->pid);
	write_status(d);
	return c;
}

static void flush_child(struct kchild *c)
{
	struct kmsg *m;

	while ((m = c->out)) {
		ssize_t n = write(c->sock, m->data + m->off, m->len - m->off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			/* EAGAIN: later; else the worker is gone and its commands
			 * are answered when it is reaped */
			if (errno != EAGAIN)
				drop_queued(c);
			return;
		}
		m->off += (size_t)n;
		if (m->off < m->len)
			return;
		c->out = m->next;
		if (!c->out)
			c->out_tail = NULL;
		wipe_free(m, sizeof(*m) + m->len);
	}
}

/* Drops the tokens the worker has finished (they are in order). */
static void trim_tokens(struct kchild *c)
{
	uint64_t done = atomic_load(&c->sh->done);

	while (c->toks.n && ((struct ktok *)avaw_fifo_at(&c->toks, 0))->seq <= done)
		avaw_fifo_drop(&c->toks, 1);
}

static int track_token(struct kchild *c, uint64_t token)
{
	struct ktok t = { c->sent + 1, token };

	trim_tokens(c);
	if (avaw_fifo_push(&c->toks, &t))
		return -1;
	c->sent++;
	return 0;
}

static int forward(struct kchild *c, uint64_t token, const void *cmd, uint32_t len)
{
	struct kmsg *m = malloc(sizeof(*m) + sizeof(struct avaw_kmsg_hdr) + len);
	struct avaw_kmsg_hdr mh = { token, len, 0 };

	if (!m || track_token(c, token)) {
		free(m);
		return -1;
	}
	m->next = NULL;
	m->len = sizeof(mh) + len;
	m->off = 0;
	memcpy(m->data, &mh, sizeof(mh));
	memcpy(m->data + sizeof(mh), cmd, len);
	if (c->out_tail)
		c->out_tail->next = m;
	else
		c->out = m;
	c->out_tail = m;
	flush_child(c);
	return 0;
}

/* A worker ended: answer what it left unanswered, forget it. */
static void child_gone(struct kdispatch *d, struct kchild *c, int wstatus)
{
	struct kchild **pp;
	uint64_t parked;
	size_t i;

	if (!c->dropped) {
		trim_tokens(c);
		parked = atomic_load(&c->sh->parked);
		if (c->toks.n || parked)
			avaw_log("instance %s: worker of session %u %s; %zu commands answered with WORKER_LOST",
				 d->instance, c->session,
				 WIFSIGNALED(wstatus) ? strsignal(WTERMSIG(wstatus)) : "exited",
				 c->toks.n + (parked != 0));
		for (i = 0; i < c->toks.n; i++)
			avaw_kernel_complete_status(d->dev.vfd, ((struct ktok *)avaw_fifo_at(&c->toks, i))->token,
						    NULL, AVA_S_WORKER_LOST);
		if (parked)
			avaw_kernel_complete_status(d->dev.vfd, parked, NULL, AVA_S_WORKER_LOST);
	}
	avaw_mem_vhost_end(d->dev.vfd, c->session);	/* what its worker held */
	if (d->verbose)
		avaw_log("instance %s: session %u ended", d->instance, c->session);
	for (pp = &d->children; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	d->live--;
	free_child(c);
	write_status(d);
}

/* Reaps ended workers; with wait set, blocks until one ends.  Returns -1 when none is left. */
static int reap(struct kdispatch *d, int wait)
{
	struct kchild *c;
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, wait ? 0 : WNOHANG)) > 0) {
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

/* Every guest session ended (device reset): end their workers. */
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

static void route(struct kdispatch *d, uint64_t token, const uint8_t *cmd, uint32_t len)
{
	const struct ava_cmd_hdr *h = (const struct ava_cmd_hdr *)cmd;
	struct kchild *c;

	if (len < sizeof(*h)) {
		avaw_kernel_complete_status(d->dev.vfd, token, NULL, AVA_S_MALFORMED);
		return;
	}
	c = find_child(d, h->session);
	if (!c && avaw_is_ctl(h, AVA_CTL_CLOSE)) {
		avaw_kernel_complete_status(d->dev.vfd, token, h, AVA_S_OK);	/* nothing to end */
		return;
	}
	/* a guest that opens sessions without end gets no more processes */
	if (!c && d->live < d->max_live)
		c = spawn(d, h->session);
	if (!c || forward(c, token, cmd, len)) {
		avaw_kernel_complete_status(d->dev.vfd, token, h, AVA_S_NO_MEMORY);
		return;
	}
	if (avaw_is_ctl(h, AVA_CTL_CLOSE)) {
		c->closing = 1;
		c->close_by = ava_now_ns() + CLOSE_GRACE_NS;
	}
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

/* A larger command buffer; the old one is wiped (it held a command). */
static int grow_buf(struct kdispatch *d, uint32_t len)
{
	uint8_t *nb = malloc(len);

	if (!nb)
		return -1;
	wipe_free(d->buf, d->buf_len);
	d->buf = nb;
	d->buf_len = len;
	return 0;
}

/* Takes up to 64 commands; returns 1 when the instance went away. */
static int take_commands(struct kdispatch *d)
{
	unsigned taken = 0;

	while (taken < 64) {
		struct ava_vhost_cmd c = { .buf = (uint64_t)(uintptr_t)d->buf, .buf_len = d->buf_len };

		if (ioctl(d->dev.vfd, AVA_VHOST_GET_CMD, &c) == 0) {
			taken++;
			if (c.flags & AVA_VHOST_CMD_RESET)
				drop_all(d);
			else
				route(d, c.token, d->buf, c.cmd_len);
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == ENOSPC && c.cmd_len > d->buf_len && c.cmd_len <= AVA_MAX_CMD && grow_buf(d, c.cmd_len) == 0)
			continue;
		if (errno == EBUSY || errno == ENOMEM) {
			/* the windows are full: wait for commands to complete */
			struct timespec ts = { 0, 1000000 };

			nanosleep(&ts, NULL);
		} else if (errno == ENODEV) {
			fprintf(stderr, "ava-hostd: instance %s went away\n", d->instance);
			return 1;
		} else if (errno != EAGAIN) {
			fprintf(stderr, "ava-hostd: AVA_VHOST_GET_CMD: %s\n", strerror(errno));
		}
		break;
	}
	return 0;
}

/* Waits for commands, signals and room in the workers' sockets. */
static int serve(struct kdispatch *d)
{
	for (;;) {
		struct pollfd p[2 + MAX_POLLED];
		struct kchild *who[MAX_POLLED], *c;
		unsigned np = 2, i;

		p[0] = (struct pollfd){ d->dev.vfd, POLLIN, 0 };
		p[1] = (struct pollfd){ d->sfd, POLLIN, 0 };
		for (c = d->children; c && np < 2 + MAX_POLLED; c = c->next)
			if (c->out) {
				who[np - 2] = c;
				p[np++] = (struct pollfd){ c->sock, POLLOUT, 0 };
			}
		if (poll(p, np, 1000) < 0 && errno != EINTR)
			return 1;
		if (p[1].revents && avaw_signals_read(d->sfd))
			return 0;
		reap(d, 0);
		enforce_close(d);
		for (i = 2; i < np; i++)
			if (p[i].revents)
				flush_child(who[i - 2]);
		if (p[0].revents & (POLLHUP | POLLERR)) {
			fprintf(stderr, "ava-hostd: instance %s went away\n", d->instance);
			return 1;
		}
		if (take_commands(d))
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
	a.flags = AVA_VHOST_ATTACH_RESETS;
	if (ioctl(d->dev.vfd, AVA_VHOST_ATTACH, &a)) {
		fprintf(stderr, "ava-hostd: cannot attach to instance %s: %s\n", d->instance,
			errno == ENODEV ? "no such instance" : errno == EBUSY ? "another worker serves it" :
			strerror(errno));
		return 1;
	}
	d->dev.window = a.window;
	avaw_mem_use_vhost(d->dev.vfd);	/* the workers' memory charges */
	return 0;
}

int avaw_kernel_daemon(const char *instance, int ready_fd, const char *status_file, int verbose,
		       unsigned max_sessions)
{
	struct kdispatch d = {
		.instance = instance, .status_file = status_file, .verbose = verbose,
		.max_live = max_sessions ? max_sessions : 64, .buf_len = 64 << 10,
	};
	int rc = attach(&d);

	if (rc)
		return rc;
	d.buf = malloc(d.buf_len);
	d.sfd = avaw_signals_open();
	if (!d.buf || d.sfd < 0)
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
	wipe_free(d.buf, d.buf_len);
	return rc;
}
