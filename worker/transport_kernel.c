// SPDX-License-Identifier: MIT
/*
 * The worker side of the `kernel` transport: one guest session (one open
 * /dev/ava in the VM) in its own worker process, forked by the dispatcher
 * (hostd_kernel.c) with the session's file from the host module
 * (AVA_VHOST_OPEN_SESSION) as its only descriptor.  Commands come from
 * that file (AVA_VHOST_GET_CMD); buffer references point into its two
 * windows, mapped back to back (read-only window, then read-write window)
 * so that one base + bound check covers every reference; every command,
 * asynchronous ones included, is completed here with AVA_VHOST_COMPLETE.
 * The file shows only this session's commands and guest pages.
 *
 * Session control on this transport: AVA_CTL_CLOSE (the guest closed
 * /dev/ava) ends the session, and is answered once everything the session
 * held is released; AVA_CTL_NOTE_WAIT is parked and answered when
 * callback notifications are due.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../uapi/ava_vhost.h"
#include "transport_kernel.h"
#include "worker_call.h"
#include "worker_fifo.h"
#include "worker_time.h"

#define NOTE_QUEUE_MAX 65536u

struct kernel {
	int vfd;			/* the session's file */
	int closed;			/* a CLOSE ended the session: */
	uint64_t close_token;		/* answered once everything is released */
	struct ava_cmd_hdr close_hdr;
	pthread_mutex_t lock;		/* the notification queue and the parked NOTE_WAIT */
	pthread_cond_t room;
	struct avaw_fifo notes;		/* due notifications (struct ava_note) */
	uint64_t parked;		/* NOTE_WAIT token, or 0 */
	struct ava_cmd_hdr parked_hdr;
	int ending;
};

static struct kernel *kernel_of(struct avaw_session *s)
{
	return s->tp;
}

int avaw_kernel_complete(int vfd, uint64_t token, const void *reply, uint32_t len, uint64_t exec_ns)
{
	struct ava_vhost_complete c = {
		.token = token,
		.reply = (uint64_t)(uintptr_t)reply,
		.reply_len = len,
		.exec_ns = exec_ns,
	};

	return ioctl(vfd, AVA_VHOST_COMPLETE, &c);
}

static void reply_hdr(struct ava_reply_hdr *r, const struct ava_cmd_hdr *h, uint32_t status)
{
	memset(r, 0, sizeof(*r));
	r->magic = AVA_WIRE_MAGIC;
	r->version = AVA_WIRE_VERSION;
	if (h) {
		r->api_id = h->api_id;
		r->func_id = h->func_id;
		r->call_id = h->call_id;
	}
	r->status = status;
}

void avaw_kernel_complete_status(int vfd, uint64_t token, const struct ava_cmd_hdr *h, uint32_t status)
{
	struct ava_reply_hdr r;

	reply_hdr(&r, h, status);
	avaw_kernel_complete(vfd, token, &r, sizeof(r), 0);
}

/* Answers the parked NOTE_WAIT with what is queued.  k->lock held. */
static void notes_flush_locked(struct kernel *k)
{
	uint8_t buf[sizeof(struct ava_reply_hdr) + 8 + AVA_NOTE_BATCH * 16];
	struct ava_reply_hdr *r = (struct ava_reply_hdr *)buf;
	uint64_t n = k->notes.n < AVA_NOTE_BATCH ? k->notes.n : AVA_NOTE_BATCH, i;
	uint8_t *p = buf + sizeof(*r);

	reply_hdr(r, &k->parked_hdr, AVA_S_OK);
	r->inline_len = (uint32_t)(8 + n * 16);
	memcpy(p, &n, 8);
	p += 8;
	for (i = 0; i < n; i++) {
		const struct ava_note *nt = avaw_fifo_at(&k->notes, i);

		memcpy(p, &nt->cookie, 8);
		memcpy(p + 8, &nt->status, 8);
		p += 16;
	}
	avaw_fifo_drop(&k->notes, n);
	avaw_kernel_complete(k->vfd, k->parked, buf, (uint32_t)(sizeof(*r) + r->inline_len), 0);
	k->parked = 0;
	pthread_cond_broadcast(&k->room);
}

/* Runs on the vendor library's threads (worker_call.c: avaw_notify). */
static void kernel_notify(struct avaw_session *s, uint64_t cookie, int64_t status)
{
	struct kernel *k = kernel_of(s);
	struct ava_note nt = { cookie, status };

	pthread_mutex_lock(&k->lock);
	while (!k->ending && k->notes.n >= NOTE_QUEUE_MAX)
		pthread_cond_wait(&k->room, &k->lock);
	if (!k->ending && avaw_fifo_push(&k->notes, &nt) == 0 && k->parked)
		notes_flush_locked(k);
	pthread_mutex_unlock(&k->lock);
}

static void note_wait(struct kernel *k, uint64_t token, const struct ava_cmd_hdr *h)
{
	pthread_mutex_lock(&k->lock);
	if (k->parked)
		notes_flush_locked(k);	/* one waiter at a time: the old one gets what there is */
	k->parked = token;
	k->parked_hdr = *h;
	if (k->notes.n || k->ending)
		notes_flush_locked(k);
	pthread_mutex_unlock(&k->lock);
}

