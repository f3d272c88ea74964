// SPDX-License-Identifier: MIT
/*
 * ava-hostd in `local` mode: listens on a Unix socket and forks one worker
 * process per connection (transport_local.c), so that a crash or a hostile
 * session stays in its own process; the daemon itself never loads the
 * vendor library.  Workers outlive the daemon: each ends when its caller
 * goes away.
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
#include "hostd.h"
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

/* Takes the connections waiting; returns -1 when accepting fails for good. */
static int accept_all(int ls, int sfd, uint64_t arena_size)
{
	for (;;) {
		int conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
		pid_t pid;

		if (conn < 0) {
			if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
				return 0;
			perror("ava-hostd: accept");
			return -1;
		}
		pid = avaw_fork_session(sfd);
		if (pid == 0) {
			close(ls);
			if (avaw_sandbox_enter(&conn, 1))
				_exit(1);
			_exit(avaw_local_session(conn, arena_size));
		}
		if (pid < 0)
			perror("ava-hostd: fork");
		close(conn);
	}
}

/* Reaps ended workers; one killed by a signal is logged (the long fuzz run counts these). */
static void reap_workers(void)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		if (WIFSIGNALED(st))
			fprintf(stderr, "ava-hostd: worker %d killed by signal %d (%s)\n", (int)pid, WTERMSIG(st),
				strsignal(WTERMSIG(st)));
}

int avaw_local_daemon(const char *path, uint64_t arena_size, int ready_fd)
{
	int sfd = avaw_signals_open(), ls = listen_on(path), rc = 0;

	if (sfd < 0 || ls < 0) {
		if (sfd < 0)
			perror("ava-hostd: signalfd");
		return 1;
	}
	avaw_ready(ready_fd);
	for (;;) {
		struct pollfd p[2] = { { sfd, POLLIN, 0 }, { ls, POLLIN, 0 } };

		if (poll(p, 2, -1) < 0 && errno != EINTR) {
			perror("ava-hostd: poll");
			rc = 1;
			break;
		}
		if (p[0].revents) {
			if (avaw_signals_read(sfd))
				break;
			reap_workers();
		}
		if (p[1].revents && accept_all(ls, sfd, arena_size)) {
			rc = 1;
			break;
		}
	}
	close(ls);
	unlink(path);
	close(sfd);
	return rc;
}
