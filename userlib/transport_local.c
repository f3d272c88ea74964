// SPDX-License-Identifier: MIT
/*
 * The `local` transport: a Unix socket to the host daemon sets the session
 * up and stays open as the liveness signal; commands then go through the
 * shared-memory ring.  The caller spins briefly for a reply and then sleeps
 * on a futex (docs/protocol.md, "local transport").
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "guest_call.h"
#include "guest_session.h"
#include "guest_stream.h"
#include "local_hello.h"

#define SPIN_NS 50000ull

static int sock = -1;		/* the session's socket; also its liveness signal */
/* the worker ended: every later call fails at once, not after a wait each */
static int peer_gone;
/* req_tail as last read: the worker only moves it on, so room seen stays */
static uint64_t tail_seen;

static const char *socket_path(void)
{
	const char *p = getenv("AVA_SOCKET");

	return p && *p ? p : AVA_DEFAULT_SOCKET;
}

static int recv_hello_reply(int fd_sock, struct ava_hello_reply *rep)
{
	int fd;

	if (ava_recv_with_fd(fd_sock, rep, sizeof(*rep), 0, &fd) != (ssize_t)sizeof(*rep)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int local_connect(struct ava_session *s)
{
	struct ava_hello hello = { AVA_HELLO_MAGIC, AVA_WIRE_VERSION, (uint32_t)getpid(), 0 };
	struct ava_hello_reply rep = { 0 };
	const char *path = socket_path();
	struct ava_shm_ctl *ctl;
	int fd;
	void *m;

	sock = ava_local_connect(path);
	if (sock < 0) {
		ava_log("cannot connect to the AvA daemon at %s: %s", path, strerror(errno));
		return -1;
	}
	if (write(sock, &hello, sizeof(hello)) != (ssize_t)sizeof(hello))
		goto fail;
	fd = recv_hello_reply(sock, &rep);
	if (fd < 0 || !ava_hello_reply_ok(&rep)) {
		ava_log("the AvA daemon refused the session (status %u)", rep.status);
		if (fd >= 0)
			close(fd);
		goto fail;
	}
	m = mmap(NULL, rep.shm_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		goto fail;
	ctl = m;
	if (ctl->magic != AVA_SHM_MAGIC || ctl->total_size != rep.shm_size ||
	    ctl->arena_size != rep.shm_size - ava_shm_arena_off()) {
		munmap(m, rep.shm_size);
		goto fail;
	}
	ava_shm_view_init(&s->m, m, rep.shm_size);
	tail_seen = atomic_load(&ctl->req_tail);
	ava_log("session with worker %u, arena %llu MiB", ctl->worker_pid,
		(unsigned long long)(s->m.arena_size >> 20));
	return 0;
fail:
	close(sock);
	sock = -1;
	return -1;
}

static int local_peer_alive(struct ava_session *s)
{
	struct pollfd p = { sock, POLLIN, 0 };
	char b;

	(void)s;
	if (peer_gone)
		return 0;
	if (poll(&p, 1, 0) <= 0)
		return 1;
	if ((p.revents & (POLLHUP | POLLERR)) || recv(sock, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 0) {
		peer_gone = 1;
		fprintf(stderr, "ava: the worker of this session is gone\n");
		return 0;
	}
	return 1;
}

/*
 * The worker sets worker_waiting before its last look at req_head and
 * sleeps only if req_seq has not moved since before that (worker/
 * transport_local.c, wait_for_work).  The flag is taken back here when the
 * worker is woken: until the worker sets it again, it is awake or on its
 * way, and the calls sent meanwhile cost no wake-up system call each.
 */
static void wake_worker(struct ava_session *s)
{
	atomic_fetch_add_explicit(&s->m.ctl->req_seq, 1, memory_order_seq_cst);
	if (atomic_load_explicit(&s->m.ctl->worker_waiting, memory_order_seq_cst) &&
	    atomic_exchange_explicit(&s->m.ctl->worker_waiting, 0, memory_order_seq_cst))
		ava_futex_wake(&s->m.ctl->req_seq);
}

static int local_send(struct ava_session *s, const void *msg, uint32_t len, uint32_t reply_max)
{
	struct ava_shm_ctl *ctl = s->m.ctl;
	uint64_t head = atomic_load_explicit(&ctl->req_head, memory_order_relaxed);
	uint64_t size = AVA_SHM_REQ_SIZE, pos = head % size, need = len;
	int waited = 0;

	(void)reply_max;	/* the reply area always holds the largest reply */
	if (len > size / 2 || len % 8 || peer_gone)
		return -1;
	if (pos + len > size)
		need += size - pos;	/* a pad entry and the wrap */
	while (head + need - tail_seen > size &&
	       head + need - (tail_seen = atomic_load_explicit(&ctl->req_tail, memory_order_acquire)) > size) {
		if (!local_peer_alive(s))
			return -1;
		if (++waited > 1000) {
			struct timespec ts = { 0, 20000 };

			nanosleep(&ts, NULL);
		} else {
			sched_yield();
		}
	}
	if (pos + len > size) {
		uint32_t pad = AVA_RING_PAD_MAGIC;

		memcpy(s->m.req + pos, &pad, 4);
		head += size - pos;
		pos = 0;
	}
	memcpy(s->m.req + pos, msg, len);
	atomic_store_explicit(&ctl->req_head, head + len, memory_order_release);
	wake_worker(s);
	return 0;
}

static uint32_t local_reply_seq(struct ava_session *s)
{
	return atomic_load_explicit(&s->m.ctl->reply_seq, memory_order_acquire);
}

static int local_wait(struct ava_session *s, uint32_t seq_before, const uint8_t **reply, uint32_t *len)
{
	struct ava_shm_ctl *ctl = s->m.ctl;
	uint64_t t0 = ava_now_ns();
	uint32_t cur;
	unsigned i = 0;

	while ((cur = atomic_load_explicit(&ctl->reply_seq, memory_order_acquire)) == seq_before) {
		if ((++i & 63) == 0) {
			if (ava_now_ns() - t0 > SPIN_NS)
				break;
			sched_yield();	/* lets the worker run if it shares this core */
		}
		ava_cpu_relax();
	}
	if (cur == seq_before) {
		atomic_store_explicit(&ctl->client_waiting, 1, memory_order_seq_cst);
		while ((cur = atomic_load_explicit(&ctl->reply_seq, memory_order_seq_cst)) == seq_before) {
			if (ava_futex_wait(&ctl->reply_seq, seq_before, 500) == -ETIMEDOUT &&
			    !local_peer_alive(s)) {
				atomic_store(&ctl->client_waiting, 0);
				return -1;
			}
		}
		atomic_store_explicit(&ctl->client_waiting, 0, memory_order_relaxed);
	}
	*len = atomic_load_explicit(&ctl->reply_len, memory_order_acquire);
	if (*len > AVA_SHM_REPLY_SIZE)
		return -1;
	*reply = s->m.reply;
	return 0;
}

static int peer_alive_cb(void *ctx)
{
	return local_peer_alive(ctx);
}

/*
 * A streamed buffer goes through a ring in the arena: as large as the
 * worker asks (its wish is clamped), at most a quarter of the arena.
 */
static int local_stream_open(struct ava_session *s, struct ava_stream *st, uint64_t *ref_off)
{
	uint32_t shift = atomic_load_explicit(&s->m.ctl->stream_ring_shift, memory_order_relaxed);

	st->shift = shift < AVA_STREAM_SHIFT_MAX ? shift : AVA_STREAM_SHIFT_MAX;
	while (st->shift && ava_stream_ring_bytes(st->shift) > s->m.arena_size / 4)
		st->shift--;
	st->ring = ava_session_arena_alloc(s, ava_stream_ring_bytes(st->shift), ref_off);
	if (!st->ring)
		return -1;
	/* every earlier stream has finished: the counters are free */
	ava_stream_reset(s->m.ctl);
	return 1;
}

static int local_stream_run(struct ava_session *s, struct ava_stream *st)
{
	return ava_stream_run(s->m.ctl, st, peer_alive_cb, s);
}

/* The worker's notifications arrive in the shared ring by themselves. */
static void local_notes_begin(struct ava_session *s)
{
	(void)s;
}

static ssize_t local_recv_fd(struct ava_session *s, void *buf, size_t len, int *fd)
{
	(void)s;
	return ava_recv_with_fd(sock, buf, len, MSG_WAITALL, fd);
}

static int local_present(void)
{
	return 1;
}

/* A forked child must not use its parent's session: it opens its own. */
static void local_forget(struct ava_session *s)
{
	(void)s;
	close(sock);
	sock = -1;
	peer_gone = 0;
}

const struct ava_transport_ops ava_transport_local = AVA_TRANSPORT_OPS(local);
