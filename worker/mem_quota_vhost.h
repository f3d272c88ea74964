/* SPDX-License-Identifier: MIT */
/*
 * The device-memory quota of a VM (mem_quota_vhost.c): the host module
 * keeps the instance's counters; the sessions' workers charge them
 * through AVA_VHOST_MEM on the instance's /dev/vhost-ava file.
 */
#ifndef AVA_MEM_QUOTA_VHOST_H
#define AVA_MEM_QUOTA_VHOST_H

#include <stdint.h>

/* The dispatcher, once attached: its workers charge through vfd. */
void avaw_mem_use_vhost(int vfd);
/* The dispatcher: the session's worker is gone; drop what it held. */
void avaw_mem_vhost_end(int vfd, uint32_t session);

#endif
