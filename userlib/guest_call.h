/* SPDX-License-Identifier: MIT */
/*
 * Building one remoted call in the guest library: the generated stubs call
 * ava_call_begin, ava_put_* for each argument, ava_call_exchange, then
 * ava_get_* for each result, and ava_call_end.  One call at a time per
 * process holds the session (calls from several threads are serialized).
 */
#ifndef AVA_GUEST_CALL_H
#define AVA_GUEST_CALL_H

#include <stddef.h>
#include <stdint.h>

#include "../uapi/ava_wire.h"
#include "guest_stream.h"
#include "wire_codec.h"

#define AVA_MAX_OUTS 16
/* Data at or above this size travels in the bulk arena, not inline. */
#define AVA_INLINE_DATA_MAX (32u << 10)

struct ava_out_slot {
	void *arena;		/* where the worker puts the data, or NULL: inline */
	uint64_t cap;
	int streamed;		/* already delivered by the stream */
};

/*
 * ava_call_begin clears the fields before r; the arrays after it are
 * written entry by entry as they are filled (nrefs, nouts count them), so
 * that opening a call does not clear 2 KiB.
 */
struct ava_call {
	struct ava_wbuf w;
	uint32_t nrefs;
	uint32_t nouts;
	uint32_t outpos;
	uint64_t reply_budget;	/* inline reply bytes still free */
	uint32_t api;
	uint32_t func;
	int async;
	uint32_t flags;		/* more header flags: AVA_CMD_SUBMIT (generated stubs) */
	struct ava_stream stream;	/* the one buffer that runs through the ring */
	int failed;		/* an argument could not be encoded */
	uint32_t fail_status;
	struct ava_rbuf r;
	uint32_t exec_ns;
	struct ava_buf_ref refs[AVA_MAX_REFS];
	struct ava_out_slot outs[AVA_MAX_OUTS];
};

int ava_call_begin(struct ava_call *c, uint32_t api, uint32_t func, int async);
/* An argument cannot be encoded: the call is not sent and returns st. */
void ava_call_fail(struct ava_call *c, uint32_t st);
void ava_put_u64(struct ava_call *c, uint64_t v);
/* A buffer argument; p == NULL sends a NULL pointer. */
void ava_put_data(struct ava_call *c, const void *p, uint64_t n);
/* Like ava_put_data/ava_put_out, but large buffers stream (see shm_layout.h). */
void ava_put_data_stream(struct ava_call *c, const void *p, uint64_t n, int allow);
void ava_put_out_stream(struct ava_call *c, void *p, uint64_t cap, int allow);
/* An ava_put_inout that may stream where allow says the call writes all of it. */
void ava_put_inout_stream(struct ava_call *c, void *p, uint64_t cap, int allow);
/* Reserves n bytes of a data item and returns where to write them. */
void *ava_put_reserve(struct ava_call *c, uint64_t n);
void ava_put_string(struct ava_call *c, const char *s);
void ava_put_handles(struct ava_call *c, const void *const *objs, uint64_t n, uint32_t type);
/* An output buffer of cap bytes; p == NULL tells the worker it is NULL. */
void ava_put_out(struct ava_call *c, const void *p, uint64_t cap);
/* An output the call writes only partly: its current content goes along. */
void ava_put_inout(struct ava_call *c, const void *p, uint64_t cap);
/* Sends the call; waits for the reply unless async.  Returns AVA_S_*. */
int ava_call_exchange(struct ava_call *c);
uint64_t ava_get_u64(struct ava_call *c);
/* Was the call sent without waiting (AVA_SYNC=1 turns async calls synchronous)? */
static inline int ava_call_is_async(const struct ava_call *c)
{
	return c->async;
}
/* Copies the next output (at most cap bytes) to dst; returns its length. */
uint64_t ava_get_out(struct ava_call *c, void *dst, uint64_t cap);
/* Output of n handle ids, turned into guest objects in place. */
void ava_get_handles(struct ava_call *c, void **dst, uint64_t n, uint32_t api, uint32_t type, int owned);
void ava_call_end(struct ava_call *c);
/* A non-blocking read's data, delivered to dst once the worker has it. */
void ava_pending_add(uint64_t id, void *dst, uint64_t len);
/* Forgets a pending id whose destination goes away (an unmapped mirror). */
void ava_pending_drop(uint64_t id);

/* Maps a transport status to the API's error codes. */
int ava_status_error(int st, int transport_err, int nomem_err, int unsupported_err);
void ava_unsupported(const char *fn);

/* Session-level operations used by the runtime. */
int ava_session_ping(void);
int ava_session_release(uint32_t api, uint64_t id);
int ava_session_stats(uint64_t *out, unsigned n);
void ava_print_stats(void);

/* Debug output when AVA_DEBUG is set. */
void ava_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
