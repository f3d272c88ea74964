/* SPDX-License-Identifier: MIT */
/*
 * The worker's view of one command: decoding helpers the generated dispatch
 * (build/gen/<api>_worker.c) calls, the per-session handle table, and the
 * reply encoder.  Everything decoded here came from the guest and is
 * checked before use: lengths against what the call will touch (computed
 * from the spec's size expressions), handles against this session's table,
 * buffer references against the arena.
 */
#ifndef AVA_WORKER_CALL_H
#define AVA_WORKER_CALL_H

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "../uapi/ava_wire.h"
#include "../common/hmap.h"
#include "../common/info_table.h"
#include "../common/shm_layout.h"
#include "../common/wire_codec.h"
#include "worker_mem.h"
#include "worker_session.h"

/*
 * Return conventions of the functions below and of the codecs
 * (worker_codecs.h and the API runtimes):
 * - checks of the guest's arguments (avaw_in, avaw_string, avaw_out,
 *   avaw_out_private, avaw_handles, avaw_<codec>_check) return 0 when the
 *   argument is acceptable, AVAW_BAD when the command is malformed (the
 *   call is marked bad: only its status goes back), or the API error the
 *   call returns without running;
 * - actions return 0 on success, nonzero on failure;
 * - questions and lookups (avaw_bad, avaw_handle, avaw_new_id_ok,
 *   avaw_stream_active, avaw_is_async) return nonzero for yes or found.
 */
#define AVAW_BAD INT64_MIN	/* a check: the command is malformed */
#define AVAW_MAX_ALLOCS 64

struct avaw_call;
typedef void (*avaw_fn)(struct avaw_call *c);
typedef int (*avaw_ref_fn)(void *obj);

struct avaw_handle_type {
	const char *name;
	avaw_ref_fn release;
	avaw_ref_fn retain;
};

struct avaw_api {
	const avaw_fn *fns;
	uint32_t nfns;
	const struct avaw_handle_type *types;
	uint32_t ntypes;
	/* 1 done, 0 running, -1 failed: completion of a deferred output */
	int (*event_state)(void *event);
};

struct avaw_handle {
	uint64_t id;
	uint32_t api;
	uint32_t type;
	void *obj;
	struct avaw_bindings *bound;	/* objects bound to it (kernel arguments) */
	uint64_t mem_bytes;		/* device memory charged to it (@alloc) */
	int failed;			/* its creation, sent without waiting, failed: no object */
};

struct avaw_data {
	const void *p;
	uint64_t len;
	int present;
	int shared;		/* p is in memory the guest can still write */
};

struct avaw_out {
	void *p;
	const void *preload;	/* initial content of an inline output */
	uint64_t cap;
	int present;
	int is_ref;
	int stream;		/* the call's streamed output */
	void *ref_dst;		/* private output: copied here at reply */
};

struct avaw_stream {
	uint32_t dir;		/* 0, AVA_REF_IN or AVA_REF_OUT */
	uint8_t *ring;
	uint64_t ring_size;
	uint64_t len;
	int finished;
	uint64_t waited_ns;	/* the copiers' time waiting for the caller, summed (AVA_WORKER_VERBOSE) */
};

struct avaw_call {
	struct avaw_session *s;
	struct avaw_stream stream;
	uint32_t api;
	const struct avaw_api *a;
	struct ava_rbuf r;
	struct ava_buf_ref refs[AVA_MAX_REFS];
	uint32_t nrefs;
	struct ava_wbuf w;
	int bad;
	int async;		/* the caller does not wait for this one */
	uint32_t flags;		/* the command header's AVA_CMD_* */
	uint32_t status;
	uint64_t t0;
	uint64_t exec_ns;
	void *allocs[AVAW_MAX_ALLOCS];
	unsigned nallocs;
	void *deferred;		/* staging of a deferred output (worker_pending.c) */
};

extern const struct avaw_api *avaw_apis[AVA_API_COUNT];

/*
 * Before a @submit call: nonzero when it came through the kernel transport
 * without AVA_CMD_SUBMIT (the host module holds only flagged submissions),
 * and is refused (transport_kernel_time.c).
 */
int avaw_submit_unflagged(struct avaw_call *c);

