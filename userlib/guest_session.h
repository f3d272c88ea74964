/* SPDX-License-Identifier: MIT */
/*
 * The guest library's one session per process and the transport beneath
 * it.  transport_local.c implements the `local` transport (Unix socket to
 * the host daemon, then a shared-memory ring); transport_kernel.c the
 * `kernel` transport over /dev/ava (guest driver), with the same
 * operations, and picks one of the two at connect time.
 */
#ifndef AVA_GUEST_SESSION_H
#define AVA_GUEST_SESSION_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../uapi/ava_wire.h"
#include "shm_layout.h"


struct ava_session {
	pthread_mutex_t lock;
	int state;			/* 0 new, 1 connected, -1 failed */
	int sock;
	struct ava_shm_view m;
	uint64_t arena_head;		/* monotonic allocation position */
	uint64_t arena_free;		/* everything before this is free */
	uint64_t call_start;		/* arena_head when the current call began */
	uint64_t call_seq;
	uint8_t *scratch;		/* encoding buffer, AVA_MAX_CMD */
	int kernel;			/* the `kernel` transport: buffers of streamed
					 * parameters go by address, pinned by the driver */
	uint32_t reply_hint;		/* most reply bytes the call being sent can get */
	uint32_t kseq;			/* kernel: replies received */
	uint32_t kreply_len;		/* kernel: length of the last reply */
};

extern struct ava_session ava_sess;

/* Connects if needed; returns 0 or -1.  Called with ava_sess.lock held. */
int ava_session_connect(void);

/* Receives len bytes and the file descriptor sent with them (SCM_RIGHTS). */
ssize_t ava_recv_with_fd(int sock, void *buf, size_t len, int flags, int *fd);

/* transport operations, called with the lock held (transport_kernel.c
 * routes them to the transport in use) */
int ava_transport_connect(struct ava_session *s);
int ava_transport_send(struct ava_session *s, const void *msg, uint32_t len);
/* Waits for the reply to the last synchronous command. */
int ava_transport_wait(struct ava_session *s, uint32_t seq_before, const uint8_t **reply, uint32_t *len);
uint32_t ava_transport_reply_seq(struct ava_session *s);
int ava_transport_peer_alive(struct ava_session *s);
/* Callback notifications are wanted from now on (guest_objects.c). */
void ava_transport_notes_begin(struct ava_session *s);

/* the `local` transport (transport_local.c) */
int ava_local_connect(struct ava_session *s);
int ava_local_send(struct ava_session *s, const void *msg, uint32_t len);
int ava_local_wait(struct ava_session *s, uint32_t seq_before, const uint8_t **reply, uint32_t *len);
uint32_t ava_local_reply_seq(struct ava_session *s);
int ava_local_peer_alive(struct ava_session *s);

#endif
