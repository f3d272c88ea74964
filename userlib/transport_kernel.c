// SPDX-License-Identifier: MIT
/*
 * The `kernel` transport: calls go through the guest driver's /dev/ava
 * (uapi/ava_dev.h, docs/guest-driver.md) to the AvA virtio device and on to
 * a host worker.  Chosen when /dev/ava exists (AVA_TRANSPORT=local or
 * kernel forces a choice, guest_session.c); otherwise the `local`
 * transport (transport_local.c) is used.
 *
 * The session memory the guest library works with (struct ava_shm_view) is
 * private to the process here: a reply area, a notification ring and the
 * bulk arena, in anonymous memory.  The arena is 2 MiB aligned and asks
 * for transparent huge pages, so that a buffer in it is a few physically
 * contiguous pieces.  Each buffer reference leaves here as the user
 * address of its data (arena base + offset), which the driver pins and
 * hands to the device without copying.  References of streamed parameters
 * (large transfers, guest_encode.c) are the application's own buffers: they
 * are pinned where they are, with no copy at all.  If such a buffer is
 * too fragmented for one command (E2BIG), it is copied through a bounce
 * buffer instead.
 *
 * Callback notifications: once the application registers a callback, a
 * thread keeps one AVA_CTL_NOTE_WAIT command waiting at the worker and
 * moves the notifications it returns into the notification ring, where
 * guest_objects.c picks them up as on the local transport.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../uapi/ava_dev.h"
#include "guest_call.h"
#include "guest_session.h"
#include "guest_stream.h"

#define HUGE_ALIGN (2ull << 20)
#define CTL_SIZE 4096u

static struct {
	void *mem;		/* ctl page, reply area, notification ring */
	size_t mem_len;
	void *arena_map;	/* the arena's mapping (with alignment slack) */
	size_t arena_map_len;
	uint8_t *bounce;	/* for fragmented streamed buffers */
	size_t bounce_len;
	struct ava_dev_info info;
	int fd;			/* /dev/ava */
	uint32_t replies;	/* replies received */
	uint32_t reply_len;	/* length of the last reply */
	int pump_wanted;	/* the application registered a callback */
	int pump_started;
} K = { .fd = -1 };

static pthread_mutex_t pump_lock = PTHREAD_MUTEX_INITIALIZER;

static void *note_pump(void *arg);

/* Starts the notification thread if it is wanted and not running. */
static void pump_start(struct ava_session *s)
{
	pthread_attr_t at;
	pthread_t th;

	pthread_mutex_lock(&pump_lock);
	if (K.fd >= 0 && K.pump_wanted && !K.pump_started) {
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		K.pump_started = pthread_create(&th, &at, note_pump, s) == 0;
		pthread_attr_destroy(&at);
	}
	pthread_mutex_unlock(&pump_lock);
}

static const char *dev_path(void)
{
	const char *p = getenv("AVA_DEVICE");

	return p && *p ? p : "/dev/ava";
}

static int kernel_present(void)
{
	return access(dev_path(), F_OK) == 0;
}

static void *map_huge(size_t len, void **map, size_t *map_len)
{
	size_t total = len + HUGE_ALIGN;
	uint8_t *p = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)p + HUGE_ALIGN - 1) & ~(uintptr_t)(HUGE_ALIGN - 1);
	madvise((void *)a, len, MADV_HUGEPAGE);
	*map = p;
	*map_len = total;
	return (void *)a;
}

static void release_memory(void)
{
	if (K.mem)
		munmap(K.mem, K.mem_len);
	if (K.arena_map)
		munmap(K.arena_map, K.arena_map_len);
	if (K.bounce)
		munmap(K.bounce, K.bounce_len);
	K.mem = K.arena_map = NULL;
	K.bounce = NULL;
	K.bounce_len = 0;
}

