/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio_fuzz: the long fuzz run at the host module (tests/fuzz/run vfio,
 * tests/vm/suite-fuzz), linked with the VFIO harness (vfio_harness*.c).
 * vfio_fuzz.c: the batches, the accounting and main; vfio_fuzz_chain.c:
 * one malformed (or valid) descriptor chain; vfio_fuzz_worker.c: a worker
 * on /dev/vhost-ava that answers, holds, misanswers and dies at random.
 */
#ifndef VFIO_FUZZ_H
#define VFIO_FUZZ_H

#include "vfio_harness.h"

uint64_t fz_rnd(void);
uint64_t fz_n(uint64_t n);		/* 0..n-1; 0 for n 0 */
void fz_seed(uint64_t seed);

/* Builds one chain at slot s using at most room slots; returns the slots
 * used and in *reply the reply buffer it gave the device (or NULL). */
uint16_t fz_chain(struct dev *d, struct vq *q, uint16_t s, uint16_t room,
		  struct rep **reply);

struct fz_worker {
	pid_t pid;
	int up;
	unsigned long starts, crashes, exits;
};

int fzw_start(struct fz_worker *w, uint64_t seed);
void fzw_check(struct fz_worker *w, uint64_t seed);	/* restarts one that ended */
void fzw_stop(struct fz_worker *w);

#endif
