/* SPDX-License-Identifier: MIT */
/*
 * The `kernel` transport between its two processes: the dispatcher
 * (hostd_kernel.c), which hears from /dev/vhost-ava of each guest session
 * of one VM and forks its worker with the session's own file, and that
 * worker (transport_kernel.c), which takes the session's commands from the
 * file and completes them.
 */
#ifndef AVA_WORKER_TRANSPORT_KERNEL_H
#define AVA_WORKER_TRANSPORT_KERNEL_H

#include <stdint.h>

#include "../uapi/ava_wire.h"

/* A /dev/vhost-ava file: the dispatcher's, or a session's. */
struct avaw_kdev {
	int vfd;
	uint64_t window;		/* size of each of the two windows */
};

/*
 * Serves one guest session in its worker process through the session's
 * file dev (commands and replies).  Returns the process exit status.
 */
int avaw_kernel_session(const struct avaw_kdev *dev, uint32_t session);

/*
 * The session's device time is reported to the module through its file
 * vfd, whose policy holds the flagged submissions (transport_kernel_time.c).
 */
void avaw_time_use_vhost(int vfd);

/* Completes token with a reply of len bytes. */
int avaw_kernel_complete(int vfd, uint64_t token, const void *reply, uint32_t len, uint64_t exec_ns);
/* Completes token with a reply that has a status only (h: the command, or NULL). */
void avaw_kernel_complete_status(int vfd, uint64_t token, const struct ava_cmd_hdr *h, uint32_t status);

static inline int avaw_is_ctl(const struct ava_cmd_hdr *h, uint32_t func)
{
	return h->api_id == AVA_API_CONTROL && h->func_id == func;
}

#endif
