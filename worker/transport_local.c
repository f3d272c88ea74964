// SPDX-License-Identifier: MIT
/*
 * The worker side of the `local` transport: one worker process serves one
 * caller connected to ava-hostd's Unix socket.  It creates the session's
 * shared memory (common/shm_layout.h), then takes commands from the
 * request ring and publishes replies, notifications and streamed buffers
 * there until the caller's socket closes.  The caller can write any word
 * of the shared memory at any time, so each command is copied out of the
 * ring before it is checked and decoded.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/local_hello.h"
#include "../common/shm_layout.h"
#include "hostd.h"
#include "worker_call.h"
#include "worker_time.h"

#define SPIN_NS 50000ull
/* how long a worker may stay busy in a call after its caller went away */
#define WORKER_GRACE_S 5

struct local {
	int sock;
	struct ava_shm_view m;
	uint64_t req_tail;
	pthread_mutex_t note_lock;
	uint64_t note_head;
};

static struct local *local_of(struct avaw_session *s)
{
	return s->tp;
}

/* Sends len bytes of msg, with fd attached unless it is -1. */
static int send_with_fd(int sock, const void *msg, uint32_t len, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)msg, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	if (fd >= 0) {
		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/* The session's shared memory, sealed: a caller that could shrink it would make the worker fault. */
static int make_shm(struct local *l, uint64_t arena_size)
{
	uint64_t total = ava_shm_arena_off() + arena_size;
	void *shm;
	int fd = memfd_create("ava-session", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)total) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0 ||
	    (shm = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0)) == MAP_FAILED) {
		close(fd);
		return -1;
	}
	ava_shm_view_init(&l->m, shm, total);
	l->m.ctl->req_size = AVA_SHM_REQ_SIZE;
	l->m.ctl->reply_size = AVA_SHM_REPLY_SIZE;
	l->m.ctl->note_size = AVA_SHM_NOTE_SIZE;
	l->m.ctl->arena_size = arena_size;
	l->m.ctl->total_size = total;
	l->m.ctl->worker_pid = (uint32_t)getpid();
	l->m.ctl->version = AVA_WIRE_VERSION;
	l->m.ctl->magic = AVA_SHM_MAGIC;
	return fd;
}

/* The hello exchange (common/local_hello.h); returns 0 once the caller has the shared memory. */
static int hello(struct local *l, uint64_t arena_size)
{
	struct ava_hello h;
	struct ava_hello_reply rep = { AVA_HELLO_MAGIC, 0, 0 };
	struct pollfd p = { l->sock, POLLIN, 0 };
	int fd, rc;

	if (poll(&p, 1, 5000) != 1 || recv(l->sock, &h, sizeof(h), MSG_WAITALL) != (ssize_t)sizeof(h))
		return -1;
	if (h.magic != AVA_HELLO_MAGIC || h.version != AVA_WIRE_VERSION) {
		rep.status = AVA_S_BAD_MAGIC;
		send_with_fd(l->sock, &rep, sizeof(rep), -1);
		return -1;
	}
	fd = make_shm(l, arena_size);
	if (fd < 0) {
		rep.status = AVA_S_NO_MEMORY;
		send_with_fd(l->sock, &rep, sizeof(rep), -1);
		return -1;
	}
	rep.shm_size = l->m.size;
	rc = send_with_fd(l->sock, &rep, sizeof(rep), fd);
	close(fd);
	return rc;
}

/* Watches the caller's socket: its closing ends the session. */
static void *watch_peer(void *arg)
{
	struct avaw_session *s = arg;
	struct local *l = local_of(s);
	struct pollfd p = { l->sock, POLLIN, 0 };
	char b[64];

	for (;;) {
		if (poll(&p, 1, -1) < 0 && errno == EINTR)
			continue;
		if ((p.revents & (POLLHUP | POLLERR)) || recv(l->sock, b, sizeof(b), MSG_DONTWAIT) == 0)
			break;
	}
	atomic_store(&s->peer_gone, 1);
	atomic_fetch_add(&l->m.ctl->req_seq, 1);
	ava_futex_wake(&l->m.ctl->req_seq);
	/*
	 * A vendor call can block for ever on what only the caller could have
	 * provided (a user event).  Exiting releases everything the process
	 * holds, so after a grace period the worker just goes.
	 */
	sleep(WORKER_GRACE_S);
	avaw_log("caller gone %d s ago and the worker is still busy in a call; exiting", WORKER_GRACE_S);
	_exit(0);
}

/* Waits until the ring holds data; returns 0, or -1 when the session ends. */
static int wait_for_work(struct avaw_session *s, struct local *l, uint64_t *head)
{
	struct ava_shm_ctl *ctl = l->m.ctl;
	uint64_t t0 = ava_now_ns();
	unsigned i = 0;
	uint32_t seq;
	int ms;

	for (;;) {
		*head = atomic_load_explicit(&ctl->req_head, memory_order_acquire);
		if (*head != l->req_tail)
			return 0;
		if (atomic_load(&s->peer_gone))
			return -1;
		if ((++i & 63) == 0) {
			if (ava_now_ns() - t0 > SPIN_NS)
				break;
			sched_yield();	/* lets the caller run if it shares this core */
		}
		ava_cpu_relax();
	}
	for (;;) {
		seq = atomic_load_explicit(&ctl->req_seq, memory_order_seq_cst);
		atomic_store_explicit(&ctl->worker_waiting, 1, memory_order_seq_cst);
		*head = atomic_load_explicit(&ctl->req_head, memory_order_seq_cst);
		if (*head != l->req_tail || atomic_load(&s->peer_gone))
			break;
		/* completions of work in flight reach the policy meanwhile */
		ms = avaw_time_idle_ms();
		ava_futex_wait(&ctl->req_seq, seq, ms < 0 ? 1000 : ms);
		avaw_time_poll();
	}
	atomic_store_explicit(&ctl->worker_waiting, 0, memory_order_relaxed);
	return atomic_load(&s->peer_gone) && *head == l->req_tail ? -1 : 0;
}

