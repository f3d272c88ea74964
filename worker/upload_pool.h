/* SPDX-License-Identifier: MIT */
/*
 * A zeroed buffer the daemon keeps ready for the next session's first
 * large upload (a CUDA fat binary of hundreds of MB), so that the upload
 * is a copy only: zeroing 200 MB of new pages took as long as copying into
 * them on the 2-core machine, and on the H200 host the copy into ready
 * pages took 21-25 ms against 35-54 into new ones (docs/performance.md).
 *
 * The daemon makes it (private, huge pages where offered, populated,
 * never inherited by a fork but the one that hands it out) and hands it to
 * the next session worker it forks: the child inherits it copy-on-write
 * and the daemon unmaps its side at once, so the child's writes reuse the
 * pages without copying, and no two processes ever share what is written
 * (nor does the child pass it on to its own forks).
 * A new one is made a while after (AVAW_UPOOL_REFILL_MS: not while the
 * session that took the last one starts), on a thread at the lowest
 * priority.  A session that never takes its pool keeps it as
 * lazily freed memory, which the kernel reclaims under pressure.
 */
#ifndef AVA_WORKER_UPLOAD_POOL_H
#define AVA_WORKER_UPLOAD_POOL_H

#include <stddef.h>
#include <sys/types.h>

#define AVAW_UPOOL_REFILL_MS 1000

/* The daemon: pools of bytes (0: none), the first made now; refills
 * delay_ms after one is handed out. */
void avaw_upool_setup(size_t bytes, unsigned delay_ms);
/* The daemon, around each session's fork: before it, and after it with
 * its result (the parent's side: a pool handed out goes away here). */
void avaw_upool_fork_begin(void);
void avaw_upool_fork_end(pid_t pid);
/* The daemon: whether a pool waits for the next fork (tests). */
int avaw_upool_ready(void);

/* The session worker: its pool if one came and holds size bytes, else
 * NULL; what is past size is given back.  Taken once; munmap it. */
void *avaw_upool_take(size_t size);

#endif
