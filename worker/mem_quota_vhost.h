/* SPDX-License-Identifier: MIT */
/*
 * The device-memory quota of a VM (mem_quota_vhost.c): the host module
 * keeps the instance's counters; the sessions' workers charge them
 * through AVA_VHOST_MEM on their session files.
 */
#ifndef AVA_MEM_QUOTA_VHOST_H
#define AVA_MEM_QUOTA_VHOST_H

#include <stdint.h>

/* A session's worker charges through its session file vfd. */
void avaw_mem_use_vhost(int vfd);

#endif