/* No notifications from now on: a parked NOTE_WAIT gets n = 0, blocked posters go. */
static void notes_end(struct kernel *k)
{
	pthread_mutex_lock(&k->lock);
	k->ending = 1;
	if (k->parked)
		notes_flush_locked(k);
	pthread_cond_broadcast(&k->room);
	pthread_mutex_unlock(&k->lock);
}

/* Handles CLOSE and NOTE_WAIT, which never reach the dispatch core; returns 1 once the session ends. */
static int session_control(struct kernel *k, uint64_t token, const struct ava_cmd_hdr *h)
{
	if (h->inline_len || h->nrefs) {
		avaw_kernel_complete_status(k->vfd, token, h, AVA_S_MALFORMED);
	} else if (h->func_id == AVA_CTL_NOTE_WAIT) {
		note_wait(k, token, h);
	} else {
		k->closed = 1;
		k->close_token = token;
		k->close_hdr = *h;
		return 1;
	}
	return 0;
}

/* Until the session file has a command: completions of work in flight reported meanwhile. */
static void wait_reporting(int vfd)
{
	struct pollfd p = { vfd, POLLIN, 0 };
	int ms;

	while ((ms = avaw_time_idle_ms()) >= 0 && !poll(&p, 1, ms))
		avaw_time_poll();
}

static int64_t kernel_next(struct avaw_session *s, uint64_t *tag)
{
	struct kernel *k = kernel_of(s);
	const struct ava_cmd_hdr *h = (const struct ava_cmd_hdr *)s->msg;

	for (;;) {
		struct ava_vhost_cmd c = { .buf = (uint64_t)(uintptr_t)s->msg, .buf_len = AVA_MAX_CMD };

		wait_reporting(k->vfd);
		if (ioctl(k->vfd, AVA_VHOST_GET_CMD, &c)) {
			struct timespec ms = { 0, 1000000 };

			if (errno == EINTR)
				continue;
			if (errno != EBUSY && errno != ENOMEM)
				break;	/* ENODEV: the session ended (device reset) */
			/* the windows are full until earlier commands complete */
			nanosleep(&ms, NULL);
			continue;
		}
		if (c.cmd_len < sizeof(*h))
			break;
		if (!avaw_is_ctl(h, AVA_CTL_CLOSE) && !avaw_is_ctl(h, AVA_CTL_NOTE_WAIT)) {
			*tag = c.token;
			return c.cmd_len;
		}
		if (session_control(k, c.token, h))
			break;
	}
	notes_end(k);
	return -1;
}

static void kernel_reply(struct avaw_session *s, uint64_t tag, uint32_t len, uint64_t exec_ns, int async)
{
	struct kernel *k = kernel_of(s);

	if (async) {
		/* nobody reads an async reply's results; its status tells the counters */
		((struct ava_reply_hdr *)s->reply)->inline_len = 0;
		len = sizeof(struct ava_reply_hdr);
	}
	if (avaw_kernel_complete(k->vfd, tag, s->reply, len, exec_ns) && errno != ENOENT)
		avaw_log("session %u: completing a command failed: %s", s->session_id, strerror(errno));
}

/* Everything the session held is released: now CLOSE gets its answer. */
static void kernel_close(struct avaw_session *s)
{
	struct kernel *k = kernel_of(s);

	if (!k->closed)
		return;
	avaw_kernel_complete_status(k->vfd, k->close_token, &k->close_hdr, AVA_S_OK);
}

static const struct avaw_transport kernel_transport = {
	.next = kernel_next,
	.reply = kernel_reply,
	.notify = kernel_notify,
	.close = kernel_close,
	/* no streams, no descriptors: the guest's memory is mapped by the module */
};

static void *map_windows(const struct avaw_kdev *dev)
{
	uint64_t w = dev->window;
	uint8_t *base = mmap(NULL, 2 * w, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (base == MAP_FAILED)
		return NULL;
	if (mmap(base, w, PROT_READ, MAP_SHARED | MAP_FIXED, dev->vfd, 0) == MAP_FAILED ||
	    mmap(base + w, w, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, dev->vfd, (off_t)w) == MAP_FAILED) {
		avaw_log("cannot map the /dev/vhost-ava windows: %s", strerror(errno));
		munmap(base, 2 * w);
		return NULL;
	}
	return base;
}

int avaw_kernel_session(const struct avaw_kdev *dev, uint32_t session)
{
	struct kernel k = { .vfd = dev->vfd, .notes.esize = sizeof(struct ava_note) };
	struct avaw_session s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.arena = map_windows(dev);
	s.reply = malloc(AVA_MAX_REPLY);
	if (!s.arena || !s.reply)
		return 1;
	pthread_mutex_init(&k.lock, NULL);
	pthread_cond_init(&k.room, NULL);
	s.t = &kernel_transport;
	s.tp = &k;
	s.arena_size = 2 * dev->window;
	s.session_id = session;
	avaw_time_use_vhost(dev->vfd);
	rc = avaw_serve(&s);
	free(s.reply);
	avaw_fifo_free(&k.notes);
	return rc ? 1 : 0;
}
