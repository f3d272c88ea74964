/* SPDX-License-Identifier: MIT */
/*
 * Memory ava-hostd shares with the workers it forks (hostd_shared.c): a
 * MAP_SHARED mapping made before any fork, starting with a robust
 * process-shared mutex, so that a worker killed while holding it leaves
 * the next locker able to carry on (the users keep every update to a few
 * stores of one slot, whole at any point).
 */
#ifndef AVA_HOSTD_SHARED_H
#define AVA_HOSTD_SHARED_H

#include <pthread.h>
#include <stddef.h>

/* len bytes, zeroed, whose first member is the mutex at lock; NULL on failure. */
void *avaw_shared_alloc(size_t len);
void avaw_shared_lock(pthread_mutex_t *lock);

#endif
