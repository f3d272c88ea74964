/* SPDX-License-Identifier: MIT */
/*
 * The guest library's one session per process (guest_session.c): the
 * transport it uses, the session memory, the bulk arena and the encoding
 * buffer.  One call at a time holds the lock.
 */
#ifndef AVA_GUEST_SESSION_H
#define AVA_GUEST_SESSION_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../uapi/ava_wire.h"
#include "guest_arena.h"
#include "guest_transport.h"
#include "shm_layout.h"

struct ava_session {
	pthread_mutex_t lock;
	int state;			/* 0 new, 1 connected, -1 failed */
	const struct ava_transport_ops *ops;
	struct ava_shm_view m;		/* ctl, reply area, notifications, arena */
	struct ava_arena arena;
	uint64_t call_seq;
	uint8_t *scratch;		/* encoding buffer, AVA_MAX_CMD */
};

extern struct ava_session ava_sess;

/* Connects if needed; returns 0, 1 when this call opened the session, or
 * -1.  Called with ava_sess.lock held. */
int ava_session_connect(void);

/*
 * fn runs once per session (a forked child's too) right after it opened,
 * on the thread whose call opened it, before that call goes out and with
 * the lock not held: it may make calls of its own, which the worker then
 * answers first.  One function; a later one replaces it.
 */
void ava_session_on_open(void (*fn)(void));
void ava_session_opened(void);	/* runs it (guest_call.c) */

/* Sends a PING and waits: afterwards the worker has finished every earlier
 * call.  Called with the lock held; returns 0 or -1. */
int ava_session_drain(struct ava_session *s);

/* Allocates n bytes of the arena for the current call (draining the
 * worker when it is full); NULL when they do not fit. */
void *ava_session_arena_alloc(struct ava_session *s, uint64_t n, uint64_t *off);

/* Receives len bytes and the file descriptor the worker sent with them. */
ssize_t ava_session_recv_fd(void *buf, size_t len, int *fd);

/* Collects finished non-blocking reads (guest_pending.c); called without
 * the lock after a synchronous call. */
void ava_pending_collect(void);

#endif
