/* SPDX-License-Identifier: MIT */
/*
 * One guest session in its worker process, and the transport interface
 * beneath it.  A transport sets a session up (transport_local.c: the Unix
 * socket and the shared-memory ring of the `local` transport;
 * transport_kernel.c: a guest session of /dev/vhost-ava), then
 * avaw_serve() (worker_dispatch.c) runs its commands through the one
 * dispatch core until the transport reports the session's end.
 */
#ifndef AVA_WORKER_SESSION_H
#define AVA_WORKER_SESSION_H

#include <stdatomic.h>
#include <stdint.h>

#include "../uapi/ava_wire.h"
#include "../common/hmap.h"

struct avaw_session;

/* What a transport does for the dispatch core (the session's t). */
struct avaw_transport {
	/*
	 * Waits for the next command and copies it to s->msg.  Returns its
	 * length (0: its framing is lost; the core refuses it), or -1 once
	 * the session has ended.  *tag names the command for reply().
	 */
	int64_t (*next)(struct avaw_session *s, uint64_t *tag);
	/* Delivers the reply built at s->reply (async: nobody waits for it). */
	void (*reply)(struct avaw_session *s, uint64_t tag, uint32_t len, uint64_t exec_ns, int async);
	/*
	 * Streamed references (AVA_REF_STREAM), NULL where none can stream:
	 * the caller's progress counter (untrusted), publishing the
	 * worker's own (AVA_STREAM_ABORT to abort), and asking for rings of
	 * AVA_STREAM_RING << shift bytes from now on (a wish the caller may
	 * ignore).
	 */
	uint64_t (*stream_peer)(struct avaw_session *s);
	void (*stream_progress)(struct avaw_session *s, uint64_t done);
	void (*stream_ring)(struct avaw_session *s, uint32_t shift);
	/* Posts a callback notification; runs on the vendor library's threads. */
	void (*notify)(struct avaw_session *s, uint64_t cookie, int64_t status);
	/* Passes fd to the caller with len bytes of msg; NULL where it cannot. */
	int (*send_fd)(struct avaw_session *s, int fd, const void *msg, uint32_t len);
	/* The session's objects are released: answer what is left (optional). */
	void (*close)(struct avaw_session *s);
};

struct avaw_session {
	const struct avaw_transport *t;
	void *tp;			/* the transport's own state */
	uint32_t session_id;		/* the header's session field it accepts */
	uint8_t *arena;			/* where buffer references point: the */
	uint64_t arena_size;		/* local arena, or the kernel windows */
	uint8_t *msg;			/* private copy of the current command */
	uint8_t *reply;			/* where the current reply is built */
	struct ava_hmap handles;	/* id -> struct avaw_handle */
	struct ava_hmap by_obj;		/* host object -> struct avaw_handle */
	uint64_t next_worker_id;
	struct ava_hmap maps;		/* map id -> struct avaw_map */
	struct ava_hmap pending;	/* pending id -> deferred output */
	uint64_t next_pending_id;
	uint64_t next_map_id;
	struct ava_hmap shared;		/* host object -> memory the caller may map */
	uint64_t mem_used;		/* device memory held (worker_mem.c) */
	struct ava_hmap mem_ptrs;	/* address -> bytes, of @alloc(ptr=) calls */
	int64_t deferred[AVA_API_COUNT];
	int has_deferred[AVA_API_COUNT];
	uint64_t stats[AVA_STAT_COUNT];
	uint32_t stream_shift;		/* the rings the worker asked for (avaw_stream_want_ring) */
	_Atomic int peer_gone;
};

/*
 * Runs the session's commands until the transport reports its end, then
 * releases everything the session held and closes the transport.  The
 * transport has set t, tp, session_id, arena, arena_size and reply.
 * Returns 0, or -1 when the core's own buffers could not be allocated.
 */
int avaw_serve(struct avaw_session *s);

/*
 * Memory the caller may map (AVA_CTL_SHARE_MEM, worker_share.c): obj's
 * fd (kept, and closed by avaw_share_drop or at the session's end) and
 * size.  avaw_share_possible tells whether the transport can pass it.
 */
int avaw_share_possible(const struct avaw_session *s);
int avaw_share_add(struct avaw_session *s, void *obj, int fd, uint64_t size);
void avaw_share_drop(struct avaw_session *s, void *obj);
void avaw_share_free_all(struct avaw_session *s);
/* AVA_CTL_SHARE_MEM: inline u64 api id, u64 handle id. */
struct avaw_call;
void avaw_share_control(struct avaw_call *c);

/*
 * The API tables (avaw_apis), filled before any session starts: every API
 * module has a register function, called by avaw_register_apis() from
 * ava-hostd's main.  CUDA's is linked in only where the toolkit's headers
 * were found (Makefile), hence weak.
 */
void avaw_register_apis(void);
void avaw_opencl_register(void);
void avaw_cuda_register(void) __attribute__((weak));

#endif
