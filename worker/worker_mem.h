/* SPDX-License-Identifier: MIT */
/*
 * Device-memory accounting (worker_mem.c, docs/design.md "Resource
 * accounting").  The generated dispatch charges what a spec's @alloc
 * call allocates before the vendor call and gives it back as @free and
 * handle releases say; the session's tenant (an ava-hostd instance on the
 * `local` transport, the VM on the `kernel` one) holds the quota, through
 * the backend the daemon installs before it forks the session's worker.
 */
#ifndef AVA_WORKER_MEM_H
#define AVA_WORKER_MEM_H

#include <stddef.h>
#include <stdint.h>

struct avaw_call;
struct avaw_session;

/* A tenant's counters and quota, kept where every session of it can reach. */
struct avaw_mem_ops {
	/* Adds bytes to the tenant's usage unless that passes its quota: 0, or -1. */
	int (*charge)(void *ctx, uint32_t session, uint64_t bytes);
	void (*uncharge)(void *ctx, uint32_t session, uint64_t bytes);
	/* The quota (0: none) and the usage now. */
	void (*query)(void *ctx, uint64_t *quota, uint64_t *used);
};

/* Installs the backend of this process's sessions (none: counted, no quota). */
void avaw_mem_use(const struct avaw_mem_ops *ops, void *ctx);

/* For the generated code (api/avagen/resources.py). */
int avaw_mem_charge(struct avaw_call *c, uint64_t bytes);	/* 0, or 1: over the quota */
void avaw_mem_uncharge(struct avaw_call *c, uint64_t bytes);
void avaw_mem_keep_handle(struct avaw_call *c, uint64_t id, uint64_t bytes);
void avaw_mem_keep_ptr(struct avaw_call *c, uint64_t addr, uint64_t bytes);
void avaw_mem_free_ptr(struct avaw_call *c, uint64_t addr);
/* Lowers *total (and *free), each width bytes wide, to the tenant's room. */
void avaw_mem_info(struct avaw_call *c, void *total, void *free, size_t width);
/* a * b, saturated: sizes the spec multiplies */
uint64_t avaw_mem_mul(uint64_t a, uint64_t b);

/* A handle holding bytes was dropped; the session ended (gives back the rest). */
void avaw_mem_return(struct avaw_session *s, uint64_t bytes);
void avaw_mem_end(struct avaw_session *s);

#endif
