// SPDX-License-Identifier: MIT
/*
 * worker/upload_pool.c: a session forked while the daemon's pool is ready
 * gets it (zeroed, once, only what fits, and not passed on to the
 * session's own forks); the daemon's side is gone after
 * the fork and comes back after the refill delay; a session forked before
 * that gets none; one the pool does not fit gets none; and without a pool
 * there is nothing to take.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit_check.h"
#include "upload_pool.h"

#define POOL (8u << 20)
#define DELAY_MS 50

/* A session's child: what it checks, as its exit status (0: all held). */
typedef int (*child_fn)(void);

/* Forks as the daemon forks a session; the child's result, or -1. */
static int session(child_fn fn)
{
	pid_t pid;
	int st;

	avaw_upool_fork_begin();
	pid = fork();
	avaw_upool_fork_end(pid);
	if (pid == 0)
		_exit(fn());
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* Whether a fork of this process has p mapped (msync: ENOMEM where nothing is). */
static int fork_has(void *p)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(msync(p, 4096, MS_ASYNC) == 0 ? 1 : errno == ENOMEM ? 0 : 2);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int takes_zeroed_once(void)
{
	size_t size = (3u << 20) + 5, i;
	uint8_t *p;

	if (avaw_upool_take(POOL + 1))		/* does not fit: not taken */
		return 1;
	p = avaw_upool_take(size);
	if (!p)
		return 2;
	for (i = 0; i < size; i++)
		if (p[i])
			return 3;
	for (i = 0; i < size; i++)		/* ours to write */
		p[i] = (uint8_t)i;
	if (avaw_upool_take(size))
		return 4;
	if (fork_has(p) != 0)
		return 5;
	return 0;
}

static int gets_none(void)
{
	return avaw_upool_take(1u << 20) != NULL;
}

/* Waits up to 5 s for the daemon's pool to be ready again. */
static int refilled(void)
{
	struct timespec t = { 0, 10 * 1000 * 1000 };
	int i;

	for (i = 0; i < 500 && !avaw_upool_ready(); i++)
		nanosleep(&t, NULL);
	return avaw_upool_ready();
}

static void no_pool(void)
{
	avaw_upool_setup(0, DELAY_MS);
	CHECK(!avaw_upool_ready());
	CHECK(avaw_upool_take(1u << 20) == NULL);
	CHECK(session(gets_none) == 0);
}

static void handed_out_and_refilled(void)
{
	avaw_upool_setup(POOL, DELAY_MS);
	CHECK(avaw_upool_ready());
	CHECK(session(takes_zeroed_once) == 0);
	/* the daemon's side went with the fork; until the refill, none */
	CHECK(!avaw_upool_ready());
	CHECK(session(gets_none) == 0);
	CHECK(refilled());
	/* a new one: zeroed again, whatever the first session wrote */
	CHECK(session(takes_zeroed_once) == 0);
	CHECK(refilled());
}

int main(void)
{
	RUN(no_pool, "without a pool a session has nothing to take");
	RUN(handed_out_and_refilled, "the pool goes zeroed to one session, once; the next fork gets none until the refill");
	return unit_done();
}