/* Opens /dev/ava and checks that it speaks our interface, with a worker behind it. */
static int open_device(const char *path)
{
	const char *w = getenv("AVA_CONNECT_WAIT_MS");
	long left = w && *w ? atol(w) : 5000;
	struct timespec ts = { 0, 100000000 };
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "ava: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (ioctl(fd, AVA_DEV_INFO, &K.info) || K.info.abi_version != AVA_DEV_ABI_VERSION ||
	    K.info.wire_version != AVA_WIRE_VERSION) {
		fprintf(stderr, "ava: %s speaks another interface version\n", path);
		close(fd);
		return -1;
	}
	/* a worker that is restarting gets a moment (AVA_CONNECT_WAIT_MS) */
	while (left > 0 && !K.info.worker && !ioctl(fd, AVA_DEV_INFO, &K.info)) {
		nanosleep(&ts, NULL);
		left -= 100;
	}
	if (!K.info.worker) {
		fprintf(stderr, "ava: no AvA host worker serves this VM's device (%s): is ava-hostd "
			"--instance running on the host?\n", path);
		close(fd);
		return -1;
	}
	return fd;
}

/* The session memory: private to the process, in anonymous mappings. */
static int map_session_memory(struct ava_session *s, uint64_t arena)
{
	uint8_t *arena_p;

	K.mem_len = CTL_SIZE + AVA_SHM_REPLY_SIZE + AVA_SHM_NOTE_SIZE;
	K.mem = mmap(NULL, K.mem_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	arena_p = map_huge(arena, &K.arena_map, &K.arena_map_len);
	if (K.mem == MAP_FAILED || !arena_p) {
		if (K.mem == MAP_FAILED)
			K.mem = NULL;
		release_memory();
		return -1;
	}
	memset(&s->m, 0, sizeof(s->m));
	s->m.base = K.mem;
	s->m.size = K.mem_len;
	s->m.ctl = K.mem;
	s->m.reply = (uint8_t *)K.mem + CTL_SIZE;
	s->m.notes = (struct ava_note *)((uint8_t *)K.mem + CTL_SIZE + AVA_SHM_REPLY_SIZE);
	s->m.note_count = AVA_SHM_NOTE_SIZE / sizeof(struct ava_note);
	s->m.arena = arena_p;
	s->m.arena_size = arena;
	return 0;
}

static int kernel_connect(struct ava_session *s)
{
	const char *path = dev_path(), *e = getenv("AVA_ARENA_MB");
	uint64_t arena = e && *e ? strtoull(e, NULL, 10) << 20 : AVA_SHM_ARENA_DEFAULT;
	int fd = open_device(path);

	if (fd < 0)
		return -1;
	if (arena < (4u << 20))
		arena = 4u << 20;
	if (map_session_memory(s, arena)) {
		close(fd);
		return -1;
	}
	K.fd = fd;
	K.replies = 0;
	pump_start(s);
	ava_log("kernel transport: session %u on %s (queue %u of %u), arena %llu MiB", K.info.session, path,
		K.info.queue, K.info.num_queues, (unsigned long long)(arena >> 20));
	return 0;
}

/* A child after fork(): the parent's memory is not the session's, and its
 * notification thread did not come along. */
static void kernel_forget(struct ava_session *s)
{
	(void)s;
	close(K.fd);
	K.fd = -1;
	release_memory();
	pthread_mutex_init(&pump_lock, NULL);
	K.pump_started = 0;
}

static int stream_ref(const struct ava_buf_ref *r)
{
	return (r->flags & AVA_REF_STREAM) != 0;
}

/* Gives every streamed reference of the command a bounce copy. */
static int bounce_streams(struct ava_buf_ref *refs, uint32_t n, const struct ava_buf_ref *orig)
{
	uint64_t need = 0, pos = 0;
	uint32_t i;

	for (i = 0; i < n; i++)
		if (stream_ref(&orig[i]))
			need += (orig[i].len + 4095) & ~4095ull;
	if (need > K.bounce_len) {
		void *p;

		if (K.bounce)
			munmap(K.bounce, K.bounce_len);
		K.bounce = NULL;
		K.bounce_len = 0;
		p = mmap(NULL, need, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED)
			return -1;
		madvise(p, need, MADV_HUGEPAGE);
		K.bounce = p;
		K.bounce_len = need;
	}
	for (i = 0; i < n; i++) {
		if (!stream_ref(&orig[i]))
			continue;
		if (orig[i].flags & AVA_REF_IN)
			memcpy(K.bounce + pos, (const void *)(uintptr_t)orig[i].offset, orig[i].len);
		refs[i].offset = (uint64_t)(uintptr_t)(K.bounce + pos);
		pos += (orig[i].len + 4095) & ~4095ull;
	}
	return 0;
}

static void bounce_back(const struct ava_buf_ref *orig, uint32_t n)
{
	uint64_t pos = 0;
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (!stream_ref(&orig[i]))
			continue;
		if (orig[i].flags & AVA_REF_OUT)
			memcpy((void *)(uintptr_t)orig[i].offset, K.bounce + pos, orig[i].len);
		pos += (orig[i].len + 4095) & ~4095ull;
	}
}

