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
	uint64_t seed;
	unsigned long starts, crashes, exits, withdrawn;
};

int fzw_start(struct fz_worker *w);
/*
 * Restarts a worker that ended.  One killed by a signal is a crash, except
 * SIGBUS while pages were withdrawn (expected: the guest reset the device
 * or the VMM unmapped the memory of a command the worker was touching,
 * docs/host-module.md).
 */
void fzw_check(struct fz_worker *w, bool withdrawn);
void fzw_stop(struct fz_worker *w);

#endif
