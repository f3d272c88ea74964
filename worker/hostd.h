/* SPDX-License-Identifier: MIT */
/*
 * The host daemon, ava-hostd (ava_hostd.c): it serves sessions of one
 * transport, `local` (hostd_local.c) or `kernel` (hostd_kernel.c), each in
 * a worker process of its own that it forks and reaps.  Signals reach the
 * daemon through a signalfd (hostd_signals.c), so that SIGTERM and SIGINT
 * end it promptly whatever system call it is in.
 */
#ifndef AVA_WORKER_HOSTD_H
#define AVA_WORKER_HOSTD_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "hostd_time.h"

/*
 * Blocks SIGTERM, SIGINT and SIGCHLD and returns a non-blocking signalfd
 * that reports them (-1 on failure); ignores SIGPIPE.
 */
int avaw_signals_open(void);
/* Reads what arrived on sfd; returns 1 once SIGTERM or SIGINT did. */
int avaw_signals_read(int sfd);
/* fork() for a session's worker: in the child, sfd is closed and the signals unblocked. */
pid_t avaw_fork_session(int sfd);
/* Writes "ready\n" to fd (when >= 0) and closes it. */
void avaw_ready(int fd);
/* Replaces the status file at path (NULL: none) with what fill writes (hostd_status.c). */
void avaw_status_write(const char *path, void (*fill)(FILE *f, const void *arg), const void *arg);

struct avaw_local_opts {
	const char *path;		/* the Unix socket */
	uint64_t arena_size;		/* each session's bulk arena */
	int ready_fd;			/* told once sessions are accepted (-1: none) */
	uint64_t mem_quota;		/* device memory of all sessions together (0: none) */
	const char *status_file;	/* kept up to date (NULL: none) */
	struct avaw_time_rules time;	/* device-time sharing (--time-*) */
};

/* Serves the `local` transport on the Unix socket at o->path until a signal ends it. */
int avaw_local_daemon(const struct avaw_local_opts *o);
/* One local session on a connected socket, in its worker process (transport_local.c). */
int avaw_local_session(int sock, uint64_t arena_size);

/*
 * Serves the guest sessions of one AvA mdev instance through
 * /dev/vhost-ava until the instance goes away or a signal ends it
 * (hostd_kernel.c), at most max_sessions (0: 64) at a time; keeps
 * status_file (if not NULL) up to date with the number of live sessions.
 * Returns the process exit status.
 */
int avaw_kernel_daemon(const char *instance, int ready_fd, const char *status_file, int verbose,
		       unsigned max_sessions);

#endif