static int kernel_send(struct ava_session *s, const void *msg, uint32_t len, uint32_t reply_max)
{
	/* msg is the session's scratch buffer, rebuilt for every call */
	struct ava_cmd_hdr *h = (struct ava_cmd_hdr *)msg;
	struct ava_buf_ref *refs, orig[AVA_MAX_REFS];
	struct ava_dev_call call;
	uint32_t i, n, cap;
	int async, streams = 0, bounced = 0;

	if (len < sizeof(*h) || h->nrefs > AVA_MAX_REFS)
		return -1;
	n = h->nrefs;
	async = (h->flags & AVA_CMD_ASYNC) != 0;
	refs = (struct ava_buf_ref *)((uint8_t *)msg + len - n * sizeof(*refs));
	memcpy(orig, refs, n * sizeof(*refs));
	for (i = 0; i < n; i++) {
		if (stream_ref(&refs[i])) {
			refs[i].flags &= ~AVA_REF_STREAM;	/* offset is the application's address */
			streams = 1;
		} else {
			refs[i].offset = (uint64_t)(uintptr_t)(s->m.arena + refs[i].offset);
		}
	}
	cap = reply_max < 4096 ? 4096 : reply_max;
	if (cap > AVA_SHM_REPLY_SIZE)
		cap = AVA_SHM_REPLY_SIZE;
	for (;;) {
		memset(&call, 0, sizeof(call));
		call.cmd = (uint64_t)(uintptr_t)msg;
		call.cmd_len = len;
		if (!async) {
			call.reply = (uint64_t)(uintptr_t)s->m.reply;
			call.reply_cap = cap;
		}
		if (ioctl(K.fd, AVA_DEV_CALL, &call) == 0)
			break;
		if (errno == E2BIG && streams && !bounced) {
			/* the application's buffer is too fragmented: copy it */
			if (bounce_streams(refs, n, orig))
				return -1;
			bounced = 1;
			continue;
		}
		ava_log("AVA_DEV_CALL (api %u, function %u): %s", h->api_id, h->func_id, strerror(errno));
		return -1;
	}
	if (bounced && !async)
		bounce_back(orig, n);
	if (!async) {
		K.reply_len = call.reply_len;
		K.replies++;
	}
	return 0;
}

static int kernel_wait(struct ava_session *s, uint32_t seq_before, const uint8_t **reply, uint32_t *len)
{
	if (K.replies == seq_before)
		return -1;	/* the command did not go out */
	*reply = s->m.reply;
	*len = K.reply_len;
	return 0;
}

/* Moves n notifications (cookie, status: 16 bytes each) into the ring and
 * wakes the callback thread (guest_objects.c). */