static void consume(struct local *l, uint64_t upto)
{
	l->req_tail = upto;
	atomic_store_explicit(&l->m.ctl->req_tail, upto, memory_order_release);
}

static int64_t local_next(struct avaw_session *s, uint64_t *tag)
{
	struct local *l = local_of(s);
	uint64_t head, avail, pos, size = AVA_SHM_REQ_SIZE;
	struct ava_cmd_hdr h;
	uint32_t magic;

	*tag = 0;
	while (wait_for_work(s, l, &head) == 0) {
		avail = head - l->req_tail;
		pos = l->req_tail % size;
		if (avail > size || avail % 8) {
			avaw_log("request ring indices corrupted by the caller; ending the session");
			return -1;
		}
		memcpy(&magic, l->m.req + pos, 4);
		if (magic == AVA_RING_PAD_MAGIC) {
			consume(l, l->req_tail + size - pos);
			continue;
		}
		if (avail < sizeof(h) || size - pos < sizeof(h)) {
			avaw_log("truncated command in the request ring; ending the session");
			return -1;
		}
		memcpy(&h, l->m.req + pos, sizeof(h));
		if (h.total_len < sizeof(h) || h.total_len % 8 || h.total_len > avail ||
		    h.total_len > size - pos || h.total_len > AVA_MAX_CMD) {
			consume(l, head);	/* framing lost: refuse it and drop what is queued */
			return 0;
		}
		memcpy(s->msg, l->m.req + pos, h.total_len);
		consume(l, l->req_tail + h.total_len);
		return h.total_len;
	}
	return -1;
}

/* The reply is already in the shared reply area (s->reply): publish it. */
static void local_reply(struct avaw_session *s, uint64_t tag, uint32_t len, uint64_t exec_ns, int async)
{
	struct ava_shm_ctl *ctl = local_of(s)->m.ctl;

	(void)tag;
	(void)exec_ns;
	if (async)
		return;
	atomic_store_explicit(&ctl->reply_len, len, memory_order_relaxed);
	atomic_fetch_add_explicit(&ctl->reply_seq, 1, memory_order_seq_cst);
	if (atomic_load_explicit(&ctl->client_waiting, memory_order_seq_cst))
		ava_futex_wake(&ctl->reply_seq);
}

static uint64_t local_stream_peer(struct avaw_session *s)
{
	return atomic_load_explicit(&local_of(s)->m.ctl->stream_guest, memory_order_acquire);
}

static void local_stream_progress(struct avaw_session *s, uint64_t done)
{
	atomic_store_explicit(&local_of(s)->m.ctl->stream_worker, done, memory_order_release);
}

static void local_stream_ring(struct avaw_session *s, uint32_t shift)
{
	atomic_store_explicit(&local_of(s)->m.ctl->stream_ring_shift, shift, memory_order_relaxed);
}

/* Into the notification ring; waits while it is full (the caller's thread drains it). */
static void local_notify(struct avaw_session *s, uint64_t cookie, int64_t status)
{
	struct local *l = local_of(s);
	struct ava_shm_ctl *ctl = l->m.ctl;
	struct ava_note *n;

	pthread_mutex_lock(&l->note_lock);
	while (l->note_head - atomic_load_explicit(&ctl->note_tail, memory_order_acquire) >= l->m.note_count) {
		if (atomic_load(&s->peer_gone))
			goto out;
		pthread_mutex_unlock(&l->note_lock);
		usleep(200);
		pthread_mutex_lock(&l->note_lock);
	}
	n = &l->m.notes[l->note_head % l->m.note_count];
	n->cookie = cookie;
	n->status = status;
	l->note_head++;
	atomic_store_explicit(&ctl->note_head, l->note_head, memory_order_release);
	atomic_fetch_add(&ctl->note_seq, 1);
	ava_futex_wake(&ctl->note_seq);
out:
	pthread_mutex_unlock(&l->note_lock);
}

static int local_send_fd(struct avaw_session *s, int fd, const void *msg, uint32_t len)
{
	return send_with_fd(local_of(s)->sock, msg, len, fd);
}

static const struct avaw_transport local_transport = {
	.next = local_next,
	.reply = local_reply,
	.stream_peer = local_stream_peer,
	.stream_progress = local_stream_progress,
	.stream_ring = local_stream_ring,
	.notify = local_notify,
	.send_fd = local_send_fd,
	/* no close: the process exits next, which ends the mapping and the socket */
};

int avaw_local_session(int sock, uint64_t arena_size)
{
	struct avaw_session s;
	struct local l;
	pthread_t th;

	memset(&s, 0, sizeof(s));
	memset(&l, 0, sizeof(l));
	l.sock = sock;
	pthread_mutex_init(&l.note_lock, NULL);
	if (hello(&l, arena_size))
		return 1;
	s.t = &local_transport;
	s.tp = &l;
	s.arena = l.m.arena;
	s.arena_size = l.m.arena_size;
	s.reply = l.m.reply;
	if (pthread_create(&th, NULL, watch_peer, &s))
		return 1;
	return avaw_serve(&s) ? 1 : 0;
}
