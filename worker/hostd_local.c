// SPDX-License-Identifier: MIT
/*
 * ava-hostd in `local` mode: listens on a Unix socket and forks one worker
 * process per connection (transport_local.c), so that a crash or a hostile
 * session stays in its own process; the daemon itself never loads the
 * vendor library.  Workers outlive the daemon: each ends when its caller
 * goes away.  The workers share the daemon's device-memory quota
 * (--mem-quota, mem_quota_local.c) and its device-time policy (--time-*,
 * hostd_time.c); the status file (--status) shows the live sessions, the
 * memory counters and the device time.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/local_hello.h"
#include "cuda_fatbin_cache.h"
#include "hostd.h"
#include "hostd_time.h"
#include "mem_quota_local.h"
#include "sandbox.h"

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int ls;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "ava-hostd: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	if (!strcmp(path, AVA_DEFAULT_SOCKET))
		mkdir("/run/ava", 0755);
	unlink(path);
	ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 64) < 0) {
		fprintf(stderr, "ava-hostd: cannot listen on %s: %s\n", path, strerror(errno));
		if (ls >= 0)
			close(ls);
		return -1;
	}
	return ls;
}

#define MAX_SESSIONS 1024u	/* session slots (memory counters, time entities) */
#define STATUS_PERIOD_MS 100	/* the status file follows the usage this closely */

struct ldaemon {
	int ls, sfd;
	uint64_t arena_size;
	struct avaw_memq *memq;
	struct avaw_tpol *tpol;		/* NULL: no device-time policy */
	const char *status_file;
	unsigned live;
	pid_t worker[MAX_SESSIONS];	/* per slot: 0 free, -1 forking */
};

static void fill_status(FILE *f, const void *arg)
{
	const struct ldaemon *d = arg;

	fprintf(f, "sessions %u\n", d->live);
	avaw_memq_status(d->memq, f);
	avaw_tpol_status(d->tpol, f);
}

static void write_status(const struct ldaemon *d)
{
	avaw_status_write(d->status_file, fill_status, d);
}

/* The slot of worker pid (0: a free one); -1 when there is none. */
static int slot_of(const struct ldaemon *d, pid_t pid)
{
	unsigned i;

	for (i = 0; i < MAX_SESSIONS; i++)
		if (d->worker[i] == pid)
			return (int)i;
	return -1;
}

/* A slot's session is over: what it held comes back. */
static void end_slot(struct ldaemon *d, int slot)
{
	avaw_memq_free_slot(d->memq, slot);
	avaw_tpol_free_slot(d->tpol, slot);
	d->worker[slot] = 0;
}

/* One session's worker (none, with a message, if it cannot be started). */
static void start_session(struct ldaemon *d, int conn)
{
	int slot = slot_of(d, 0);
	pid_t pid;

	if (slot < 0) {
		fprintf(stderr, "ava-hostd: %u sessions at a time at most; one refused\n", MAX_SESSIONS);
		return;
	}
	d->worker[slot] = -1;
	avaw_tpol_start(d->tpol, slot, conn);
	pid = avaw_fork_session(d->sfd);
	if (pid == 0) {
		close(d->ls);
		avaw_memq_enter(d->memq, slot);
		avaw_tpol_enter(d->tpol, slot);
		if (avaw_sandbox_enter(&conn, 1))
			_exit(1);
		_exit(avaw_local_session(conn, d->arena_size));
	}
	if (pid < 0) {
		perror("ava-hostd: fork");
		end_slot(d, slot);
		return;
	}
	d->worker[slot] = pid;
	avaw_tpol_own(d->tpol, slot, pid);
	d->live++;
}

/* Takes the connections waiting; returns -1 when accepting fails for good. */
static int accept_all(struct ldaemon *d)
{
	for (;;) {
		int conn = accept4(d->ls, NULL, NULL, SOCK_CLOEXEC);

		if (conn < 0) {
			if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
				return 0;
			perror("ava-hostd: accept");
			return -1;
		}
		start_session(d, conn);
		close(conn);
	}
}

/* Reaps ended workers: what their sessions held comes back; one killed by
 * a signal is logged (the long fuzz run counts these).  The fat binary
 * cache's tidying process is reaped here too. */
static void reap(struct ldaemon *d)
{
	pid_t pid;
	int st, slot;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (avaw_fatbin_cache_reaped(pid))
			continue;
		if (WIFSIGNALED(st))
			fprintf(stderr, "ava-hostd: worker %d killed by signal %d (%s)\n", (int)pid, WTERMSIG(st),
				strsignal(WTERMSIG(st)));
		slot = slot_of(d, pid);
		if (slot >= 0)
			end_slot(d, slot);
		d->live--;
	}
}

int avaw_local_daemon(const struct avaw_local_opts *o)
{
	struct ldaemon dd = { .sfd = avaw_signals_open(), .ls = listen_on(o->path), .arena_size = o->arena_size,
			      .memq = avaw_memq_create(o->mem_quota, MAX_SESSIONS), .status_file = o->status_file,
			      .tpol = avaw_tpol_create(&o->time, MAX_SESSIONS) };
	struct ldaemon *d = &dd;
	int rc = 0;

	if (d->sfd < 0 || d->ls < 0 || !d->memq || (o->time.on && !d->tpol)) {
		if (d->sfd < 0)
			perror("ava-hostd: signalfd");
		if (!d->memq || (o->time.on && !d->tpol))
			perror("ava-hostd: shared counters");
		return 1;
	}
	write_status(d);
	avaw_ready(o->ready_fd);
	for (;;) {
		struct pollfd p[2] = { { d->sfd, POLLIN, 0 }, { d->ls, POLLIN, 0 } };
		int n = poll(p, 2, d->status_file ? STATUS_PERIOD_MS : -1);

		if (n < 0 && errno != EINTR) {
			perror("ava-hostd: poll");
			rc = 1;
			break;
		}
		if (p[0].revents) {
			if (avaw_signals_read(d->sfd))
				break;
			reap(d);
		}
		if (p[1].revents && accept_all(d)) {
			rc = 1;
			break;
		}
		write_status(d);
	}
	close(d->ls);
	unlink(o->path);
	if (d->status_file)
		unlink(d->status_file);
	close(d->sfd);
	return rc;
}