static void notes_to_ring(struct ava_session *s, const uint8_t *items, uint64_t n)
{
	struct ava_shm_ctl *ctl = s->m.ctl;
	uint64_t i, head;

	for (i = 0; i < n; i++) {
		struct ava_note nt;

		memcpy(&nt.cookie, items + i * 16, 8);
		memcpy(&nt.status, items + i * 16 + 8, 8);
		head = atomic_load_explicit(&ctl->note_head, memory_order_relaxed);
		while (head - atomic_load_explicit(&ctl->note_tail, memory_order_acquire) >= s->m.note_count) {
			struct timespec ts = { 0, 200000 };

			nanosleep(&ts, NULL);
		}
		s->m.notes[head % s->m.note_count] = nt;
		atomic_store_explicit(&ctl->note_head, head + 1, memory_order_release);
	}
	atomic_fetch_add(&ctl->note_seq, 1);
	ava_futex_wake(&ctl->note_seq);
}

/* Keeps a NOTE_WAIT at the worker; moves what it returns into the ring. */
static void *note_pump(void *arg)
{
	struct ava_session *s = arg;
	uint8_t reply[sizeof(struct ava_reply_hdr) + 8 + AVA_NOTE_BATCH * 16];
	const struct ava_reply_hdr *rh = (const struct ava_reply_hdr *)reply;
	struct ava_cmd_hdr h;
	int fd = K.fd, failures = 0;

	memset(&h, 0, sizeof(h));
	h.magic = AVA_WIRE_MAGIC;
	h.version = AVA_WIRE_VERSION;
	h.api_id = AVA_API_CONTROL;
	h.func_id = AVA_CTL_NOTE_WAIT;
	h.total_len = sizeof(h);
	for (;;) {
		struct ava_dev_call call;
		uint64_t n;

		memset(&call, 0, sizeof(call));
		call.cmd = (uint64_t)(uintptr_t)&h;
		call.cmd_len = sizeof(h);
		call.reply = (uint64_t)(uintptr_t)reply;
		call.reply_cap = sizeof(reply);
		if (ioctl(fd, AVA_DEV_CALL, &call)) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (call.reply_len < sizeof(*rh) + 8 || rh->status != AVA_S_OK ||
		    rh->inline_len < 8 || rh->inline_len > call.reply_len - sizeof(*rh)) {
			struct timespec ts = { 0, 100000000 };

			if (++failures > 50)
				break;
			nanosleep(&ts, NULL);
			continue;
		}
		failures = 0;
		memcpy(&n, reply + sizeof(*rh), 8);
		if (n == 0)
			break;		/* the session ended */
		if (n > (rh->inline_len - 8) / 16)
			n = (rh->inline_len - 8) / 16;
		notes_to_ring(s, reply + sizeof(*rh) + 8, n);
	}
	ava_log("notification thread ends");
	return NULL;
}

static uint32_t kernel_reply_seq(struct ava_session *s)
{
	(void)s;
	return K.replies;
}

/* The driver pins the application's buffer where it is: the reference
 * carries its address, nothing is copied and no ring runs. */
static int kernel_stream_open(struct ava_session *s, struct ava_stream *st, uint64_t *ref_off)
{
	(void)s;
	*ref_off = (uint64_t)(uintptr_t)st->app;
	return 0;
}

static int kernel_stream_run(struct ava_session *s, struct ava_stream *st)
{
	(void)s;
	(void)st;
	return 0;
}

static void kernel_notes_begin(struct ava_session *s)
{
	pthread_mutex_lock(&pump_lock);
	K.pump_wanted = 1;
	pthread_mutex_unlock(&pump_lock);
	pump_start(s);
}

/* No file descriptors come through /dev/ava. */
static ssize_t kernel_recv_fd(struct ava_session *s, void *buf, size_t len, int *fd)
{
	(void)s;
	(void)buf;
	(void)len;
	*fd = -1;
	errno = EOPNOTSUPP;
	return -1;
}

const struct ava_transport_ops ava_transport_kernel = AVA_TRANSPORT_OPS(kernel);