static inline uint64_t avaw_min(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* decoding */
uint64_t avaw_get_u64(struct avaw_call *c);
void avaw_get_data(struct avaw_call *c, struct avaw_data *d);
void avaw_get_out(struct avaw_call *c, struct avaw_out *o);
/* The same, for parameters the spec lets stream (@in/@out(..., stream=...)). */
void avaw_get_data_stream(struct avaw_call *c, struct avaw_data *d);
void avaw_get_out_stream(struct avaw_call *c, struct avaw_out *o);
/* Is a streamed buffer waiting to be moved by this call's implementation? */
int avaw_stream_active(struct avaw_call *c);
int avaw_stream_in(struct avaw_call *c, void *dst, uint64_t len);
int avaw_stream_out(struct avaw_call *c, const void *src, uint64_t len);
void avaw_stream_abort(struct avaw_call *c);
/*
 * The rules both ways of moving a stream follow (worker_stream.c):
 * avaw_stream_peer reads the caller's counter into *g, -1 if the caller
 * cannot have reached it with the worker at done; avaw_stream_ready says
 * whether the caller's side of the stream bytes [pos, pos + n) is ready
 * (filled: in; its ring space emptied: out); avaw_stream_moved marks the
 * stream moved whole.
 */
int avaw_stream_peer(struct avaw_call *c, uint64_t done, uint64_t *g);
int avaw_stream_peer_ok(const struct avaw_call *c, uint64_t done, uint64_t g);
int avaw_stream_ready(const struct avaw_call *c, uint64_t g, uint64_t pos, uint64_t n);
void avaw_stream_moved(struct avaw_call *c);
/*
 * The streamed buffer moved by the backend's own asynchronous transfers
 * from (in) or into (out) the ring's chunks, several under way at a time
 * (worker_stream_pipe.c).  start queues the transfer of the stream's bytes
 * [pos, pos + n) from or to chunk; poll returns 1 once that transfer has
 * completed, -1 once it has failed (both drop the token), 0 while it runs
 * (never with wait set: then it waits for the end).  Returns 0, or -1 when
 * the stream was aborted, once nothing queued can touch the ring any more.
 */
struct avaw_pipe_ops {
	int (*start)(void *ctx, uint64_t pos, uint8_t *chunk, uint64_t n, void **token);
	int (*poll)(void *ctx, void *token, int wait);
};
int avaw_stream_pipe(struct avaw_call *c, const struct avaw_pipe_ops *ops, void *ctx);
/* Asks the caller for rings of AVA_STREAM_RING << shift from now on. */
void avaw_stream_want_ring(struct avaw_call *c, uint32_t shift);
/*
 * The largest ring for the streams to come, until avaw_stream_want_ring_back
 * asks for the session's own again: a large upload follows, which
 * avaw_stream_in then moves with several threads, as the caller does.
 */
void avaw_stream_want_big_ring(struct avaw_call *c);
void avaw_stream_want_ring_back(struct avaw_call *c);
/* The copies of avaw_stream_in and _out into or out of buf (worker_stream_copiers.c): 0, or -1. */
int avaw_stream_copiers(struct avaw_call *c, uint8_t *buf);
int avaw_bad(struct avaw_call *c);
void avaw_set_bad(struct avaw_call *c);
void avaw_fail(struct avaw_call *c, uint32_t status);
/*
 * checks (0 or AVAW_BAD): does a buffer hold what the spec's size says?
 * What the worker or the vendor interprets (strings, typed arrays such as
 * regions, formats and lengths, small byte structures) is first copied to
 * private memory, and d then points to the copy: the guest cannot change
 * it between the check and the use.  Bulk bytes stay in place (zero-copy).
 */
/* Moves data that lies in guest-writable memory into the call's private memory (0 or AVAW_BAD). */
int64_t avaw_privatize(struct avaw_call *c, struct avaw_data *d);
int64_t avaw_in(struct avaw_call *c, struct avaw_data *d, uint64_t count, uint64_t esize);
int64_t avaw_string(struct avaw_call *c, struct avaw_data *d);
int64_t avaw_out(struct avaw_call *c, struct avaw_out *o, uint64_t count, uint64_t esize);
/* An output the worker reads back after the call: always private memory. */
int64_t avaw_out_private(struct avaw_call *c, struct avaw_out *o, uint64_t count, uint64_t esize);
/* count handles of one type into *out (freed by the caller): 0, AVAW_BAD,
 * or invalid_err when one is not a live handle of that type */
int64_t avaw_handles(struct avaw_call *c, struct avaw_data *d, uint64_t count, uint32_t type,
		     int64_t invalid_err, void ***out);
void *avaw_alloc(struct avaw_call *c, uint64_t n);

/* replies */
void avaw_put_u64(struct avaw_call *c, uint64_t v);
void avaw_put_out(struct avaw_call *c, struct avaw_out *o, uint64_t len);

/* handles */
int avaw_handle(struct avaw_call *c, uint64_t id, uint32_t type, void **obj);
int avaw_new_id_ok(struct avaw_call *c, uint64_t id);
/* A new object's id the guest may not name (0, the worker's range, taken):
 * fails the call with AVA_S_BAD_HANDLE and returns nonzero. */
int avaw_new_id_refused(struct avaw_call *c, uint64_t id);
int avaw_handle_new(struct avaw_call *c, uint64_t id, uint32_t type, void *obj);
/* The creation of id, sent without waiting, failed: id stays taken (until the
 * guest releases it) and every use of it is refused as an invalid object. */
void avaw_handle_failed(struct avaw_call *c, uint64_t id, uint32_t type);
uint64_t avaw_handle_export(struct avaw_call *c, uint32_t type, void *obj, int owned);
void avaw_export_array(struct avaw_call *c, void *p, uint64_t n, uint32_t type, int owned);
int avaw_handle_release(struct avaw_session *s, uint32_t api, uint64_t id);
void avaw_obj_release(struct avaw_call *c, uint32_t type, void *obj);
void avaw_obj_retain(struct avaw_session *s, uint32_t api, uint32_t type, void *obj);
void avaw_obj_drop(struct avaw_session *s, uint32_t api, uint32_t type, void *obj);
/*
 * Objects bound to slots of an owner object (a kernel's arguments): each
 * holds a reference until its slot is bound again or the owner's handle
 * is released.  avaw_bind_reserve (0 or nonzero) makes room for slot
 * before the vendor call, so that avaw_bind cannot fail after it; type 0
 * empties the slot.
 */
int avaw_bind_reserve(struct avaw_call *c, void *owner, uint32_t slot);
void avaw_bind(struct avaw_call *c, void *owner, uint32_t slot, uint32_t type, void *obj);

/* Deferred outputs (non-blocking reads): the data goes to a staging buffer
 * the guest collects with AVA_CTL_PENDING once the event has completed. */
int avaw_out_defer(struct avaw_call *c, struct avaw_out *o);
uint64_t avaw_pending_add(struct avaw_call *c, struct avaw_out *o, uint32_t type, void *event);
/* A pending record whose data already lies in worker memory (src, len), under the guest's id. */
uint64_t avaw_pending_add_src(struct avaw_call *c, uint64_t id, uint32_t type, void *event, const void *src,
			      uint64_t len);
void avaw_pending_collect(struct avaw_call *c);
void avaw_pending_free_all(struct avaw_session *s);
void avaw_handles_release_all(struct avaw_session *s);
void avaw_session_end(struct avaw_session *s);

/* info values holding handles (common/info_table.h) */
void avaw_info_to_wire(struct avaw_call *c, const struct ava_info_entry *t, uint32_t key, void *p, uint64_t len);

/* asynchronous errors and callbacks */
void avaw_defer(struct avaw_call *c, int64_t err);
static inline int avaw_is_async(const struct avaw_call *c)
{
	return c->async;
}
int64_t avaw_take_deferred(struct avaw_call *c, int64_t ret);
void *avaw_cb_record(struct avaw_call *c, uint64_t cookie);
void avaw_notify(void *record, int64_t status);

void avaw_call_timer_start(struct avaw_call *c);
void avaw_call_timer_stop(struct avaw_call *c);

void avaw_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The per-command core shared by the transports (worker_dispatch.c): runs
 * the len-byte command at msg (a private copy) for session s, checking
 * its framing and references against s->m.arena / s->m.arena_size, and
 * builds the reply (header and inline results) at reply, which has room
 * for sizeof(struct ava_reply_hdr) + AVA_MAX_REPLY_INLINE bytes.  Returns
 * the reply's length; *async tells whether the caller waits for it.
 */
uint32_t avaw_process(struct avaw_session *s, const uint8_t *msg, uint32_t len, uint8_t *reply,
		      uint64_t *exec_ns, int *async);

#endif
