// SPDX-License-Identifier: MIT
/*
 * The dispatch core every transport shares: the API tables, the session
 * loop, and per command the framing and reference checks, control
 * functions, the generated dispatch, and the reply.  The transports
 * (transport_local.c: `local`, transport_kernel.c: `kernel`) only move
 * commands in and replies out (struct avaw_transport).  References are
 * checked against the session's bulk area, s->arena / s->arena_size: the
 * shared arena of a local session, the worker's mapping windows of a
 * kernel session.
 */
#include <stdlib.h>
#include <string.h>

#include "worker_call.h"
#include "worker_staging.h"
#include "worker_time.h"

const struct avaw_api *avaw_apis[AVA_API_COUNT];

void avaw_register_apis(void)
{
	avaw_opencl_register();
	if (avaw_cuda_register)
		avaw_cuda_register();
}

static void control(struct avaw_session *s, struct avaw_call *c, uint32_t func)
{
	uint64_t api, id;
	unsigned i;

	switch (func) {
	case AVA_CTL_PING:
		break;
	case AVA_CTL_RELEASE:
		api = avaw_get_u64(c);
		id = avaw_get_u64(c);
		if (c->r.bad || c->r.pos != c->r.len || api >= AVA_API_COUNT || avaw_handle_release(s, (uint32_t)api, id))
			avaw_fail(c, AVA_S_BAD_HANDLE);
		break;
	case AVA_CTL_PENDING:
		avaw_pending_collect(c);
		break;
	case AVA_CTL_STATS:
		for (i = 0; i < AVA_STAT_COUNT; i++)
			avaw_put_u64(c, s->stats[i]);
		break;
	case AVA_CTL_SHARE_MEM:
		avaw_share_control(c);
		break;
	default:
		avaw_fail(c, AVA_S_BAD_FUNC);
	}
}

/* Checks a command's framing; returns AVA_S_OK or why it is refused. */
static uint32_t check_frame(struct avaw_session *s, const struct ava_cmd_hdr *h, struct avaw_call *c)
{
	uint64_t refs_len = (uint64_t)h->nrefs * sizeof(struct ava_buf_ref);
	uint32_t known = s->t->stream_peer ? AVA_REF_KNOWN_FLAGS : AVA_REF_KNOWN_FLAGS & ~AVA_REF_STREAM;
	const struct ava_buf_ref *r;
	uint32_t i;

	if (h->magic != AVA_WIRE_MAGIC || h->version != AVA_WIRE_VERSION)
		return AVA_S_BAD_MAGIC;
	if (h->api_id >= AVA_API_COUNT || (h->api_id != AVA_API_CONTROL && !avaw_apis[h->api_id]))
		return AVA_S_BAD_API;
	if ((h->flags & ~AVA_CMD_KNOWN_FLAGS) || h->session != s->session_id || h->nrefs > AVA_MAX_REFS ||
	    h->inline_len > AVA_MAX_INLINE ||
	    sizeof(*h) + (uint64_t)h->inline_len + refs_len != h->total_len)
		return AVA_S_MALFORMED;
	r = (const struct ava_buf_ref *)((const uint8_t *)(h + 1) + h->inline_len);
	for (i = 0; i < h->nrefs; i++) {
		int stream = (r[i].flags & AVA_REF_STREAM) != 0;
		uint64_t span;

		c->refs[i] = r[i];
		c->nrefs = i + 1;	/* so that a refused stream is still aborted */
		/* a streamed buffer of any length occupies only its ring */
		span = stream ? ava_stream_ring_bytes(c->refs[i].reserved) : c->refs[i].len;
		if (!c->refs[i].flags || (c->refs[i].flags & ~known) || (stream ? !span : c->refs[i].reserved != 0) ||
		    c->refs[i].offset > s->arena_size || span > s->arena_size - c->refs[i].offset)
			return AVA_S_BAD_REF;
	}
	return AVA_S_OK;
}

