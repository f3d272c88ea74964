/* SPDX-License-Identifier: MIT */
/*
 * A large new buffer made ready for a copy into it (worker_prefault.c):
 * its pages faulted in by threads of their own, ahead of the copy.
 */
#ifndef AVA_WORKER_PREFAULT_H
#define AVA_WORKER_PREFAULT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23	/* Linux 5.14; older C library headers lack it */
#endif

#define AVAW_PREFAULT_MAX_THREADS 4

struct avaw_prefault {
	uint8_t *p;			/* page-aligned */
	size_t n;
	_Atomic size_t next;		/* the next step to fault in */
	_Atomic int stop;
	pthread_t t[AVAW_PREFAULT_MAX_THREADS];
	unsigned running;
};

/* Threads for one large copy: AVA_STREAM_THREADS, else half the CPUs this process may run on; 1..4. */
unsigned avaw_copy_threads(void);
/*
 * Starts faulting [p, p + n) in with up to THREADS threads (none below
 * 16 MiB); the copy into it may start at once.  A kernel without
 * MADV_POPULATE_WRITE (before 5.14) leaves all to the copy.
 */
void avaw_prefault_start(struct avaw_prefault *pf, void *p, size_t n, unsigned threads);
/*
 * Stops and joins the threads (the copy is done); returns how far they
 * had come (bytes taken, 0 where none ran): less than the buffer when the
 * copy outran them and faulted the rest in itself.
 */
size_t avaw_prefault_end(struct avaw_prefault *pf);

#endif
