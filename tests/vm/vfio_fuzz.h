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

/*
 * Shared by the harness and its worker: how many times the harness has
 * withdrawn guest pages (a reset, an unmap), and that count as the worker
 * last saw it, before it asked for the command it is touching.
 */
struct fz_epochs {
	uint64_t withdrawn;
	uint64_t seen;
};

struct fz_worker {
	pid_t pid;
	int up;
	uint64_t seed;
	struct fz_epochs *ep;
	unsigned long starts, crashes, exits, withdrawn;
};

int fzw_start(struct fz_worker *w);
/* Before a reset or an unmap: pages of commands in flight go away. */
void fzw_withdrawing(struct fz_worker *w);
/*
 * Restarts a worker that ended.  One killed by a signal is a crash, except
 * SIGBUS when pages were withdrawn since it asked for its command
 * (expected: the guest reset the device or the VMM unmapped the memory of
 * a command the worker was touching, docs/host-module.md), however late
 * the worker got to touch them.
 */
void fzw_check(struct fz_worker *w);
void fzw_stop(struct fz_worker *w);

#endif
