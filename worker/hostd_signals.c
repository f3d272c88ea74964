// SPDX-License-Identifier: MIT
/*
 * Signals of the host daemon.  SIGTERM, SIGINT and SIGCHLD stay blocked
 * and are read from a signalfd that the daemon polls with its other
 * descriptors: a flag set by a handler can arrive just before a blocking
 * call starts and be missed, which once left ava-hostd in accept4 after
 * SIGTERM.  Session workers get them unblocked (SIGPIPE stays ignored:
 * a caller that goes away must not kill its worker mid-call).  A session's
 * fork hands it the daemon's upload pool (upload_pool.h).
 */
#include <signal.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "hostd.h"
#include "upload_pool.h"

static void daemon_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGCHLD);
}

int avaw_signals_open(void)
{
	sigset_t set;

	daemon_signals(&set);
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int avaw_signals_read(int sfd)
{
	struct signalfd_siginfo si;
	int stop = 0;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
			stop = 1;
	return stop;
}

pid_t avaw_fork_session(int sfd)
{
	sigset_t set;
	pid_t pid;

	avaw_upool_fork_begin();
	pid = fork();
	avaw_upool_fork_end(pid);

	if (pid != 0)
		return pid;
	close(sfd);
	daemon_signals(&set);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	return 0;
}

void avaw_ready(int fd)
{
	if (fd < 0)
		return;
	if (write(fd, "ready\n", 6) != 6)
		perror("ava-hostd: --ready-fd");
	close(fd);
}
