/* SPDX-License-Identifier: MIT */
/*
 * The `kernel` transport between its two processes: the dispatcher
 * (hostd_kernel.c), which takes every command of one VM from
 * /dev/vhost-ava and forwards each to its guest session's worker, and that
 * worker (transport_kernel.c), which runs the session's commands and
 * completes them itself.
 */
#ifndef AVA_WORKER_TRANSPORT_KERNEL_H
#define AVA_WORKER_TRANSPORT_KERNEL_H

#include <stdatomic.h>
#include <stdint.h>

#include "../uapi/ava_wire.h"

/* Progress a session worker shares with the dispatcher (a shared page). */
struct avaw_kshared {
	_Atomic uint64_t done;		/* commands finished, in order */
	_Atomic uint64_t parked;	/* token of a parked NOTE_WAIT, or 0 */
};

/* Framing of a command forwarded to a session worker on their socket pair. */
struct avaw_kmsg_hdr {
	uint64_t token;			/* the module's, for AVA_VHOST_COMPLETE */
	uint32_t len;
	uint32_t pad;
};

/* The /dev/vhost-ava instance a session worker answers through. */
struct avaw_kdev {
	int vfd;
	uint64_t window;		/* size of each of the two windows */
};

/*
 * Serves one guest session in its worker process: commands arrive on
 * sock, replies go to the device; sh is shared with the dispatcher.
 * Returns the process exit status.
 */
int avaw_kernel_session(const struct avaw_kdev *dev, int sock, uint32_t session, struct avaw_kshared *sh);

/* Completes token with a reply of len bytes. */
int avaw_kernel_complete(int vfd, uint64_t token, const void *reply, uint32_t len, uint64_t exec_ns);
/* Completes token with a reply that has a status only (h: the command, or NULL). */
void avaw_kernel_complete_status(int vfd, uint64_t token, const struct ava_cmd_hdr *h, uint32_t status);

static inline int avaw_is_ctl(const struct ava_cmd_hdr *h, uint32_t func)
{
	return h->api_id == AVA_API_CONTROL && h->func_id == func;
}

#endif
