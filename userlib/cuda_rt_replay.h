/* SPDX-License-Identifier: MIT */
/*
 * Registrations replayed in a forked child (cuda_rt_replay.c says why).
 * The runtime shim records each registration call it served; a forked
 * child replays them into its own session before its first lookup.
 */
#ifndef AVA_CUDA_RT_REPLAY_H
#define AVA_CUDA_RT_REPLAY_H

#include <stdint.h>

enum ava_rt_reg { AVA_RT_FATBIN, AVA_RT_FUNC, AVA_RT_VAR, AVA_RT_END };

/* fb: the handle the runtime holds; key: FATBIN its data, FUNC/VAR the host
 * address; n: FATBIN its size, VAR the variable's; a, b, c: FUNC the thread
 * limit, VAR ext, constant, global. */
void ava_rt_record(enum ava_rt_reg kind, void **fb, const void *key, const char *name, uint64_t n, int a, int b,
		   int c);
/* In a forked child, once: registers everything again, handing each new
 * kernel (var 0) or variable (var 1) to put. */
void ava_rt_replay(void (*put)(int var, const void *key, void *obj));

#endif