static uint32_t build_reply(uint8_t *reply, const struct ava_cmd_hdr *h, struct avaw_call *c)
{
	struct ava_reply_hdr *rh = (struct ava_reply_hdr *)reply;

	rh->magic = AVA_WIRE_MAGIC;
	rh->version = AVA_WIRE_VERSION;
	rh->api_id = h->api_id;
	rh->func_id = h->func_id;
	rh->status = c->bad ? c->status : AVA_S_OK;
	rh->call_id = h->call_id;
	rh->inline_len = c->bad ? 0 : (uint32_t)c->w.len;
	rh->exec_ns_lo = (uint32_t)avaw_min(c->exec_ns, UINT32_MAX);
	return (uint32_t)(sizeof(*rh) + rh->inline_len);
}

uint32_t avaw_process(struct avaw_session *s, const uint8_t *msg, uint32_t len, uint8_t *reply,
		      uint64_t *exec_ns, int *async)
{
	const struct ava_cmd_hdr *h = (const struct ava_cmd_hdr *)msg;
	static const struct ava_cmd_hdr none;
	struct avaw_call c;
	uint32_t st = AVA_S_OK;
	unsigned i;

	memset(&c, 0, sizeof(c));
	c.s = s;
	ava_wbuf_init(&c.w, reply + sizeof(struct ava_reply_hdr), AVA_MAX_REPLY_INLINE);
	s->stats[AVA_STAT_CALLS]++;
	if (len < sizeof(*h))
		st = AVA_S_MALFORMED;
	else
		st = check_frame(s, h, &c);
	if (st == AVA_S_OK) {
		c.api = h->api_id;
		c.async = (h->flags & AVA_CMD_ASYNC) != 0;
		c.flags = h->flags;
		c.a = avaw_apis[c.api];
		ava_rbuf_init(&c.r, h + 1, h->inline_len);
		s->stats[AVA_STAT_INLINE_BYTES] += h->inline_len;
		if (c.api == AVA_API_CONTROL)
			control(s, &c, h->func_id);
		else if (h->func_id >= c.a->nfns || !c.a->fns[h->func_id])
			avaw_fail(&c, AVA_S_BAD_FUNC);
		else
			c.a->fns[h->func_id](&c);
		if (!c.bad && c.w.overflow)
			avaw_fail(&c, AVA_S_TOO_LARGE);
	} else {
		avaw_fail(&c, st);
	}
	/* a stream the call did not move must not keep the caller waiting */
	for (i = 0; i < c.nrefs; i++)
		if ((c.refs[i].flags & AVA_REF_STREAM) && !c.stream.finished) {
			c.stream.dir = c.stream.dir ? c.stream.dir : AVA_REF_IN;
			avaw_stream_abort(&c);
		}
	for (i = 0; i < c.nallocs; i++)
		free(c.allocs[i]);
	avaw_staging_free(c.deferred);	/* unless a pending record took it */
	if (c.bad) {
		s->stats[AVA_STAT_ERRORS]++;
		if (getenv("AVA_WORKER_VERBOSE"))
			avaw_log("refused command (api %u, function %u): status %u",
				 len >= sizeof(*h) ? h->api_id : 0, len >= sizeof(*h) ? h->func_id : 0, c.status);
	}
	*exec_ns = c.exec_ns;
	*async = len >= sizeof(*h) && (h->flags & AVA_CMD_ASYNC);
	return build_reply(reply, len >= sizeof(*h) ? h : &none, &c);
}

/* Serves commands until the session ends; counts where the time went (AVA_STAT_*_NS). */
int avaw_serve(struct avaw_session *s)
{
	uint64_t tag, exec_ns, idle_from, t;
	int64_t len;
	uint32_t rlen;
	int async, ok;

	s->msg = malloc(AVA_MAX_CMD);
	ok = s->msg != NULL;
	if (ok) {
		idle_from = ava_now_ns();
		while ((len = s->t->next(s, &tag)) >= 0) {
			t = ava_now_ns();
			s->stats[AVA_STAT_WAIT_NS] += t - idle_from;
			rlen = avaw_process(s, s->msg, (uint32_t)len, s->reply, &exec_ns, &async);
			s->t->reply(s, tag, rlen, exec_ns, async);
			avaw_time_poll();
			idle_from = ava_now_ns();
			s->stats[AVA_STAT_VENDOR_NS] += exec_ns;
			s->stats[AVA_STAT_OWN_NS] += idle_from - t - avaw_min(exec_ns, idle_from - t);
		}
	}
	avaw_session_end(s);
	if (s->t->close)
		s->t->close(s);
	free(s->msg);
	return ok ? 0 : -1;
}
