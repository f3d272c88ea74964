/* SPDX-License-Identifier: MIT */
/*
 * The device-memory quota of one `local` ava-hostd (mem_quota_local.c):
 * counters in a shared page every forked session worker charges, one per
 * session slot (hostd_local.c gives them out), which the daemon clears when
 * it reaps the worker, so that a session's memory comes back however it
 * ended.
 */
#ifndef AVA_MEM_QUOTA_LOCAL_H
#define AVA_MEM_QUOTA_LOCAL_H

#include <stdint.h>
#include <stdio.h>

struct avaw_memq;

/* quota: bytes (0: none); slots: sessions at a time.  NULL on failure. */
struct avaw_memq *avaw_memq_create(uint64_t quota, unsigned slots);
/* The daemon: slot's session is over (its worker gone, or never forked). */
void avaw_memq_free_slot(struct avaw_memq *q, int slot);
/* The forked worker: its session charges this slot (worker_mem.h's backend). */
void avaw_memq_enter(struct avaw_memq *q, int slot);
/* Writes the mem_quota_bytes, mem_used_bytes and mem_peak_bytes lines. */
void avaw_memq_status(struct avaw_memq *q, FILE *f);

#endif
