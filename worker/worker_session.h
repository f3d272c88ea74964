/* SPDX-License-Identifier: MIT */
#ifndef AVA_WORKER_SESSION_H
#define AVA_WORKER_SESSION_H

#include <stdint.h>

/* Serves one session on a connected socket until the caller goes away. */
int avaw_session_run(int sock, uint64_t arena_size);

#endif
