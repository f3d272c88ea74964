/* SPDX-License-Identifier: MIT */
/*
 * The guest library's transports, behind one table of operations.  The
 * session (guest_session.c) picks one at connect time and calls it only
 * through this table; each transport keeps its own state private.
 *   local  (transport_local.c): Unix socket to ava-hostd, shared-memory ring
 *   kernel (transport_kernel.c): /dev/ava, the guest driver and virtio
 * Operations are called with the session lock held, but for present and
 * notes_begin.
 */
#ifndef AVA_GUEST_TRANSPORT_H
#define AVA_GUEST_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ava_session;
struct ava_stream;

struct ava_transport_ops {
	const char *name;
	/* Can this transport be used here (kernel: /dev/ava exists)? */
	int (*present)(void);
	/* Opens the session and fills in s->m (the session memory view). */
	int (*connect)(struct ava_session *s);
	/* In a forked child: drops the parent's connection from this process. */
	void (*forget)(struct ava_session *s);
	/* Sends one encoded command; reply_max bounds what its reply can hold. */
	int (*send)(struct ava_session *s, const void *msg, uint32_t len, uint32_t reply_max);
	/* A counter that moves on with every reply of a synchronous command. */
	uint32_t (*reply_seq)(struct ava_session *s);
	/* Waits for the reply to the last synchronous command sent. */
	int (*wait)(struct ava_session *s, uint32_t seq_before, const uint8_t **reply, uint32_t *len);
	/*
	 * A streamed buffer (st->dir, st->app, st->len set): gives the offset
	 * its buffer reference carries.  Returns 1 when the buffer goes through
	 * a ring that stream_run moves after the command is sent, 0 when the
	 * reference alone carries it, -1 when it should not stream.
	 */
	int (*stream_open)(struct ava_session *s, struct ava_stream *st, uint64_t *ref_off);
	int (*stream_run)(struct ava_session *s, struct ava_stream *st);
	/* Callback notifications are wanted from now on. */
	void (*notes_begin)(struct ava_session *s);
	/* Receives len bytes and a file descriptor the worker sends along. */
	ssize_t (*recv_fd)(struct ava_session *s, void *buf, size_t len, int *fd);
};

/*
 * A transport's table: each transport names its operations <prefix>_<op>
 * (local_send, kernel_send, ...) and defines ava_transport_<prefix> with
 * AVA_TRANSPORT_OPS(prefix).
 */
#define AVA_TRANSPORT_OPS(prefix) {					\
	.name = #prefix, .present = prefix##_present,			\
	.connect = prefix##_connect, .forget = prefix##_forget,		\
	.send = prefix##_send, .reply_seq = prefix##_reply_seq,		\
	.wait = prefix##_wait, .stream_open = prefix##_stream_open,	\
	.stream_run = prefix##_stream_run,				\
	.notes_begin = prefix##_notes_begin, .recv_fd = prefix##_recv_fd, \
}

extern const struct ava_transport_ops ava_transport_local;
extern const struct ava_transport_ops ava_transport_kernel;

#endif
