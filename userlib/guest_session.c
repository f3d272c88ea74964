// SPDX-License-Identifier: MIT
/*
 * The session: set up once per process on the first call, over the
 * transport chosen here.  The `kernel` transport is used when /dev/ava
 * exists, the `local` one otherwise; AVA_TRANSPORT=local or kernel forces
 * the choice (and then a failure does not fall back).
 */
#include "guest_session.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest_call.h"

struct ava_session ava_sess = { .lock = PTHREAD_MUTEX_INITIALIZER };

void ava_log(const char *fmt, ...)
{
	static int on = -1;
	va_list ap;

	if (on < 0)
		on = getenv("AVA_DEBUG") != NULL;
	if (!on)
		return;
	va_start(ap, fmt);
	fputs("ava: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Connects over the transport AVA_TRANSPORT names, or the first present. */
static int transport_connect(struct ava_session *s)
{
	static const struct ava_transport_ops *const order[] = { &ava_transport_kernel, &ava_transport_local };
	const char *want = getenv("AVA_TRANSPORT");
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const struct ava_transport_ops *t = order[i];

		if (want && *want ? strcmp(want, t->name) != 0 : !t->present())
			continue;
		s->ops = t;
		if (t->connect(s) == 0)
			return 0;
		if (want && *want)
			return -1;
		ava_log("the %s transport failed; trying the next", t->name);
	}
	return -1;
}

/* A forked child must not use its parent's session: it opens its own. */
static void forget_session_in_child(void)
{
	if (ava_sess.state == 1)
		ava_sess.ops->forget(&ava_sess);
	ava_sess.state = 0;
	pthread_mutex_init(&ava_sess.lock, NULL);
}

static void install_fork_handler(void)
{
	pthread_atfork(NULL, NULL, forget_session_in_child);
}

static void (*on_open)(void);

void ava_session_on_open(void (*fn)(void))
{
	__atomic_store_n(&on_open, fn, __ATOMIC_RELEASE);
}

void ava_session_opened(void)
{
	void (*fn)(void) = __atomic_load_n(&on_open, __ATOMIC_ACQUIRE);

	if (fn)
		fn();
}

int ava_session_connect(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct ava_session *s = &ava_sess;

	if (s->state == 1)
		return 0;
	pthread_once(&once, install_fork_handler);
	if (s->state < 0)
		return -1;
	if (!s->scratch && !(s->scratch = malloc(AVA_MAX_CMD)))
		return -1;
	if (transport_connect(s)) {
		s->state = -1;
		return -1;
	}
	ava_arena_init(&s->arena, s->m.arena, s->m.arena_size);
	s->state = 1;
	if (getenv("AVA_STATS"))
		atexit(ava_print_stats);
	return 1;
}

int ava_session_drain(struct ava_session *s)
{
	uint64_t msg[sizeof(struct ava_cmd_hdr) / 8];
	struct ava_cmd_hdr *h = (struct ava_cmd_hdr *)msg;
	uint32_t seq = s->ops->reply_seq(s);
	const uint8_t *rep;
	uint32_t len;

	memset(msg, 0, sizeof(msg));
	h->magic = AVA_WIRE_MAGIC;
	h->version = AVA_WIRE_VERSION;
	h->api_id = AVA_API_CONTROL;
	h->func_id = AVA_CTL_PING;
	h->call_id = ++s->call_seq;
	h->total_len = sizeof(*h);
	if (s->ops->send(s, msg, sizeof(*h), 4096))
		return -1;
	return s->ops->wait(s, seq, &rep, &len);
}

static int drain_cb(void *ctx)
{
	return ava_session_drain(ctx);
}

void *ava_session_arena_alloc(struct ava_session *s, uint64_t n, uint64_t *off)
{
	return ava_arena_alloc(&s->arena, n, off, drain_cb, s);
}

ssize_t ava_session_recv_fd(void *buf, size_t len, int *fd)
{
	struct ava_session *s = &ava_sess;

	if (s->state != 1) {
		*fd = -1;
		errno = ENOTCONN;
		return -1;
	}
	return s->ops->recv_fd(s, buf, len, fd);
}
