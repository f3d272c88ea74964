// SPDX-License-Identifier: MIT
/*
 * One worker process serves one guest session: it creates the session's
 * shared memory, then takes commands from the request ring until the
 * caller's socket closes, and finally releases everything the session held.
 * The caller can write any word of the shared memory at any time, so each
 * command is copied out of the ring before it is checked and decoded.
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
#include "worker_call.h"
#include "worker_codecs.h"
#include "worker_session.h"

#define SPIN_NS 50000ull

const struct avaw_api *avaw_apis[AVA_API_COUNT];

static int send_reply_fd(int sock, const struct ava_hello_reply *rep, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)rep, sizeof(*rep) };
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
	return sendmsg(sock, &mh, MSG_NOSIGNAL) == (ssize_t)sizeof(*rep) ? 0 : -1;
}

static int setup(struct avaw_session *s, int sock, uint64_t arena_size)
{
	struct ava_hello hello;
	struct ava_hello_reply rep = { AVA_HELLO_MAGIC, 0, 0 };
	struct pollfd p = { sock, POLLIN, 0 };
	uint64_t total = ava_shm_arena_off() + arena_size;
	void *shm;
	int fd;

	if (poll(&p, 1, 5000) != 1 || recv(sock, &hello, sizeof(hello), MSG_WAITALL) != (ssize_t)sizeof(hello))
		return -1;
	if (hello.magic != AVA_HELLO_MAGIC || hello.version != AVA_WIRE_VERSION) {
		rep.status = AVA_S_BAD_MAGIC;
		send_reply_fd(sock, &rep, -1);
		return -1;
	}
	fd = memfd_create("ava-session", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	/* sealed: a caller that could shrink it would make the worker fault */
	if (fd < 0 || ftruncate(fd, (off_t)total) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		goto nomem;
	shm = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
	if (shm == MAP_FAILED)
		goto nomem;
	s->sock = sock;
	ava_shm_view_init(&s->m, shm, total);
	s->msg = malloc(AVA_MAX_CMD);
	if (!s->msg)
		goto nomem;
	pthread_mutex_init(&s->note_lock, NULL);
	s->m.ctl->req_size = AVA_SHM_REQ_SIZE;
	s->m.ctl->reply_size = AVA_SHM_REPLY_SIZE;
	s->m.ctl->note_size = AVA_SHM_NOTE_SIZE;
	s->m.ctl->arena_size = arena_size;
	s->m.ctl->total_size = total;
	s->m.ctl->worker_pid = (uint32_t)getpid();
	s->m.ctl->version = AVA_WIRE_VERSION;
	s->m.ctl->magic = AVA_SHM_MAGIC;
	rep.shm_size = total;
	if (send_reply_fd(sock, &rep, fd))
		goto fail;
	close(fd);
	return 0;
nomem:
	rep.status = AVA_S_NO_MEMORY;
	send_reply_fd(sock, &rep, -1);
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

#define WORKER_GRACE_S 5

/* Watches the caller's socket: its closing ends the session. */
static void *watch_peer(void *arg)
{
	struct avaw_session *s = arg;
	struct pollfd p = { s->sock, POLLIN, 0 };
	char b[64];

	for (;;) {
		if (poll(&p, 1, -1) < 0 && errno == EINTR)
			continue;
		if ((p.revents & (POLLHUP | POLLERR)) || recv(s->sock, b, sizeof(b), MSG_DONTWAIT) == 0)
			break;
	}
	atomic_store(&s->peer_gone, 1);
	atomic_fetch_add(&s->m.ctl->req_seq, 1);
	ava_futex_wake(&s->m.ctl->req_seq);
	/*
	 * A vendor call can block for ever on what only the caller could have
	 * provided (a user event).  Exiting releases everything the process
	 * holds, so after a grace period the worker just goes.
	 */
	sleep(WORKER_GRACE_S);
	avaw_log("caller gone %d s ago and the worker is still busy in a call; exiting", WORKER_GRACE_S);
	_exit(0);
}

/* Runs one command (worker_dispatch.c) and publishes a synchronous reply. */
static void process(struct avaw_session *s, uint32_t len)
{
	uint64_t exec_ns;
	int async;
	uint32_t rlen = avaw_process(s, s->msg, len, s->m.reply, &exec_ns, &async);

	if (async)
		return;
	atomic_store_explicit(&s->m.ctl->reply_len, rlen, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->m.ctl->reply_seq, 1, memory_order_seq_cst);
	if (atomic_load_explicit(&s->m.ctl->client_waiting, memory_order_seq_cst))
		ava_futex_wake(&s->m.ctl->reply_seq);
}

/* Waits until the ring holds data; returns 0, or -1 when the session ends. */
static int wait_for_work(struct avaw_session *s, uint64_t *head)
{
	struct ava_shm_ctl *ctl = s->m.ctl;
	uint64_t t0 = ava_now_ns();
	unsigned i = 0;
	uint32_t seq;

	for (;;) {
		*head = atomic_load_explicit(&ctl->req_head, memory_order_acquire);
		if (*head != s->req_tail)
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
		if (*head != s->req_tail || atomic_load(&s->peer_gone))
			break;
		ava_futex_wait(&ctl->req_seq, seq, 1000);
	}
	atomic_store_explicit(&ctl->worker_waiting, 0, memory_order_relaxed);
	return atomic_load(&s->peer_gone) && *head == s->req_tail ? -1 : 0;
}

static void serve(struct avaw_session *s)
{
	uint64_t head, avail, pos, size = AVA_SHM_REQ_SIZE;
	struct ava_cmd_hdr h;
	uint32_t magic;

	while (wait_for_work(s, &head) == 0) {
		avail = head - s->req_tail;
		pos = s->req_tail % size;
		if (avail > size || avail % 8) {
			avaw_log("request ring indices corrupted by the caller; ending the session");
			return;
		}
		memcpy(&magic, s->m.req + pos, 4);
		if (magic == AVA_RING_PAD_MAGIC) {
			s->req_tail += size - pos;
			atomic_store_explicit(&s->m.ctl->req_tail, s->req_tail, memory_order_release);
			continue;
		}
		if (avail < sizeof(h) || size - pos < sizeof(h)) {
			avaw_log("truncated command in the request ring; ending the session");
			return;
		}
		memcpy(&h, s->m.req + pos, sizeof(h));
		if (h.total_len < sizeof(h) || h.total_len % 8 || h.total_len > avail ||
		    h.total_len > size - pos || h.total_len > AVA_MAX_CMD) {
			/* framing lost: refuse it and drop what is queued */
			memcpy(s->msg, &h, sizeof(h));
			s->req_tail = head;
			atomic_store_explicit(&s->m.ctl->req_tail, s->req_tail, memory_order_release);
			process(s, 0);
			continue;
		}
		memcpy(s->msg, s->m.req + pos, h.total_len);
		s->req_tail += h.total_len;
		atomic_store_explicit(&s->m.ctl->req_tail, s->req_tail, memory_order_release);
		process(s, h.total_len);
	}
}

int avaw_session_run(int sock, uint64_t arena_size)
{
	struct avaw_session s;
	pthread_t th;

	memset(&s, 0, sizeof(s));
	if (setup(&s, sock, arena_size))
		return 1;
	if (pthread_create(&th, NULL, watch_peer, &s))
		return 1;
	serve(&s);
	avaw_session_end(&s);
	free(s.msg);
	return 0;
}
