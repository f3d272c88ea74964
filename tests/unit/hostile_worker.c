// SPDX-License-Identifier: MIT
/*
 * hostile_worker: a raw `local` client that attacks the worker.
 *
 *   hostile_worker SOCKET_PATH [--iterations N] [--seed S] [--verbose] [--trace]
 *
 * It speaks the protocol by hand (common/local_hello.h, common/shm_layout.h,
 * uapi/ava_wire.h): hello, map the session memory, then write commands
 * straight into the request ring and wait for the reply (spin, then futex on
 * reply_seq, like userlib/transport_local.c).  Every case prints a TAP line;
 * the run ends with "N passed, N failed" and exits 0 only if all passed.
 *
 * Cases: bad hellos; broken framing and headers (lengths, magic, version,
 * api/function ids, flags, reserved fields, buffer refs); control calls;
 * malformed items of real OpenCL calls (missing items, lengths that do not
 * match the call, absurd lengths, refs out of the arena or of the wrong
 * direction, out capacities, strings, handle arrays, property lists, new
 * ids); forged handles (random, worker-bit, wrong type, another session's);
 * the worker's trust in memory the caller writes (arena outs, overlapping
 * refs, a non-blocking read into worker memory, a failed create, shrinking
 * the memfd); streamed buffers; kernel-transport controls sent over the
 * local one; ring index abuse; a seeded fuzz loop (random commands and
 * mutated well-formed calls, PING every 1000); client death (idle, inside
 * a blocking vendor call, inside a stream).  Each case that could kill a
 * worker runs in a session of its own.
 *
 * The ids of the OpenCL functions come from the generated opencl_ids.h:
 * build with -I$(BUILD)/gen (the file falls back to build/gen/opencl_ids.h
 * relative to this source).  A fuzz failure prints the seed and the last
 * command; --trace logs every fuzz command to stderr to replay it.
 */
#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../uapi/ava_wire.h"
#include "guest_codecs.h"	/* AVA_KARG_* (header only) */
#include "local_hello.h"
#include "shm_layout.h"
#include "wire_codec.h"

#if __has_include("opencl_ids.h")
#include "opencl_ids.h"
#elif __has_include("../../build/gen/opencl_ids.h")
#include "../../build/gen/opencl_ids.h"
#else
#error "opencl_ids.h not found: build with -I$(BUILD)/gen after generating it (make)"
#endif

#define FN(name) AVA_FN_OPENCL_##name
#define WBIT AVA_HANDLE_WORKER_BIT
#define HDR_LEN ((uint32_t)sizeof(struct ava_cmd_hdr))
#define REF_LEN ((uint32_t)sizeof(struct ava_buf_ref))
#define RING AVA_SHM_REQ_SIZE
/* the worker's private copy of one command (worker/worker_session.c) */
#define MSG_CAP ((2u << 20) + (64u << 10))
#define TIMEOUT_MS 5000
#define LOST 1		/* framing lost: the reply carries call id 0 */

_Static_assert(sizeof(struct ava_cmd_hdr) == 40, "command header layout");
_Static_assert(sizeof(struct ava_reply_hdr) == 32, "reply header layout");
_Static_assert(sizeof(struct ava_buf_ref) == 24, "buffer ref layout");

/* ------------------------------------------------------------------ TAP */

static int g_n, g_pass, g_fail, g_verbose, g_trace;
static char g_diag[8192];
static size_t g_dlen;

static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void diag(const char *fmt, ...)
{
	va_list ap;
	int k;

	if (g_dlen >= sizeof(g_diag) - 2)
		return;
	va_start(ap, fmt);
	k = vsnprintf(g_diag + g_dlen, sizeof(g_diag) - g_dlen - 1, fmt, ap);
	va_end(ap);
	if (k < 0)
		return;
	g_dlen += (size_t)k < sizeof(g_diag) - g_dlen - 1 ? (size_t)k : sizeof(g_diag) - g_dlen - 2;
	g_diag[g_dlen++] = '\n';
	g_diag[g_dlen] = '\0';
}

static int tap(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int tap(int ok, const char *fmt, ...)
{
	va_list ap;
	char *line, *save = NULL;

	g_n++;
	if (ok)
		g_pass++;
	else
		g_fail++;
	printf("%s %d - ", ok ? "ok" : "not ok", g_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if ((!ok || g_verbose) && g_dlen)
		for (line = strtok_r(g_diag, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			printf("#   %s\n", line);
	g_dlen = 0;
	g_diag[0] = '\0';
	fflush(stdout);
	return ok;
}

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Records a failed expectation of the current case (needs `int ok`). */
#define REQUIRE(cond, ...)                  \
	do {                                \
		if (!(cond)) {              \
			ok = 0;             \
			diag(__VA_ARGS__);  \
		}                           \
	} while (0)

static const char *sname(uint32_t st)
{
	static const char *const n[] = { "OK", "BAD_MAGIC", "BAD_API", "BAD_FUNC", "MALFORMED",
					 "BAD_HANDLE", "TOO_LARGE", "NO_MEMORY", "UNSUPPORTED", "BAD_REF",
					 "WORKER_LOST" };

	return st < sizeof(n) / sizeof(n[0]) ? n[st] : "?";
}

/* The lowest flag bit outside `known` (flags sets grow with the protocol). */
static uint32_t unknown_bit(uint32_t known)
{
	return ~known & (known + 1);
}

/* ------------------------------------------------------------ sessions */

static const char *g_path;

struct sess {
	int sock;
	int memfd;
	uint8_t *shm;
	uint64_t size;
	struct ava_shm_ctl *ctl;
	uint8_t *req, *reply, *arena;
	uint64_t arena_size;
	uint64_t head;		/* our req_head */
	uint64_t call_id;
	pid_t worker;
};

/* Sockets of open sessions, closed in forked children. */
#define MAX_OPEN 64
static int g_open[MAX_OPEN];

static void track(int fd, int add)
{
	int i;

	for (i = 0; i < MAX_OPEN; i++) {
		if (add && g_open[i] < 0) {
			g_open[i] = fd;
			return;
		}
		if (!add && g_open[i] == fd) {
			g_open[i] = -1;
			return;
		}
	}
}

static void close_inherited(void)
{
	int i;

	for (i = 0; i < MAX_OPEN; i++)
		if (g_open[i] >= 0)
			close(g_open[i]);
}

static int connect_sock(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int sock;

	if (strlen(g_path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, g_path);
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return -1;
	if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(sock);
		return -1;
	}
	return sock;
}

/* Receives the hello reply and the fd that may come with it; returns bytes read. */
static ssize_t recv_hello_reply(int sock, struct ava_hello_reply *rep, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { rep, sizeof(*rep) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct pollfd p = { sock, POLLIN, 0 };
	struct cmsghdr *cm;
	ssize_t n;

	*fd = -1;
	memset(rep, 0, sizeof(*rep));
	if (poll(&p, 1, TIMEOUT_MS) != 1)
		return -1;
	do {
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	for (cm = CMSG_FIRSTHDR(&mh); n >= 0 && cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(cm), sizeof(int));
	return n;
}

static int sess_open(struct sess *s, int keep_fd)
{
	struct ava_hello hello = { AVA_HELLO_MAGIC, AVA_WIRE_VERSION, (uint32_t)getpid(), 0 };
	struct ava_hello_reply rep;
	int fd;
	void *m;

	memset(s, 0, sizeof(*s));
	s->sock = s->memfd = -1;
	if ((s->sock = connect_sock()) < 0) {
		diag("cannot connect to %s: %s", g_path, strerror(errno));
		return -1;
	}
	if (write(s->sock, &hello, sizeof(hello)) != (ssize_t)sizeof(hello) ||
	    recv_hello_reply(s->sock, &rep, &fd) != (ssize_t)sizeof(rep) || fd < 0 ||
	    rep.magic != AVA_HELLO_MAGIC || rep.status != 0 || rep.shm_size < ava_shm_arena_off() + 4096) {
		diag("hello refused (status %u)", rep.status);
		if (fd >= 0)
			close(fd);
		goto fail;
	}
	m = mmap(NULL, rep.shm_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		close(fd);
		diag("mmap of the session memory failed: %s", strerror(errno));
		goto fail;
	}
	s->shm = m;
	s->size = rep.shm_size;
	s->ctl = m;
	if (s->ctl->magic != AVA_SHM_MAGIC || s->ctl->total_size != rep.shm_size ||
	    s->ctl->req_size != AVA_SHM_REQ_SIZE || s->ctl->reply_size != AVA_SHM_REPLY_SIZE ||
	    s->ctl->arena_size != rep.shm_size - ava_shm_arena_off()) {
		diag("unexpected shm layout");
		munmap(m, rep.shm_size);
		close(fd);
		goto fail;
	}
	if (keep_fd)
		s->memfd = fd;
	else
		close(fd);
	s->req = s->shm + ava_shm_req_off();
	s->reply = s->shm + ava_shm_reply_off();
	s->arena = s->shm + ava_shm_arena_off();
	s->arena_size = s->ctl->arena_size;
	s->head = atomic_load(&s->ctl->req_head);
	s->worker = (pid_t)s->ctl->worker_pid;
	track(s->sock, 1);
	return 0;
fail:
	close(s->sock);
	s->sock = -1;
	return -1;
}

static void sess_close(struct sess *s)
{
	if (s->shm)
		munmap(s->shm, s->size);
	if (s->sock >= 0) {
		track(s->sock, 0);
		close(s->sock);
	}
	if (s->memfd >= 0)
		close(s->memfd);
	s->shm = NULL;
	s->sock = s->memfd = -1;
}

/* Has the worker closed its end (it exited)? */
static int peer_gone(struct sess *s)
{
	struct pollfd p = { s->sock, POLLIN, 0 };
	char b;

	if (poll(&p, 1, 0) <= 0)
		return 0;
	if (p.revents & (POLLHUP | POLLERR))
		return 1;
	return recv(s->sock, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

static int pid_alive(pid_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno != ESRCH);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Waits until process pid is gone (the daemon reaps its workers). */
static int wait_pid_gone(pid_t pid, unsigned timeout_ms)
{
	uint64_t t0 = ava_now_ns();

	while (pid_alive(pid)) {
		if (ava_now_ns() - t0 > (uint64_t)timeout_ms * 1000000ull)
			return -1;
		sleep_ms(10);
	}
	return 0;
}

/* Waits until the worker of s closed the session and its process is gone. */
static int wait_worker_exit(struct sess *s, unsigned timeout_ms)
{
	uint64_t t0 = ava_now_ns();

	while (!peer_gone(s)) {
		if (ava_now_ns() - t0 > (uint64_t)timeout_ms * 1000000ull)
			return -1;
		sleep_ms(5);
	}
	return wait_pid_gone(s->worker, timeout_ms);
}

/* --------------------------------------------------------------- ring */

static void wake(struct sess *s)
{
	atomic_fetch_add(&s->ctl->req_seq, 1);
	if (atomic_load(&s->ctl->worker_waiting))
		ava_futex_wake(&s->ctl->req_seq);
}

/* Callback notifications are not ours to read: keep the ring empty. */
static void drop_notes(struct sess *s)
{
	atomic_store(&s->ctl->note_tail, atomic_load(&s->ctl->note_head));
}

static void publish(struct sess *s, uint64_t head)
{
	atomic_store_explicit(&s->ctl->req_head, head, memory_order_release);
	wake(s);
}

/* Puts len bytes into the ring as transport_local.c does (pad entry + wrap). */
static int ring_put(struct sess *s, const void *msg, uint32_t len, int do_publish)
{
	uint64_t head = s->head, pos = head % RING, need = len, t0 = ava_now_ns();
	uint32_t pad = AVA_RING_PAD_MAGIC;

	if (len > RING / 2 || len % 8)
		return -1;
	if (pos + len > RING)
		need += RING - pos;
	while (head + need - atomic_load_explicit(&s->ctl->req_tail, memory_order_acquire) > RING) {
		if (peer_gone(s) || ava_now_ns() - t0 > TIMEOUT_MS * 1000000ull)
			return -1;
		sched_yield();
	}
	if (pos + len > RING) {
		memcpy(s->req + pos, &pad, 4);
		head += RING - pos;
		pos = 0;
	}
	memcpy(s->req + pos, msg, len);
	s->head = head + len;
	if (do_publish)
		publish(s, s->head);
	return 0;
}

struct rep {
	int got;		/* 1 reply, 0 timeout, -1 worker gone, -2 garbled */
	uint32_t status;
	uint64_t call_id;
	uint32_t api, func;
	struct ava_rbuf r;
};

static uint8_t *g_repbuf;

static int wait_reply(struct sess *s, uint32_t seq0, unsigned timeout_ms)
{
	_Atomic uint32_t *seq = &s->ctl->reply_seq;
	uint64_t t0 = ava_now_ns();
	unsigned i = 0;

	while (atomic_load_explicit(seq, memory_order_acquire) == seq0) {
		if ((++i & 63) == 0 && ava_now_ns() - t0 > 50000)
			break;
		ava_cpu_relax();
	}
	while (atomic_load(seq) == seq0) {
		atomic_store(&s->ctl->client_waiting, 1);
		if (atomic_load(seq) != seq0)
			break;
		ava_futex_wait(seq, seq0, 20);
		drop_notes(s);
		if (atomic_load(seq) != seq0)
			break;
		if (peer_gone(s)) {
			atomic_store(&s->ctl->client_waiting, 0);
			return -1;
		}
		if (ava_now_ns() - t0 > (uint64_t)timeout_ms * 1000000ull) {
			atomic_store(&s->ctl->client_waiting, 0);
			return 0;
		}
	}
	atomic_store(&s->ctl->client_waiting, 0);
	return 1;
}

/* Sends len bytes of msg; with `wait`, waits for the reply and copies it out. */
static int xfer(struct sess *s, const void *msg, uint32_t len, int wait, struct rep *r, unsigned timeout_ms)
{
	const struct ava_reply_hdr *rh = (const struct ava_reply_hdr *)g_repbuf;
	uint32_t seq0 = atomic_load(&s->ctl->reply_seq), rl;

	memset(r, 0, sizeof(*r));
	if (ring_put(s, msg, len, 1)) {
		r->got = -1;
		return -1;
	}
	if (!wait)
		return 0;
	r->got = wait_reply(s, seq0, timeout_ms);
	if (r->got != 1)
		return -1;
	rl = atomic_load(&s->ctl->reply_len);
	if (rl < sizeof(*rh) || rl > AVA_SHM_REPLY_SIZE) {
		r->got = -2;
		return -1;
	}
	memcpy(g_repbuf, s->reply, rl);
	if (rh->magic != AVA_WIRE_MAGIC || rh->version != AVA_WIRE_VERSION ||
	    rh->inline_len > rl - sizeof(*rh)) {
		r->got = -2;
		return -1;
	}
	r->status = rh->status;
	r->call_id = rh->call_id;
	r->api = rh->api_id;
	r->func = rh->func_id;
	ava_rbuf_init(&r->r, g_repbuf + sizeof(*rh), rh->inline_len);
	return 0;
}

static const char *got_name(int got)
{
	return got == 0 ? "timeout" : got == -1 ? "worker gone" : got == -2 ? "garbled reply" : "?";
}

/* ------------------------------------------------------ command builder */

static uint8_t *g_msg;	/* header at 0, inline part after it */

static struct {
	struct ava_wbuf w;
	struct ava_buf_ref refs[AVA_MAX_REFS + 8];
	uint32_t nrefs;
	uint16_t api;
	uint32_t func;
	uint32_t flags;
} M;

static struct ava_cmd_hdr *H(void)
{
	return (struct ava_cmd_hdr *)(void *)g_msg;
}

static void mb_begin(uint16_t api, uint32_t func)
{
	M.nrefs = 0;
	M.api = api;
	M.func = func;
	M.flags = 0;
	ava_wbuf_init(&M.w, g_msg + HDR_LEN, MSG_CAP - HDR_LEN - sizeof(M.refs));
}

static void put(uint64_t v)
{
	ava_wbuf_u64(&M.w, v);
}

static void *put_item(uint64_t word, const void *p, uint64_t n)
{
	void *d;

	put(word);
	d = ava_wbuf_reserve(&M.w, n);
	if (d && p && n)
		memcpy(d, p, n);
	return d;
}

static void put_data(const void *p, uint64_t n)
{
	if (!p)
		put(0);
	else
		put_item((n << 2) | AVA_DATA_INLINE, p, n);
}

static void put_string(const char *str)
{
	put_data(str, strlen(str) + 1);
}

static void put_ids(const uint64_t *ids, uint64_t n)
{
	put_data(ids, n * 8);
}

static uint32_t add_ref(uint64_t off, uint64_t len, uint32_t flags)
{
	M.refs[M.nrefs].offset = off;
	M.refs[M.nrefs].len = len;
	M.refs[M.nrefs].flags = flags;
	M.refs[M.nrefs].reserved = 0;
	return M.nrefs++;
}

static void put_data_ref(uint64_t idx, uint64_t n)
{
	put((n << 2) | AVA_DATA_REF);
	put(idx);
}

static void put_out(uint64_t cap)
{
	put((cap << 2) | AVA_DATA_INLINE);
}

static void put_out_ref(uint64_t idx, uint64_t cap)
{
	put((cap << 2) | AVA_DATA_REF);
	put(idx);
}

/* Assembles the command in g_msg; returns its length. */
static uint32_t mb_finish(struct sess *s)
{
	struct ava_cmd_hdr *h = H();
	uint32_t il = (uint32_t)M.w.len;

	memcpy(g_msg + HDR_LEN + il, M.refs, M.nrefs * REF_LEN);
	memset(h, 0, sizeof(*h));
	h->magic = AVA_WIRE_MAGIC;
	h->version = AVA_WIRE_VERSION;
	h->api_id = M.api;
	h->func_id = M.func;
	h->flags = M.flags;
	h->call_id = ++s->call_id;
	h->inline_len = il;
	h->nrefs = M.nrefs;
	h->total_len = HDR_LEN + il + M.nrefs * REF_LEN;
	h->session = 0;
	return h->total_len;
}

/* Sends g_msg (len bytes, header as the caller left it); waits unless ASYNC. */
static int send_msg(struct sess *s, uint32_t len, struct rep *r, unsigned timeout_ms)
{
	return xfer(s, g_msg, len, !(H()->flags & AVA_CMD_ASYNC), r, timeout_ms);
}

/* Builds, sends and waits; returns the status or -1 without a reply. */
static int call_t(struct sess *s, struct rep *r, unsigned timeout_ms)
{
	uint32_t len = mb_finish(s);

	send_msg(s, len, r, timeout_ms);
	return r->got == 1 ? (int)r->status : -1;
}

static int call(struct sess *s, struct rep *r)
{
	return call_t(s, r, TIMEOUT_MS);
}

static int64_t rep_i64(struct rep *r)
{
	return (int64_t)ava_rbuf_u64(&r->r);
}

/* Reads an out item of the reply into dst (at most cap); returns its length or -1. */
static int64_t rep_out(struct rep *r, void *dst, uint64_t cap)
{
	uint64_t w = ava_rbuf_u64(&r->r), len = w >> 2;
	const void *p;

	if (r->r.bad || w == 0)
		return -1;
	if ((w & 3) == AVA_DATA_REF)
		return (int64_t)len;
	if ((w & 3) != AVA_DATA_INLINE || !(p = ava_rbuf_bytes(&r->r, len)))
		return -1;
	if (dst)
		memcpy(dst, p, len < cap ? len : cap);
	return (int64_t)len;
}

/* ------------------------------------------------------ control helpers */

static int ping(struct sess *s)
{
	struct rep r;
	int ok = 1;

	mb_begin(AVA_API_CONTROL, AVA_CTL_PING);
	call(s, &r);
	REQUIRE(r.got == 1, "PING: no reply (%s)", got_name(r.got));
	if (r.got == 1) {
		REQUIRE(r.status == AVA_S_OK, "PING: status %u (%s)", r.status, sname(r.status));
		REQUIRE(r.call_id == s->call_id, "PING: reply call id %" PRIu64 ", sent %" PRIu64,
			r.call_id, s->call_id);
	}
	return ok;
}

static int stats(struct sess *s, uint64_t st[AVA_STAT_COUNT])
{
	struct rep r;
	unsigned i;

	mb_begin(AVA_API_CONTROL, AVA_CTL_STATS);
	if (call(s, &r) != AVA_S_OK)
		return -1;
	for (i = 0; i < AVA_STAT_COUNT; i++)
		st[i] = ava_rbuf_u64(&r.r);
	return r.r.bad ? -1 : 0;
}

static int release(struct sess *s, uint32_t api, uint64_t id)
{
	struct rep r;

	mb_begin(AVA_API_CONTROL, AVA_CTL_RELEASE);
	put(api);
	put(id);
	return call(s, &r);
}

/*
 * The current command (already in g_msg, len bytes) must be answered with
 * status `want` (call id echoed, or 0 when framing is lost), and the session
 * must still answer PING afterwards.
 */
static int expect_raw(struct sess *s, uint32_t len, uint32_t want, int lost, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int expect_raw(struct sess *s, uint32_t len, uint32_t want, int lost, const char *fmt, ...)
{
	uint64_t id = lost ? 0 : H()->call_id;
	struct rep r;
	char desc[256];
	va_list ap;
	int ok = 1;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	send_msg(s, len, &r, TIMEOUT_MS);
	REQUIRE(r.got == 1, "no reply (%s)", got_name(r.got));
	if (r.got == 1) {
		REQUIRE(r.status == want, "status %u (%s), expected %u (%s)", r.status, sname(r.status),
			want, sname(want));
		REQUIRE(r.call_id == id, "reply call id %" PRIu64 ", expected %" PRIu64, r.call_id, id);
	}
	if (r.got != -1)
		ok &= ping(s);
	return tap(ok, "%s -> %s, session still answers PING", desc, sname(want));
}

/* Builds the pending command and expects `want` (and, for AVA_S_OK, CL error cl). */
#define NO_CL INT64_MIN
static int expect_call(struct sess *s, uint32_t want, int64_t cl, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int expect_call(struct sess *s, uint32_t want, int64_t cl, const char *fmt, ...)
{
	struct rep r;
	char desc[256];
	va_list ap;
	int64_t ret;
	int ok = 1;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	call(s, &r);
	REQUIRE(r.got == 1, "no reply (%s)", got_name(r.got));
	if (r.got == 1) {
		REQUIRE(r.status == want, "status %u (%s), expected %u (%s)", r.status, sname(r.status),
			want, sname(want));
		REQUIRE(r.call_id == s->call_id, "reply call id %" PRIu64 ", sent %" PRIu64, r.call_id,
			s->call_id);
		if (r.status == AVA_S_OK && cl != NO_CL) {
			ret = rep_i64(&r);
			REQUIRE(ret == cl, "CL result %" PRId64 ", expected %" PRId64, ret, cl);
		}
	}
	if (r.got != -1)
		ok &= ping(s);
	if (want == AVA_S_OK && cl != NO_CL)
		return tap(ok, "%s -> AVA_S_OK + CL error %" PRId64 ", session still answers PING", desc, cl);
	return tap(ok, "%s -> %s, session still answers PING", desc, sname(want));
}

/* ------------------------------------------------------- OpenCL helpers */

#define K_SRC "__kernel void fill(__global int *a, int v) { a[get_global_id(0)] = v; }\n"

/* Guest-chosen ids of the objects of a session. */
enum { ID_CTX = 0x100, ID_Q, ID_BUF, ID_PROG, ID_KERN, ID_UEV, ID_BUF2, ID_SCRATCH = 0x1000 };

struct clobj {
	uint64_t plat, dev, ctx, q, buf, prog, kern;
	uint64_t buf_size;
};

/* Runs the built command; the first reply item must be CL_SUCCESS. */
static int cl_ok(struct sess *s, struct rep *r, const char *what, unsigned timeout_ms)
{
	int st = call_t(s, r, timeout_ms);
	int64_t ret;

	if (st != AVA_S_OK) {
		diag("%s: status %d (%s)", what, st, st < 0 ? got_name(r->got) : sname((uint32_t)st));
		return -1;
	}
	ret = rep_i64(r);
	if (ret != CL_SUCCESS) {
		diag("%s: CL error %" PRId64, what, ret);
		return -1;
	}
	return 0;
}

static int mk_platform(struct sess *s, uint64_t *plat)
{
	struct rep r;

	mb_begin(AVA_API_OPENCL, FN(clGetPlatformIDs));
	put(1);
	put_out(8);
	put_out(4);
	if (cl_ok(s, &r, "clGetPlatformIDs", TIMEOUT_MS) || rep_out(&r, plat, 8) != 8)
		return -1;
	if (!(*plat & WBIT)) {
		diag("clGetPlatformIDs: id %#" PRIx64 " without the worker bit", *plat);
		return -1;
	}
	return 0;
}

static int mk_device(struct sess *s, uint64_t plat, uint64_t *dev)
{
	struct rep r;

	mb_begin(AVA_API_OPENCL, FN(clGetDeviceIDs));
	put(plat);
	put(CL_DEVICE_TYPE_ALL);
	put(1);
	put_out(8);
	put_out(4);
	if (cl_ok(s, &r, "clGetDeviceIDs", TIMEOUT_MS) || rep_out(&r, dev, 8) != 8)
		return -1;
	return 0;
}

static int mk_context(struct sess *s, uint64_t id, uint64_t dev)
{
	struct rep r;

	mb_begin(AVA_API_OPENCL, FN(clCreateContext));
	put(id);
	put(0);			/* properties: NULL */
	put(1);
	put_ids(&dev, 1);
	put(0);			/* pfn_notify */
	put(0);			/* user_data */
	return cl_ok(s, &r, "clCreateContext", TIMEOUT_MS);
}

static int mk_queue(struct sess *s, uint64_t id, uint64_t ctx, uint64_t dev)
{
	struct rep r;

	mb_begin(AVA_API_OPENCL, FN(clCreateCommandQueue));
	put(id);
	put(ctx);
	put(dev);
	put(0);
	return cl_ok(s, &r, "clCreateCommandQueue", TIMEOUT_MS);
}

static int mk_buffer(struct sess *s, uint64_t id, uint64_t ctx, uint64_t size)
{
	struct rep r;

	mb_begin(AVA_API_OPENCL, FN(clCreateBuffer));
	put(id);
	put(ctx);
	put(CL_MEM_READ_WRITE);
	put(size);
	put(0);			/* host_ptr: NULL */
	return cl_ok(s, &r, "clCreateBuffer", TIMEOUT_MS);
}

static int mk_user_event(struct sess *s, uint64_t id, uint64_t ctx)
{
	struct rep r;

	mb_begin(AVA_API_OPENCL, FN(clCreateUserEvent));
	put(id);
	put(ctx);
	return cl_ok(s, &r, "clCreateUserEvent", TIMEOUT_MS);
}

static int do_finish(struct sess *s, uint64_t q)
{
	struct rep r;

	mb_begin(AVA_API_OPENCL, FN(clFinish));
	put(q);
	return cl_ok(s, &r, "clFinish", TIMEOUT_MS);
}

static int mk_program(struct sess *s, uint64_t id, uint64_t ctx, uint64_t dev)
{
	struct rep r;

	mb_begin(AVA_API_OPENCL, FN(clCreateProgramWithSource));
	put(id);
	put(ctx);
	put(1);
	put(1);			/* strings present */
	put_data(K_SRC, strlen(K_SRC));
	if (cl_ok(s, &r, "clCreateProgramWithSource", TIMEOUT_MS))
		return -1;
	mb_begin(AVA_API_OPENCL, FN(clBuildProgram));
	put(id);
	put(1);
	put_ids(&dev, 1);
	put_string("");
	put(0);
	put(0);
	return cl_ok(s, &r, "clBuildProgram", 60000);
}

static int mk_kernel(struct sess *s, uint64_t id, uint64_t prog)
{
	struct rep r;

	mb_begin(AVA_API_OPENCL, FN(clCreateKernel));
	put(id);
	put(prog);
	put_string("fill");
	return cl_ok(s, &r, "clCreateKernel", TIMEOUT_MS);
}

/* platform, device, context, queue and a buffer of buf_size bytes */
static int mk_setup(struct sess *s, struct clobj *o, uint64_t buf_size)
{
	memset(o, 0, sizeof(*o));
	if (mk_platform(s, &o->plat) || mk_device(s, o->plat, &o->dev) ||
	    mk_context(s, ID_CTX, o->dev) || mk_queue(s, ID_Q, ID_CTX, o->dev))
		return -1;
	o->ctx = ID_CTX;
	o->q = ID_Q;
	if (buf_size) {
		if (mk_buffer(s, ID_BUF, ID_CTX, buf_size))
			return -1;
		o->buf = ID_BUF;
		o->buf_size = buf_size;
	}
	return 0;
}

/* clEnqueueWriteBuffer, blocking; the data item comes from the caller. */
static void mb_write_head(uint64_t q, uint64_t buf, uint64_t offset, uint64_t size)
{
	mb_begin(AVA_API_OPENCL, FN(clEnqueueWriteBuffer));
	put(q);
	put(buf);
	put(CL_TRUE);
	put(offset);
	put(size);
}

static void mb_write_tail(void)
{
	put(0);			/* num_events_in_wait_list */
	put(0);			/* event_wait_list: NULL */
	put(0);			/* event: none */
}

static void mb_device_info(uint64_t dev, uint64_t param, uint64_t size)
{
	mb_begin(AVA_API_OPENCL, FN(clGetDeviceInfo));
	put(dev);
	put(param);
	put(size);
}

/* ========================================================= the cases */

static void t_hello(void)
{
	static const struct { uint32_t magic, version; const char *what; } bad[] = {
		{ 0x12345678u, AVA_WIRE_VERSION, "bad hello magic" },
		{ AVA_HELLO_MAGIC, AVA_WIRE_VERSION + 1, "bad hello version" },
	};
	struct ava_hello_reply rep;
	unsigned i;
	ssize_t n;
	int sock, fd, ok;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ava_hello h = { bad[i].magic, bad[i].version, (uint32_t)getpid(), 0 };

		ok = 1;
		sock = connect_sock();
		REQUIRE(sock >= 0, "cannot connect to %s", g_path);
		if (sock >= 0) {
			REQUIRE(write(sock, &h, sizeof(h)) == (ssize_t)sizeof(h), "hello write failed");
			n = recv_hello_reply(sock, &rep, &fd);
			REQUIRE(fd < 0, "the daemon sent a session fd for a bad hello");
			REQUIRE(n == (ssize_t)sizeof(rep) && rep.status == AVA_S_BAD_MAGIC,
				"reply of %zd bytes, status %u, expected AVA_S_BAD_MAGIC", n, rep.status);
			if (fd >= 0)
				close(fd);
			close(sock);
		}
		tap(ok, "%s is refused with AVA_S_BAD_MAGIC and no shared memory", bad[i].what);
	}
}

/* PING carrying `extra` bytes of inline filler (the worker ignores them). */
static uint32_t build_ping(struct sess *s, uint32_t extra)
{
	uint32_t i;

	mb_begin(AVA_API_CONTROL, AVA_CTL_PING);
	for (i = 0; i < extra / 8; i++)
		put(0);
	return mb_finish(s);
}

static void t_framing(struct sess *s)
{
	uint64_t st0[AVA_STAT_COUNT], st1[AVA_STAT_COUNT];
	uint32_t len, big;
	struct rep r;
	int ok;

	len = build_ping(s, 0);
	H()->total_len = 16;
	expect_raw(s, len, AVA_S_MALFORMED, LOST, "total_len 16, smaller than the header");

	len = build_ping(s, 8);
	H()->total_len = 44;
	expect_raw(s, len, AVA_S_MALFORMED, LOST, "total_len 44, not a multiple of 8");

	len = build_ping(s, 0);
	H()->total_len = 4096;
	expect_raw(s, len, AVA_S_MALFORMED, LOST, "total_len 4096 beyond the 40 bytes in the ring");

	len = build_ping(s, 0);
	H()->total_len = 0xFFFFFFF8u;
	expect_raw(s, len, AVA_S_MALFORMED, LOST, "total_len 0xfffffff8");

	big = 2u << 20;
	len = build_ping(s, big - HDR_LEN);
	expect_raw(s, len, AVA_S_MALFORMED, LOST, "a 2 MiB command (total_len > worker's message limit)");

	len = build_ping(s, 16);
	H()->inline_len = 8;
	expect_raw(s, len, AVA_S_MALFORMED, 0, "inline_len 8 with 16 inline bytes in total_len");

	len = build_ping(s, 8);
	H()->inline_len = 16;
	expect_raw(s, len, AVA_S_MALFORMED, 0, "inline_len 16 with 8 inline bytes in total_len");

	len = build_ping(s, AVA_MAX_INLINE + 8);
	expect_raw(s, len, AVA_S_MALFORMED, 0, "inline_len AVA_MAX_INLINE+8 (total_len consistent)");

	mb_begin(AVA_API_CONTROL, AVA_CTL_PING);
	for (len = 0; len < AVA_MAX_REFS + 1; len++)
		add_ref(0, 8, AVA_REF_IN);
	len = mb_finish(s);
	expect_raw(s, len, AVA_S_MALFORMED, 0, "nrefs AVA_MAX_REFS+1 (total_len consistent)");

	len = build_ping(s, 0);
	H()->nrefs = 0xFFFFFFFFu;
	expect_raw(s, len, AVA_S_MALFORMED, 0, "nrefs 0xffffffff");

	/* 40 + 0xffffffe8 + 2*24 == 64 modulo 2^32 */
	len = build_ping(s, 24);
	H()->inline_len = 0xFFFFFFE8u;
	H()->nrefs = 2;
	H()->total_len = 64;
	expect_raw(s, len, AVA_S_MALFORMED, 0, "inline_len+refs that wrap to total_len in 32 bits");

	len = build_ping(s, 0);
	H()->magic = 0xDEADBEEFu;
	expect_raw(s, len, AVA_S_BAD_MAGIC, 0, "bad magic");

	len = build_ping(s, 0);
	H()->magic = AVA_RING_PAD_MAGIC + 1;
	expect_raw(s, len, AVA_S_BAD_MAGIC, 0, "magic next to the ring pad magic");

	len = build_ping(s, 0);
	H()->version = 0;
	expect_raw(s, len, AVA_S_BAD_MAGIC, 0, "version 0");

	len = build_ping(s, 0);
	H()->version = AVA_WIRE_VERSION + 1;
	expect_raw(s, len, AVA_S_BAD_MAGIC, 0, "version %u", AVA_WIRE_VERSION + 1);

	len = build_ping(s, 0);
	H()->api_id = AVA_API_COUNT;
	expect_raw(s, len, AVA_S_BAD_API, 0, "api id AVA_API_COUNT");

	len = build_ping(s, 0);
	H()->api_id = 0xFFFF;
	expect_raw(s, len, AVA_S_BAD_API, 0, "api id 0xffff");

	static const struct { uint16_t api; uint32_t func; const char *what; } funcs[] = {
		{ AVA_API_OPENCL, 0, "OpenCL function id 0" },
		{ AVA_API_OPENCL, AVA_FN_OPENCL_COUNT, "OpenCL function id AVA_FN_OPENCL_COUNT" },
		{ AVA_API_OPENCL, AVA_FN_OPENCL_COUNT + 1000, "OpenCL function id COUNT+1000" },
		{ AVA_API_OPENCL, 0xFFFFFFFFu, "OpenCL function id 0xffffffff" },
		{ AVA_API_OPENCL, FN(clRetainContext), "clRetainContext (guest-side refcount, not served)" },
		{ AVA_API_OPENCL, FN(clSetCommandQueueProperty), "@unsupported clSetCommandQueueProperty" },
		{ AVA_API_OPENCL, FN(clGetExtensionFunctionAddress), "@guest clGetExtensionFunctionAddress" },
		{ AVA_API_CONTROL, 0, "control function 0" },
		{ AVA_API_CONTROL, AVA_CTL_HELLO, "control HELLO in the ring" },
		{ AVA_API_CONTROL, 0x7FFFFFFFu, "control function 0x7fffffff" },
	};
	for (unsigned i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++) {
		mb_begin(funcs[i].api, funcs[i].func);
		put(0);
		put(0);
		len = mb_finish(s);
		expect_raw(s, len, AVA_S_BAD_FUNC, 0, "%s", funcs[i].what);
	}

	len = build_ping(s, 0);
	H()->flags = unknown_bit(AVA_CMD_KNOWN_FLAGS);
	expect_raw(s, len, AVA_S_MALFORMED, 0, "lowest unknown command flag %#x", unknown_bit(AVA_CMD_KNOWN_FLAGS));

	len = build_ping(s, 0);
	H()->flags = 1u << 31;
	expect_raw(s, len, AVA_S_MALFORMED, 0, "unknown flag 1<<31");

	len = build_ping(s, 0);
	H()->session = 1;
	expect_raw(s, len, AVA_S_MALFORMED, 0, "nonzero session field on the local transport");

	/* a refused ASYNC command gets no reply; the next reply is the PING's own */
	ok = stats(s, st0) == 0;
	REQUIRE(ok, "AVA_CTL_STATS failed");
	len = build_ping(s, 0);
	H()->flags = AVA_CMD_ASYNC;
	H()->magic = 0xBAD0BAD0u;
	send_msg(s, len, &r, TIMEOUT_MS);
	len = build_ping(s, 0);
	H()->flags = AVA_CMD_ASYNC | (1u << 7);
	send_msg(s, len, &r, TIMEOUT_MS);
	ok &= ping(s);
	REQUIRE(stats(s, st1) == 0, "AVA_CTL_STATS failed");
	REQUIRE(st1[AVA_STAT_ERRORS] == st0[AVA_STAT_ERRORS] + 2,
		"STATS errors %" PRIu64 " -> %" PRIu64 ", expected +2", st0[AVA_STAT_ERRORS],
		st1[AVA_STAT_ERRORS]);
	tap(ok, "refused ASYNC commands get no reply, are counted in STATS errors, and the next PING gets its own reply");

	/* buffer references */
	const struct { uint64_t off, len; uint32_t flags, reserved; const char *what; } refs[] = {
		{ 0, 8, 0, 0, "ref with no direction flag" },
		{ 0, 8, unknown_bit(AVA_REF_KNOWN_FLAGS), 0, "ref with the lowest unknown flag" },
		{ 0, 8, AVA_REF_IN | (1u << 31), 0, "ref with unknown flag 1<<31" },
		{ 0, 8, AVA_REF_IN, 1, "ref with nonzero reserved" },
		{ UINT64_MAX - 7, 16, AVA_REF_IN, 0, "ref at offset 2^64-8 (offset+len overflows)" },
		{ 8, UINT64_MAX, AVA_REF_OUT, 0, "ref of length 2^64-1" },
		{ 1ull << 63, 1ull << 63, AVA_REF_IN, 0, "ref offset 2^63 len 2^63 (sum wraps to 0)" },
	};
	for (unsigned i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		mb_begin(AVA_API_CONTROL, AVA_CTL_PING);
		add_ref(refs[i].off, refs[i].len, refs[i].flags);
		M.refs[0].reserved = refs[i].reserved;
		len = mb_finish(s);
		expect_raw(s, len, AVA_S_BAD_REF, 0, "%s", refs[i].what);
	}
	mb_begin(AVA_API_CONTROL, AVA_CTL_PING);
	add_ref(s->arena_size + 8, 8, AVA_REF_IN);
	len = mb_finish(s);
	expect_raw(s, len, AVA_S_BAD_REF, 0, "ref starting beyond the arena");
	mb_begin(AVA_API_CONTROL, AVA_CTL_PING);
	add_ref(s->arena_size - 8, 16, AVA_REF_IN);
	len = mb_finish(s);
	expect_raw(s, len, AVA_S_BAD_REF, 0, "ref overlapping the arena's end by 8 bytes");
	mb_begin(AVA_API_CONTROL, AVA_CTL_PING);
	add_ref(0, s->arena_size + 1, AVA_REF_IN | AVA_REF_OUT);
	len = mb_finish(s);
	expect_raw(s, len, AVA_S_BAD_REF, 0, "ref longer than the arena");
	mb_begin(AVA_API_CONTROL, AVA_CTL_PING);
	add_ref(0, 8, AVA_REF_IN);
	add_ref(8, 8, AVA_REF_OUT);
	add_ref(s->arena_size - 8, 8, AVA_REF_IN | AVA_REF_OUT);
	add_ref(s->arena_size, 0, AVA_REF_IN);
	len = mb_finish(s);
	expect_raw(s, len, AVA_S_OK, 0, "valid refs up to the arena's last byte are accepted");
}

static void t_control(struct sess *s, const struct clobj *o)
{
	mb_begin(AVA_API_CONTROL, AVA_CTL_RELEASE);
	put(AVA_API_OPENCL);
	put(0x7777777ull);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "AVA_CTL_RELEASE of a random id");
	mb_begin(AVA_API_CONTROL, AVA_CTL_RELEASE);
	put(AVA_API_OPENCL);
	put(WBIT | 0x4242);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "AVA_CTL_RELEASE of an unknown worker-bit id");
	mb_begin(AVA_API_CONTROL, AVA_CTL_RELEASE);
	put(AVA_API_OPENCL);
	put(0);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "AVA_CTL_RELEASE of id 0");
	mb_begin(AVA_API_CONTROL, AVA_CTL_RELEASE);
	put(AVA_API_CONTROL);
	put(o->ctx);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "AVA_CTL_RELEASE of the context under api id CONTROL");
	mb_begin(AVA_API_CONTROL, AVA_CTL_RELEASE);
	put(0x100000001ull);
	put(o->ctx);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "AVA_CTL_RELEASE with api id 2^32+1 (truncates to OpenCL)");
	mb_begin(AVA_API_CONTROL, AVA_CTL_RELEASE);
	put(AVA_API_OPENCL);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "AVA_CTL_RELEASE cut short (no id)");
	mb_begin(AVA_API_CONTROL, AVA_CTL_RELEASE);
	put(AVA_API_OPENCL);
	put(o->ctx);
	put(0);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "AVA_CTL_RELEASE with a trailing item");
	mb_begin(AVA_API_CONTROL, AVA_CTL_PENDING);
	put(0x5555);
	put_out(16);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "AVA_CTL_PENDING of an unknown pending id");
	mb_begin(AVA_API_CONTROL, AVA_CTL_PENDING);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "AVA_CTL_PENDING with no items");

	/* a handle released once is gone */
	{
		int ok = mk_buffer(s, ID_SCRATCH, o->ctx, 64) == 0;
		int a = release(s, AVA_API_OPENCL, ID_SCRATCH), b = release(s, AVA_API_OPENCL, ID_SCRATCH);

		REQUIRE(a == AVA_S_OK, "first release: status %d", a);
		REQUIRE(b == AVA_S_BAD_HANDLE, "second release: status %d", b);
		ok &= ping(s);
		tap(ok, "AVA_CTL_RELEASE twice: first AVA_S_OK, then AVA_S_BAD_HANDLE");
	}
}

static void t_malformed(struct sess *s, const struct clobj *o)
{
	static uint8_t blob[1 << 20];
	uint64_t ids[2], bigoff = s->arena_size - 4096;
	uint32_t idx;
	struct rep r;
	int ok;

	memset(blob, 0x5A, sizeof(blob));

	/* positive controls: the encodings below are right when well-formed */
	ok = 1;
	mb_device_info(o->dev, CL_DEVICE_NAME, 256);
	put_out(256);
	put_out(8);
	{
		char name[257] = "";
		int64_t n;

		ok = cl_ok(s, &r, "clGetDeviceInfo(CL_DEVICE_NAME)", TIMEOUT_MS) == 0;
		n = ok ? rep_out(&r, name, 256) : -1;
		REQUIRE(n > 1 && name[0], "no device name (%" PRId64 " bytes)", n);
		if (g_verbose)
			note("device: %s", name);
	}
	mb_write_head(o->q, o->buf, 0, 4096);
	put_data(blob, 4096);
	mb_write_tail();
	ok &= cl_ok(s, &r, "clEnqueueWriteBuffer 4 KiB inline", TIMEOUT_MS) == 0;
	mb_write_head(o->q, o->buf, 0, 1 << 20);
	memcpy(s->arena, blob, 1 << 20);
	idx = add_ref(0, 1 << 20, AVA_REF_IN);
	put_data_ref(idx, 1 << 20);
	mb_write_tail();
	ok &= cl_ok(s, &r, "clEnqueueWriteBuffer 1 MiB by arena ref", TIMEOUT_MS) == 0;
	mb_begin(AVA_API_OPENCL, FN(clSetKernelArg));
	put(o->kern);
	put(0);
	put(8);
	put(AVA_KARG_HANDLE);
	put(o->buf);
	ok &= cl_ok(s, &r, "clSetKernelArg(handle)", TIMEOUT_MS) == 0;
	mb_begin(AVA_API_OPENCL, FN(clSetKernelArg));
	put(o->kern);
	put(1);
	put(4);
	put(AVA_KARG_BYTES);
	put_data("\1\0\0\0", 4);
	ok &= cl_ok(s, &r, "clSetKernelArg(bytes)", TIMEOUT_MS) == 0;
	tap(ok, "well-formed clGetDeviceInfo, clEnqueueWriteBuffer (inline, arena) and clSetKernelArg succeed");

	/* missing items */
	mb_device_info(o->dev, CL_DEVICE_NAME, 64);
	M.w.len -= 8;		/* cut param_value_size */
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clGetDeviceInfo with its inline part cut after 2 items");
	mb_begin(AVA_API_OPENCL, FN(clGetDeviceInfo));
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clGetDeviceInfo with no items");
	mb_write_head(o->q, o->buf, 0, 64);
	put_data(blob, 64);
	put(0);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clEnqueueWriteBuffer missing its last two items");
	mb_begin(AVA_API_OPENCL, FN(clCreateBuffer));
	put(ID_SCRATCH);
	put(o->ctx);
	put(CL_MEM_READ_WRITE);
	put(64);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateBuffer missing host_ptr");
	mb_begin(AVA_API_OPENCL, FN(clCreateProgramWithSource));
	put(ID_SCRATCH);
	put(o->ctx);
	put(3);
	put(1);
	put_data("a", 1);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateProgramWithSource count 3 with 1 string item");

	/* out capacities */
	mb_device_info(o->dev, CL_DEVICE_NAME, 64);
	put_out(128);
	put_out(8);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clGetDeviceInfo param_value_size 64, out capacity 128");
	mb_device_info(o->dev, CL_DEVICE_NAME, 64);
	put_out(64);
	put_out(4);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clGetDeviceInfo size_ret out capacity 4 (size_t is 8)");
	mb_device_info(o->dev, CL_DEVICE_NAME, 1ull << 60);
	put_out(1ull << 60);
	put_out(8);
	expect_call(s, AVA_S_TOO_LARGE, NO_CL, "clGetDeviceInfo inline out capacity 2^60");
	mb_device_info(o->dev, CL_DEVICE_NAME, 2u << 20);
	put_out(2u << 20);
	put_out(8);
	expect_call(s, AVA_S_TOO_LARGE, NO_CL, "clGetDeviceInfo inline out capacity 2 MiB (> reply area)");
	mb_device_info(o->dev, CL_DEVICE_NAME, 64);
	idx = add_ref(0, 64, AVA_REF_IN);
	put_out_ref(idx, 64);
	put_out(8);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clGetDeviceInfo out through an IN-only ref");
	mb_device_info(o->dev, CL_DEVICE_NAME, 64);
	add_ref(0, 64, AVA_REF_OUT);
	put_out_ref(5, 64);
	put_out(8);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clGetDeviceInfo out through ref index 5 of 1");
	mb_device_info(o->dev, CL_DEVICE_NAME, 64);
	idx = add_ref(0, 32, AVA_REF_OUT);
	put_out_ref(idx, 64);
	put_out(8);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clGetDeviceInfo out of 64 bytes through a 32-byte ref");
	mb_device_info(o->dev, CL_DEVICE_NAME, 64);
	put(64 << 2);		/* kind 0 with a length */
	put_out(8);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clGetDeviceInfo out item of kind 0 with a length");
	mb_device_info(o->dev, CL_DEVICE_NAME, 64);
	put((64 << 2) | AVA_DATA_INLINE_PRELOAD);
	put_out(8);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clGetDeviceInfo preloaded out whose bytes are missing");

	/* data items vs the size the call implies */
	mb_write_head(o->q, o->buf, 0, 1 << 20);
	put_data(blob, 4096);
	mb_write_tail();
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clEnqueueWriteBuffer size 1 MiB with 4 KiB of inline data");
	mb_write_head(o->q, o->buf, 0, 4096);
	put_data(blob, 4104);
	mb_write_tail();
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clEnqueueWriteBuffer size 4096 with 4104 bytes of data");
	mb_write_head(o->q, o->buf, 0, 4096);
	put((1ull << 60 << 2) | AVA_DATA_INLINE);
	mb_write_tail();
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clEnqueueWriteBuffer data item claiming 2^60 inline bytes");
	mb_write_head(o->q, o->buf, 0, 1ull << 60);
	put((1ull << 60 << 2) | AVA_DATA_INLINE);
	mb_write_tail();
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clEnqueueWriteBuffer size 2^60 with a 2^60-byte inline item");
	mb_write_head(o->q, o->buf, 0, UINT64_MAX);
	put_data(blob, 8);
	mb_write_tail();
	expect_call(s, AVA_S_TOO_LARGE, NO_CL, "clEnqueueWriteBuffer size 2^64-1");
	mb_write_head(o->q, o->buf, 0, 4096);
	put(0);
	mb_write_tail();
	ok = 1;
	call(s, &r);
	REQUIRE(r.got == 1 && (r.status != AVA_S_OK || rep_i64(&r) != CL_SUCCESS),
		"a NULL source pointer was accepted and the write succeeded (got %d, status %u)", r.got, r.status);
	ok &= ping(s);
	tap(ok, "clEnqueueWriteBuffer size 4096 with a NULL data item never succeeds");
	mb_write_head(o->q, o->buf, 0, 64);
	put((64 << 2) | AVA_DATA_INLINE_PRELOAD);
	ava_wbuf_reserve(&M.w, 64);
	mb_write_tail();
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clEnqueueWriteBuffer data item of kind 3 (preload)");
	mb_write_head(o->q, o->buf, 0, 64);
	put(64 << 2);
	mb_write_tail();
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clEnqueueWriteBuffer data item of kind 0 with a length");

	/* data through refs */
	mb_write_head(o->q, o->buf, 0, 4096);
	idx = add_ref(0, 4096, AVA_REF_OUT);
	put_data_ref(idx, 4096);
	mb_write_tail();
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clEnqueueWriteBuffer data through an OUT-only ref");
	mb_write_head(o->q, o->buf, 0, 1 << 20);
	idx = add_ref(bigoff, 1 << 20, AVA_REF_IN);
	put_data_ref(idx, 1 << 20);
	mb_write_tail();
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clEnqueueWriteBuffer 1 MiB ref overlapping the arena's end");
	mb_write_head(o->q, o->buf, 0, 4096);
	idx = add_ref(1ull << 63, 1ull << 63, AVA_REF_IN);
	put_data_ref(idx, 4096);
	mb_write_tail();
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clEnqueueWriteBuffer ref offset 2^63 + len 2^63 (wraps)");
	mb_write_head(o->q, o->buf, 0, 1 << 20);
	idx = add_ref(0, 4096, AVA_REF_IN);
	put_data_ref(idx, 1 << 20);
	mb_write_tail();
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clEnqueueWriteBuffer data of 1 MiB through a 4 KiB ref");
	mb_write_head(o->q, o->buf, 0, 4096);
	add_ref(0, 4096, AVA_REF_IN);
	put_data_ref(1, 4096);
	mb_write_tail();
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clEnqueueWriteBuffer data through ref index 1 of 1");
	mb_write_head(o->q, o->buf, 0, 4096);
	add_ref(0, 4096, AVA_REF_IN);
	put_data_ref(0xFFFFFFFFFFull, 4096);
	mb_write_tail();
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clEnqueueWriteBuffer data through ref index 2^40");
	ids[0] = 0;
	mb_write_head(o->q, o->buf, 0, 4096);
	put_data(blob, 4096);
	put(1u << 31);
	put_ids(ids, 1);
	put(0);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clEnqueueWriteBuffer wait list count 2^31 with one id");
	mb_write_head(o->q, o->buf, 0, 4096);
	put_data(blob, 4096);
	put(0);
	put(0);
	put(o->ctx);		/* the new event id is taken */
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clEnqueueWriteBuffer new event id already in use");
	mb_write_head(o->q, o->buf, 0, 4096);
	put_data(blob, 4096);
	put(0);
	put(0);
	put(WBIT | 99);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clEnqueueWriteBuffer new event id with the worker bit");

	/* kernel arguments */
	mb_begin(AVA_API_OPENCL, FN(clSetKernelArg));
	put(o->kern);
	put(1);
	put(4);
	put(7);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clSetKernelArg argument kind 7");
	mb_begin(AVA_API_OPENCL, FN(clSetKernelArg));
	put(o->kern);
	put(1);
	put(4);
	put(AVA_KARG_BYTES);
	put_data(blob, 8);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clSetKernelArg arg_size 4 with 8 bytes");
	mb_begin(AVA_API_OPENCL, FN(clSetKernelArg));
	put(o->kern);
	put(1);
	put(4);
	put(AVA_KARG_BYTES);
	put(0);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clSetKernelArg bytes kind with a NULL data item");
	mb_begin(AVA_API_OPENCL, FN(clSetKernelArg));
	put(o->kern);
	put(0);
	put(4);
	put(AVA_KARG_HANDLE);
	put(o->buf);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clSetKernelArg handle kind with arg_size 4");
	mb_begin(AVA_API_OPENCL, FN(clSetKernelArg));
	put(o->kern);
	put(1);
	put(1ull << 40);
	put(AVA_KARG_BYTES);
	put((1ull << 40 << 2) | AVA_DATA_INLINE);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clSetKernelArg arg_size 2^40 with a 2^40-byte item");

	/* strings */
	mb_begin(AVA_API_OPENCL, FN(clCreateProgramWithSource));
	put(ID_SCRATCH);
	put(o->ctx);
	put(0xFFFFFFFFu);
	put(1);
	put_data("a", 1);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateProgramWithSource count 2^32-1");
	mb_begin(AVA_API_OPENCL, FN(clCreateProgramWithSource));
	put(ID_SCRATCH);
	put(o->ctx);
	put(1);
	put(1);
	put((1ull << 60 << 2) | AVA_DATA_INLINE);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateProgramWithSource string item of 2^60 bytes");
	mb_begin(AVA_API_OPENCL, FN(clCreateProgramWithSource));
	put(ID_SCRATCH);
	put(o->ctx);
	put(2);
	put(1);
	idx = add_ref(0, 64, AVA_REF_OUT);
	put_data_ref(idx, 64);
	put_data("b", 1);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clCreateProgramWithSource string through an OUT-only ref");
	mb_begin(AVA_API_OPENCL, FN(clCreateKernel));
	put(ID_SCRATCH);
	put(o->prog);
	put_data("fill", 4);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateKernel name without a NUL");
	mb_begin(AVA_API_OPENCL, FN(clCreateKernel));
	put(ID_SCRATCH);
	put(o->prog);
	put_data("", 0);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateKernel name of length 0");
	mb_begin(AVA_API_OPENCL, FN(clCreateKernel));
	put(ID_SCRATCH);
	put(o->prog);
	memcpy(s->arena, "fillX", 5);
	idx = add_ref(0, 5, AVA_REF_IN);
	put_data_ref(idx, 5);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateKernel name in the arena without a NUL");
	mb_begin(AVA_API_OPENCL, FN(clBuildProgram));
	put(o->prog);
	put(0);
	put(0);
	put_data("-O2", 3);
	put(0);
	put(0);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clBuildProgram options without a NUL");

	/* handle arrays and property lists */
	ids[0] = o->dev;
	ids[1] = o->dev;
	mb_begin(AVA_API_OPENCL, FN(clCreateContext));
	put(ID_SCRATCH);
	put(0);
	put(1);
	put_ids(ids, 2);
	put(0);
	put(0);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateContext num_devices 1 with 2 ids");
	mb_begin(AVA_API_OPENCL, FN(clCreateContext));
	put(ID_SCRATCH);
	put(0);
	put(1u << 31);
	put_ids(ids, 1);
	put(0);
	put(0);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateContext num_devices 2^31 with 1 id");
	{
		intptr_t props[301];

		memset(props, 0, sizeof(props));
		props[0] = CL_CONTEXT_PLATFORM;
		props[1] = (intptr_t)o->plat;
		mb_begin(AVA_API_OPENCL, FN(clCreateContext));
		put(ID_SCRATCH);
		put_data(props, 3 * sizeof(intptr_t));
		put(1);
		put_ids(ids, 1);
		put(0);
		put(0);
		expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateContext property list of 3 words (odd)");
		for (unsigned i = 2; i < 300; i += 2) {
			props[i] = CL_CONTEXT_INTEROP_USER_SYNC;
			props[i + 1] = 0;
		}
		mb_begin(AVA_API_OPENCL, FN(clCreateContext));
		put(ID_SCRATCH);
		put_data(props, 300 * sizeof(intptr_t));
		put(1);
		put_ids(ids, 1);
		put(0);
		put(0);
		expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateContext property list of 300 words");
	}
	mb_begin(AVA_API_OPENCL, FN(clCreateBuffer));
	put(ID_SCRATCH);
	put(o->ctx);
	put(CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR);
	put(4096);
	put_data(blob, 100);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateBuffer COPY_HOST_PTR of 4096 bytes with 100 bytes");
	mb_begin(AVA_API_OPENCL, FN(clCreateBuffer));
	put(ID_SCRATCH);
	put(o->ctx);
	put(CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR);
	put(4096);
	put(0);
	call(s, &r);
	ok = 1;
	REQUIRE(r.got == 1 && (r.status != AVA_S_OK || rep_i64(&r) != CL_SUCCESS),
		"USE_HOST_PTR with a NULL host_ptr was accepted (got %d, status %u)", r.got, r.status);
	if (r.got == 1 && r.status == AVA_S_OK)
		release(s, AVA_API_OPENCL, ID_SCRATCH);
	ok &= ping(s);
	tap(ok, "clCreateBuffer USE_HOST_PTR with a NULL host_ptr never succeeds");
	mb_begin(AVA_API_OPENCL, FN(clCreateBuffer));
	put(WBIT | 1234);
	put(o->ctx);
	put(CL_MEM_READ_WRITE);
	put(64);
	put(0);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateBuffer new id with the worker bit");
	mb_begin(AVA_API_OPENCL, FN(clCreateBuffer));
	put(0);
	put(o->ctx);
	put(CL_MEM_READ_WRITE);
	put(64);
	put(0);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateBuffer new id 0");
	mb_begin(AVA_API_OPENCL, FN(clCreateBuffer));
	put(o->q);
	put(o->ctx);
	put(CL_MEM_READ_WRITE);
	put(64);
	put(0);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateBuffer new id already used by the queue");
	mb_begin(AVA_API_OPENCL, FN(clGetPlatformIDs));
	put(4);
	put_out(8);
	put_out(4);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clGetPlatformIDs num_entries 4 with an out of 1 handle");
	mb_begin(AVA_API_OPENCL, FN(clGetPlatformIDs));
	put(0x20000000u);
	put_out(0x20000000ull * 8);
	put_out(4);
	expect_call(s, AVA_S_TOO_LARGE, NO_CL, "clGetPlatformIDs num_entries 2^29 (a 4 GiB inline out)");
}


#ifdef AVA_REF_STREAM
/*
 * Streamed buffers (AVA_REF_STREAM): the data moves through a ring of
 * AVA_STREAM_RING bytes in the arena while both sides advance counters in
 * the ctl page.  The worker must bound the caller's counter, refuse bad
 * stream refs, and never wait for a stream the caller abandoned forever.
 */
#define ID_SBUF 0x120
#define STREAM_LEN (4u << 20)

static void stream_reset(struct sess *s, uint64_t guest)
{
	atomic_store(&s->ctl->stream_guest, guest);
	atomic_store(&s->ctl->stream_worker, 0);
}

/* The caller's half of a stream (userlib/guest_call.c run_stream), with a timeout. */
static int stream_run(struct sess *s, uint64_t ring_off, uint8_t *app, uint64_t len, int in)
{
	uint8_t *ring = s->arena + ring_off;
	uint64_t done = 0, chunk, w, t0 = ava_now_ns();

	while (done < len) {
		chunk = len - done < AVA_STREAM_CHUNK ? len - done : AVA_STREAM_CHUNK;
		for (;;) {
			w = atomic_load_explicit(&s->ctl->stream_worker, memory_order_acquire);
			if (w == AVA_STREAM_ABORT)
				return -1;
			if (in ? done + chunk - w <= AVA_STREAM_RING : w >= done + chunk)
				break;
			if (peer_gone(s) || ava_now_ns() - t0 > TIMEOUT_MS * 1000000ull)
				return -1;
			sched_yield();
		}
		if (in)
			memcpy(ring + done % AVA_STREAM_RING, app + done, chunk);
		else
			memcpy(app + done, ring + done % AVA_STREAM_RING, chunk);
		done += chunk;
		atomic_store_explicit(&s->ctl->stream_guest, done, memory_order_release);
	}
	return 0;
}

/* Sends the built command, runs its stream, waits for the reply. */
static int call_stream(struct sess *s, struct rep *r, uint64_t ring_off, uint8_t *app, uint64_t len, int in)
{
	uint32_t n = mb_finish(s), seq0;
	int rc;

	memset(r, 0, sizeof(*r));
	stream_reset(s, 0);
	seq0 = atomic_load(&s->ctl->reply_seq);
	if (ring_put(s, g_msg, n, 1)) {
		r->got = -1;
		return -1;
	}
	rc = stream_run(s, ring_off, app, len, in);
	r->got = wait_reply(s, seq0, TIMEOUT_MS);
	if (r->got == 1) {
		const struct ava_reply_hdr *rh = (const struct ava_reply_hdr *)g_repbuf;
		uint32_t rl = atomic_load(&s->ctl->reply_len);

		if (rl < sizeof(*rh) || rl > AVA_SHM_REPLY_SIZE) {
			r->got = -2;
			return -1;
		}
		memcpy(g_repbuf, s->reply, rl);
		r->status = rh->status;
		r->call_id = rh->call_id;
		ava_rbuf_init(&r->r, g_repbuf + sizeof(*rh), rh->inline_len <= rl - sizeof(*rh) ? rh->inline_len : 0);
	}
	return rc;
}

/* A streamed write of len bytes; its ring ref is {off, rlen, flags}. */
static void mb_stream_write(const struct clobj *o, uint64_t off, uint64_t rlen, uint32_t flags, uint64_t len)
{
	mb_write_head(o->q, ID_SBUF, 0, len);
	put_data_ref(add_ref(off, rlen, flags), len);
	mb_write_tail();
}

static void mb_stream_read(const struct clobj *o, uint64_t off, uint64_t rlen, uint32_t flags, uint64_t len)
{
	uint32_t idx;

	mb_begin(AVA_API_OPENCL, FN(clEnqueueReadBuffer));
	idx = add_ref(off, rlen, flags);
	put(o->q);
	put(ID_SBUF);
	put(CL_TRUE);
	put(0);
	put(len);
	put(0);			/* not deferred */
	put_out_ref(idx, len);
	put(0);
	put(0);
	put(0);
}

static void t_stream(struct sess *s, const struct clobj *o)
{
	static uint8_t src[STREAM_LEN], back[STREAM_LEN];
	uint64_t ring = 0, i;
	struct rep r;
	uint32_t seq0, len;
	int ok, rc;

	for (i = 0; i < STREAM_LEN; i++)
		src[i] = (uint8_t)(i * 7 + (i >> 12));
	ok = mk_buffer(s, ID_SBUF, o->ctx, STREAM_LEN) == 0;
	mb_stream_write(o, ring, STREAM_LEN, AVA_REF_IN | AVA_REF_STREAM, STREAM_LEN);
	rc = call_stream(s, &r, ring, src, STREAM_LEN, 1);
	REQUIRE(rc == 0 && r.got == 1 && r.status == AVA_S_OK && rep_i64(&r) == CL_SUCCESS,
		"streamed write: stream %d, got %d, status %u", rc, r.got, r.status);
	memset(back, 0, sizeof(back));
	mb_stream_read(o, ring, STREAM_LEN, AVA_REF_OUT | AVA_REF_STREAM, STREAM_LEN);
	rc = call_stream(s, &r, ring, back, STREAM_LEN, 0);
	REQUIRE(rc == 0 && r.got == 1 && r.status == AVA_S_OK && rep_i64(&r) == CL_SUCCESS,
		"streamed read: stream %d, got %d, status %u", rc, r.got, r.status);
	REQUIRE(memcmp(src, back, STREAM_LEN) == 0, "the 4 MiB streamed back differ from what was written");
	if (!tap(ok, "well-formed 4 MiB streamed clEnqueueWriteBuffer/ReadBuffer round trip"))
		return;

	stream_reset(s, 0);
	mb_stream_write(o, ring, STREAM_LEN, AVA_REF_IN | AVA_REF_OUT | AVA_REF_STREAM, STREAM_LEN);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "streamed write through an IN|OUT|STREAM ref");
	stream_reset(s, 0);
	mb_stream_write(o, ring, STREAM_LEN, AVA_REF_OUT | AVA_REF_STREAM, STREAM_LEN);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "streamed write through an OUT|STREAM ref");
	stream_reset(s, 0);
	mb_stream_write(o, ring, STREAM_LEN - 8, AVA_REF_IN | AVA_REF_STREAM, STREAM_LEN);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "stream ref 8 bytes shorter than its data item");
	stream_reset(s, 0);
	mb_stream_write(o, s->arena_size - 4096, 4096, AVA_REF_IN | AVA_REF_STREAM, 4096);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "stream ring that would run past the arena's end");
	stream_reset(s, 0);
	mb_device_info(o->dev, CL_DEVICE_NAME, 64);
	put_out_ref(add_ref(ring, 64, AVA_REF_OUT | AVA_REF_STREAM), 64);
	put_out(8);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clGetDeviceInfo out through a STREAM ref (no stream there)");

	/* a stream ref no call item uses is given up, not waited for */
	ok = 1;
	stream_reset(s, 0);
	mb_begin(AVA_API_CONTROL, AVA_CTL_PING);
	add_ref(ring, STREAM_LEN, AVA_REF_IN | AVA_REF_STREAM);
	call(s, &r);
	REQUIRE(r.got == 1 && r.status == AVA_S_OK, "PING with a stream ref: got %d, status %u", r.got, r.status);
	REQUIRE(atomic_load(&s->ctl->stream_worker) == AVA_STREAM_ABORT, "stream_worker %#" PRIx64 ", expected ABORT",
		(uint64_t)atomic_load(&s->ctl->stream_worker));
	ok &= ping(s);
	tap(ok, "a stream ref no item uses is aborted (stream_worker = AVA_STREAM_ABORT), the call answered");

	/* counters the caller cannot have reached */
	static const struct { uint64_t g; int in; const char *what; } bad[] = {
		{ STREAM_LEN + 8, 1, "write: caller counter beyond the stream's length" },
		{ AVA_STREAM_RING + AVA_STREAM_CHUNK, 1, "write: caller counter a whole ring ahead of the worker" },
		{ UINT64_MAX - 1, 1, "write: caller counter 2^64-2" },
		{ 8, 0, "read: caller claims to have consumed data not produced yet" },
	};
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ok = 1;
		if (bad[i].in)
			mb_stream_write(o, ring, STREAM_LEN, AVA_REF_IN | AVA_REF_STREAM, STREAM_LEN);
		else
			mb_stream_read(o, ring, STREAM_LEN, AVA_REF_OUT | AVA_REF_STREAM, STREAM_LEN);
		len = mb_finish(s);
		stream_reset(s, bad[i].g);
		send_msg(s, len, &r, TIMEOUT_MS);
		REQUIRE(r.got == 1, "no reply (%s): the worker waits on a counter it cannot trust", got_name(r.got));
		if (r.got == 1 && r.status == AVA_S_OK)
			REQUIRE(rep_i64(&r) != CL_SUCCESS, "the transfer succeeded with a bogus counter");
		REQUIRE(atomic_load(&s->ctl->stream_worker) == AVA_STREAM_ABORT, "stream_worker %#" PRIx64
			", expected ABORT", (uint64_t)atomic_load(&s->ctl->stream_worker));
		if (r.got != -1)
			ok &= ping(s);
		tap(ok, "stream %s: aborted, call answered, session still answers PING", bad[i].what);
	}

	/* a stalled stream: nothing before the caller gives up, then an answer */
	ok = 1;
	mb_stream_write(o, ring, STREAM_LEN, AVA_REF_IN | AVA_REF_STREAM, STREAM_LEN);
	len = mb_finish(s);
	stream_reset(s, 0);
	seq0 = atomic_load(&s->ctl->reply_seq);
	ring_put(s, g_msg, len, 1);
	rc = wait_reply(s, seq0, 300);
	REQUIRE(rc == 0, "a reply came before the stream was fed (%d)", rc);
	if (rc == 0) {
		atomic_store(&s->ctl->stream_guest, UINT64_MAX - 1);
		rc = wait_reply(s, seq0, TIMEOUT_MS);
		REQUIRE(rc == 1, "no reply after the caller posted an impossible counter (%s)", got_name(rc));
	}
	REQUIRE(atomic_load(&s->ctl->stream_worker) == AVA_STREAM_ABORT, "stream_worker %#" PRIx64 ", expected ABORT",
		(uint64_t)atomic_load(&s->ctl->stream_worker));
	if (rc != -1)
		ok &= ping(s);
	tap(ok, "a stalled streamed write waits, then ends when the caller posts an impossible counter");
	stream_reset(s, 0);
	release(s, AVA_API_OPENCL, ID_SBUF);
}
#endif

/* Forged handles, in session s (which holds o) and from another session. */
static void t_forged(struct sess *s, const struct clobj *o)
{
	struct sess b, e;
	struct clobj bo;
	uint64_t ids[2];
	int ok;

	mb_device_info(0x1234567ull, CL_DEVICE_NAME, 64);
	put_out(64);
	put_out(8);
	expect_call(s, AVA_S_OK, CL_INVALID_DEVICE, "clGetDeviceInfo of a random device id");
	mb_device_info(WBIT | 0x777777, CL_DEVICE_NAME, 64);
	put_out(64);
	put_out(8);
	expect_call(s, AVA_S_OK, CL_INVALID_DEVICE, "clGetDeviceInfo of an unknown worker-bit id");
	mb_device_info(o->dev & ~WBIT, CL_DEVICE_NAME, 64);
	put_out(64);
	put_out(8);
	expect_call(s, AVA_S_OK, CL_INVALID_DEVICE, "clGetDeviceInfo of the device id without its worker bit");
	mb_device_info(o->ctx, CL_DEVICE_NAME, 64);
	put_out(64);
	put_out(8);
	expect_call(s, AVA_S_OK, CL_INVALID_DEVICE, "clGetDeviceInfo of a context id");
	mb_device_info(o->plat, CL_DEVICE_NAME, 64);
	put_out(64);
	put_out(8);
	expect_call(s, AVA_S_OK, CL_INVALID_DEVICE, "clGetDeviceInfo of the platform id");
	mb_begin(AVA_API_OPENCL, FN(clGetDeviceIDs));
	put(o->dev);
	put(CL_DEVICE_TYPE_ALL);
	put(1);
	put_out(8);
	put_out(4);
	expect_call(s, AVA_S_OK, CL_INVALID_PLATFORM, "clGetDeviceIDs with a device id as platform");
	mb_begin(AVA_API_OPENCL, FN(clFinish));
	put(o->ctx);
	expect_call(s, AVA_S_OK, CL_INVALID_COMMAND_QUEUE, "clFinish of a context id");
	mb_begin(AVA_API_OPENCL, FN(clFinish));
	put(o->buf);
	expect_call(s, AVA_S_OK, CL_INVALID_COMMAND_QUEUE, "clFinish of a buffer id");
	mb_begin(AVA_API_OPENCL, FN(clCreateBuffer));
	put(ID_SCRATCH);
	put(o->buf);
	put(CL_MEM_READ_WRITE);
	put(64);
	put(0);
	expect_call(s, AVA_S_OK, CL_INVALID_CONTEXT, "clCreateBuffer in a buffer id used as context");
	mb_begin(AVA_API_OPENCL, FN(clCreateCommandQueue));
	put(ID_SCRATCH);
	put(o->ctx);
	put(o->q);
	put(0);
	expect_call(s, AVA_S_OK, CL_INVALID_DEVICE, "clCreateCommandQueue with a queue id as device");
	mb_write_head(o->q, o->q, 0, 8);
	put_data("12345678", 8);
	mb_write_tail();
	expect_call(s, AVA_S_OK, CL_INVALID_MEM_OBJECT, "clEnqueueWriteBuffer into a queue id");
	mb_write_head(o->buf, o->buf, 0, 8);
	put_data("12345678", 8);
	mb_write_tail();
	expect_call(s, AVA_S_OK, CL_INVALID_COMMAND_QUEUE, "clEnqueueWriteBuffer on a buffer id as queue");
	ids[0] = o->buf;
	mb_write_head(o->q, o->buf, 0, 8);
	put_data("12345678", 8);
	put(1);
	put_ids(ids, 1);
	put(0);
	expect_call(s, AVA_S_OK, CL_INVALID_EVENT_WAIT_LIST, "clEnqueueWriteBuffer waiting on a buffer id");
	ids[0] = 0x31337;
	mb_begin(AVA_API_OPENCL, FN(clWaitForEvents));
	put(1);
	put_ids(ids, 1);
	expect_call(s, AVA_S_OK, CL_INVALID_EVENT, "clWaitForEvents on a random id");
	mb_begin(AVA_API_OPENCL, FN(clSetKernelArg));
	put(o->kern);
	put(0);
	put(8);
	put(AVA_KARG_HANDLE);
	put(0x31337);
	expect_call(s, AVA_S_OK, CL_INVALID_MEM_OBJECT, "clSetKernelArg with a random handle id");
	mb_begin(AVA_API_OPENCL, FN(clSetKernelArg));
	put(o->buf);
	put(0);
	put(8);
	put(AVA_KARG_HANDLE);
	put(o->buf);
	expect_call(s, AVA_S_OK, CL_INVALID_KERNEL, "clSetKernelArg on a buffer id as kernel");
	{
		intptr_t props[3] = { CL_CONTEXT_PLATFORM, (intptr_t)(WBIT | 0x999), 0 };

		mb_begin(AVA_API_OPENCL, FN(clCreateContext));
		put(ID_SCRATCH);
		put_data(props, 2 * sizeof(intptr_t));
		put(1);
		put_ids(&o->dev, 1);
		put(0);
		put(0);
		expect_call(s, AVA_S_OK, CL_INVALID_PLATFORM, "clCreateContext with a forged CL_CONTEXT_PLATFORM");
		props[1] = (intptr_t)o->dev;
		mb_begin(AVA_API_OPENCL, FN(clCreateContext));
		put(ID_SCRATCH);
		put_data(props, 2 * sizeof(intptr_t));
		put(1);
		put_ids(&o->dev, 1);
		put(0);
		put(0);
		expect_call(s, AVA_S_OK, CL_INVALID_PLATFORM, "clCreateContext with a device id as CL_CONTEXT_PLATFORM");
	}
	ids[0] = o->ctx;
	mb_begin(AVA_API_OPENCL, FN(clCreateContext));
	put(ID_SCRATCH);
	put(0);
	put(1);
	put_ids(ids, 1);
	put(0);
	put(0);
	expect_call(s, AVA_S_OK, CL_INVALID_DEVICE, "clCreateContext with a context id in the device list");

	/* another session's objects: B creates them, E (empty) and s use B's ids */
	ok = sess_open(&b, 0) == 0 && sess_open(&e, 0) == 0;
	ok = ok && mk_setup(&b, &bo, 4096) == 0;
	REQUIRE(ok, "setting up the second session failed");
	if (ok) {
		/* B's ids that s does not have */
		ok = mk_context(&b, 0x7700, bo.dev) == 0 && mk_queue(&b, 0x7701, 0x7700, bo.dev) == 0 &&
		     mk_buffer(&b, 0x7702, 0x7700, 4096) == 0;
		REQUIRE(ok, "creating B's extra objects failed");
	}
	tap(ok, "second session: clGetPlatformIDs/clGetDeviceIDs/clCreateContext/Queue/Buffer succeed");
	if (ok) {
		mb_begin(AVA_API_OPENCL, FN(clGetDeviceIDs));
		put(bo.plat);
		put(CL_DEVICE_TYPE_ALL);
		put(1);
		put_out(8);
		put_out(4);
		expect_call(&e, AVA_S_OK, CL_INVALID_PLATFORM, "fresh session: clGetDeviceIDs with B's platform id");
		mb_device_info(bo.dev, CL_DEVICE_NAME, 64);
		put_out(64);
		put_out(8);
		expect_call(&e, AVA_S_OK, CL_INVALID_DEVICE, "fresh session: clGetDeviceInfo with B's device id");
		mb_begin(AVA_API_OPENCL, FN(clCreateBuffer));
		put(ID_SCRATCH);
		put(bo.ctx);
		put(CL_MEM_READ_WRITE);
		put(64);
		put(0);
		expect_call(&e, AVA_S_OK, CL_INVALID_CONTEXT, "fresh session: clCreateBuffer in B's context");
		mb_begin(AVA_API_OPENCL, FN(clFinish));
		put(bo.q);
		expect_call(&e, AVA_S_OK, CL_INVALID_COMMAND_QUEUE, "fresh session: clFinish of B's queue");
		mb_begin(AVA_API_CONTROL, AVA_CTL_RELEASE);
		put(AVA_API_OPENCL);
		put(bo.ctx);
		expect_call(&e, AVA_S_BAD_HANDLE, NO_CL, "fresh session: AVA_CTL_RELEASE of B's context");
		mb_begin(AVA_API_CONTROL, AVA_CTL_RELEASE);
		put(AVA_API_OPENCL);
		put(bo.plat);
		expect_call(&e, AVA_S_BAD_HANDLE, NO_CL, "fresh session: AVA_CTL_RELEASE of B's platform id");
		mb_begin(AVA_API_OPENCL, FN(clCreateBuffer));
		put(ID_SCRATCH);
		put(0x7700);
		put(CL_MEM_READ_WRITE);
		put(64);
		put(0);
		expect_call(s, AVA_S_OK, CL_INVALID_CONTEXT, "clCreateBuffer in another session's context id");
		mb_write_head(0x7701, 0x7702, 0, 8);
		put_data("12345678", 8);
		mb_write_tail();
		expect_call(s, AVA_S_OK, CL_INVALID_COMMAND_QUEUE, "clEnqueueWriteBuffer on another session's queue");
		mb_write_head(o->q, 0x7702, 0, 8);
		put_data("12345678", 8);
		mb_write_tail();
		expect_call(s, AVA_S_OK, CL_INVALID_MEM_OBJECT, "clEnqueueWriteBuffer into another session's buffer");
		mb_begin(AVA_API_CONTROL, AVA_CTL_RELEASE);
		put(AVA_API_OPENCL);
		put(0x7702);
		expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "AVA_CTL_RELEASE of another session's buffer");

		ok = 1;
		mb_write_head(0x7701, 0x7702, 0, 8);
		put_data("12345678", 8);
		mb_write_tail();
		{
			struct rep r;

			REQUIRE(cl_ok(&b, &r, "B: clEnqueueWriteBuffer", TIMEOUT_MS) == 0, "B's buffer broken");
		}
		REQUIRE(do_finish(&b, 0x7701) == 0, "B's queue broken");
		tap(ok, "the other session's objects still work after the forgeries");
	}
	sess_close(&e);
	sess_close(&b);
}

/*
 * Does the worker trust memory the client can write?  An out in the arena
 * holds whatever the client put there where the vendor wrote nothing, and
 * two refs may overlap.  Host pointers must never come from there.
 */
static void t_trust(struct sess *s, const struct clobj *o)
{
	uint64_t st0[AVA_STAT_COUNT], st1[AVA_STAT_COUNT], slot[4], num = 0, off = 0x10000;
	struct rep r;
	uint32_t idx;
	int ok = 1, i;

	REQUIRE(stats(s, st0) == 0, "STATS failed");
	memset(s->arena + off, 0x41, 32);
	mb_begin(AVA_API_OPENCL, FN(clGetPlatformIDs));
	put(4);
	idx = add_ref(off, 32, AVA_REF_OUT);
	put_out_ref(idx, 32);
	put_out(4);
	REQUIRE(cl_ok(s, &r, "clGetPlatformIDs(4, arena out)", TIMEOUT_MS) == 0, "call failed");
	rep_out(&r, NULL, 0);
	rep_out(&r, &num, 4);
	memcpy(slot, s->arena + off, 32);
	REQUIRE(stats(s, st1) == 0, "STATS failed");
	REQUIRE(num >= 1 && num <= 4, "num_platforms %" PRIu64, num);
	REQUIRE(slot[0] == o->plat, "slot 0 %#" PRIx64 ", expected the platform %#" PRIx64, slot[0], o->plat);
	for (i = (int)num; i < 4; i++)
		REQUIRE(!(slot[i] & WBIT), "slot %d: the client's bytes 0x4141... were exported as handle %#" PRIx64
			" (the worker will call the vendor on pointer 0x4141414141414141)", i, slot[i]);
	REQUIRE(st1[AVA_STAT_HANDLES] == st0[AVA_STAT_HANDLES],
		"live handles %" PRIu64 " -> %" PRIu64 " for a query of an existing platform",
		st0[AVA_STAT_HANDLES], st1[AVA_STAT_HANDLES]);
	ok &= ping(s);
	tap(ok, "clGetPlatformIDs into an arena out: slots the vendor did not write are not exported as handles");

	ok = 1;
	REQUIRE(stats(s, st0) == 0, "STATS failed");
	memset(s->arena + off, 0, 16);
	mb_device_info(o->dev, CL_DEVICE_PLATFORM, 8);
	idx = add_ref(off, 8, AVA_REF_OUT);
	put_out_ref(idx, 8);
	idx = add_ref(off, 8, AVA_REF_OUT);	/* size_ret on top of the value */
	put_out_ref(idx, 8);
	call(s, &r);
	REQUIRE(r.got == 1, "no reply (%s)", got_name(r.got));
	memcpy(slot, s->arena + off, 8);
	if (r.got == 1 && r.status == AVA_S_OK && rep_i64(&r) == CL_SUCCESS)
		REQUIRE(!(slot[0] & WBIT) || slot[0] == o->plat,
			"the worker exported the size_ret value (a pointer of %#x) as platform handle %#" PRIx64,
			(unsigned)sizeof(size_t), slot[0]);
	if (r.got != -1) {
		REQUIRE(stats(s, st1) == 0, "STATS failed");
		REQUIRE(st1[AVA_STAT_HANDLES] == st0[AVA_STAT_HANDLES], "live handles %" PRIu64 " -> %" PRIu64,
			st0[AVA_STAT_HANDLES], st1[AVA_STAT_HANDLES]);
		ok &= ping(s);
	}
	tap(ok, "clGetDeviceInfo(CL_DEVICE_PLATFORM) with value and size_ret refs overlapping: no forged handle");
}

/*
 * A non-blocking clEnqueueReadBuffer without deferral: the vendor writes
 * after the call returned.  The destination must not be worker memory that
 * is freed once the reply is sent.  (Own session: the worker may die.)
 */
static void t_nonblocking_read(void)
{
	struct sess x;
	struct clobj o;
	struct rep r;
	uint64_t ev = ID_UEV;
	int ok = 1, st;

	if (sess_open(&x, 0) || mk_setup(&x, &o, 65536) || mk_user_event(&x, ev, ID_CTX)) {
		tap(0, "non-blocking read: setup");
		sess_close(&x);
		return;
	}
	mb_begin(AVA_API_OPENCL, FN(clEnqueueReadBuffer));
	put(o.q);
	put(o.buf);
	put(CL_FALSE);		/* blocking_read */
	put(0);
	put(65536);
	put(0);			/* not deferred */
	put_out(65536);
	put(1);
	put_ids(&ev, 1);
	put(0);
	st = call(&x, &r);
	if (st == AVA_S_OK && rep_i64(&r) == CL_SUCCESS) {
		/* the read is queued behind the user event: release it now */
		mb_begin(AVA_API_OPENCL, FN(clSetUserEventStatus));
		put(ev);
		put((uint64_t)(int64_t)CL_COMPLETE);
		call(&x, &r);
		REQUIRE(r.got == 1, "clSetUserEventStatus: no reply (%s)", got_name(r.got));
		REQUIRE(do_finish(&x, o.q) == 0, "clFinish after the read failed");
		for (int i = 0; i < 50 && ok; i++)
			ok &= ping(&x);
		REQUIRE(pid_alive(x.worker) && !peer_gone(&x), "the worker died");
	} else {
		REQUIRE(r.got == 1, "no reply (%s)", got_name(r.got));
		ok &= ping(&x);
	}
	tap(ok, "clEnqueueReadBuffer(blocking=CL_FALSE, not deferred, inline out) behind a user event: worker survives");
	sess_close(&x);
}


/*
 * A creating call that fails must not leave a handle behind: PoCL returns a
 * half-built context with CL_DEVICE_NOT_FOUND from clCreateContextFromType
 * for a device type it does not have, and releasing that object aborts.
 */
static void t_failed_create(void)
{
	uint64_t st0[AVA_STAT_COUNT], st1[AVA_STAT_COUNT];
	struct sess x;
	struct clobj o;
	struct rep r;
	int64_t ret = 0;
	int ok = 1, st;

	if (sess_open(&x, 0) || mk_setup(&x, &o, 0) || stats(&x, st0)) {
		tap(0, "failed clCreateContextFromType: setup");
		sess_close(&x);
		return;
	}
	mb_begin(AVA_API_OPENCL, FN(clCreateContextFromType));
	put(ID_SCRATCH);
	put(0);			/* properties */
	put(CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_ACCELERATOR);
	put(0);
	put(0);
	st = call(&x, &r);
	REQUIRE(st == AVA_S_OK, "status %d", st);
	if (st == AVA_S_OK)
		ret = rep_i64(&r);
	REQUIRE(stats(&x, st1) == 0, "STATS failed");
	if (ret != CL_SUCCESS) {
		REQUIRE(st1[AVA_STAT_HANDLES] == st0[AVA_STAT_HANDLES],
			"CL error %" PRId64 " but live handles %" PRIu64 " -> %" PRIu64 ": the vendor's half-built "
			"object was registered", ret, st0[AVA_STAT_HANDLES], st1[AVA_STAT_HANDLES]);
		st = release(&x, AVA_API_OPENCL, ID_SCRATCH);
		REQUIRE(st == AVA_S_BAD_HANDLE, "AVA_CTL_RELEASE of the failed id: %d (%s)", st,
			st < 0 ? "worker gone: releasing it killed the worker" : sname((uint32_t)st));
	} else {
		REQUIRE(release(&x, AVA_API_OPENCL, ID_SCRATCH) == AVA_S_OK, "releasing the context failed");
	}
	if (!peer_gone(&x))
		ok &= ping(&x);
	tap(ok, "clCreateContextFromType(GPU|ACCELERATOR) -> CL %" PRId64 ": no handle left behind, release refused, "
	    "session alive", ret);
	sess_close(&x);
}


/*
 * Pointers the vendor will dereference must not reach it as NULL when the
 * call's counts say they hold data: PoCL does not check them all.
 */
static void t_null_arrays(void)
{
	struct sess x;
	struct clobj o;
	struct rep r;
	int ok = 1, st;

	if (sess_open(&x, 0) || mk_setup(&x, &o, 0)) {
		tap(0, "NULL strings array: setup");
		sess_close(&x);
		return;
	}
	mb_begin(AVA_API_OPENCL, FN(clCreateProgramWithSource));
	put(ID_SCRATCH);
	put(o.ctx);
	put(1);			/* count */
	put(0);			/* strings: NULL */
	st = call(&x, &r);
	REQUIRE(r.got == 1, "no reply (%s): the vendor was called with strings == NULL", got_name(r.got));
	if (r.got == 1)
		REQUIRE(st != AVA_S_OK || rep_i64(&r) != CL_SUCCESS, "accepted");
	if (r.got != -1)
		ok &= ping(&x);
	tap(ok, "clCreateProgramWithSource(count 1, strings NULL) is refused before the vendor sees it");
	sess_close(&x);
}

/* The client shrinks the session memfd under the worker. */
static void t_memfd_shrink(void)
{
	struct sess x;
	uint32_t len, seq0;
	int ok = 1, rc;

	if (sess_open(&x, 1)) {
		tap(0, "memfd shrink: setup");
		return;
	}
	len = build_ping(&x, 0);
	ring_put(&x, g_msg, len, 0);	/* written, not yet published */
	seq0 = atomic_load(&x.ctl->reply_seq);
	rc = ftruncate(x.memfd, AVA_SHM_CTL_SIZE);
	if (rc == 0) {
		/* only the ctl page is still backed, on both sides */
		uint64_t t0 = ava_now_ns();

		publish(&x, x.head);
		while (atomic_load(&x.ctl->reply_seq) == seq0 && !peer_gone(&x) &&
		       ava_now_ns() - t0 < TIMEOUT_MS * 1000000ull)
			sleep_ms(5);
		REQUIRE(atomic_load(&x.ctl->reply_seq) != seq0,
			"ftruncate(session memfd, 4096) succeeded and the worker died on the next command "
			"(SIGBUS reading the ring): the memfd is not sealed against shrinking");
	}
	if (g_verbose)
		note("ftruncate of the session memfd: %s", rc ? strerror(errno) : "allowed");
	tap(ok, "shrinking the session memfd is refused or harmless to the worker");
	/* our own mapping beyond the ctl page is gone too: do not touch it */
	sess_close(&x);
}

/* After a session ended, the daemon must still serve new ones. */
static int daemon_serves(void)
{
	struct sess n;
	int ok = 1;

	REQUIRE(sess_open(&n, 0) == 0, "the daemon refused a new session");
	if (n.sock >= 0) {
		ok &= ping(&n);
		sess_close(&n);
	}
	return ok;
}


/* Control functions of the kernel transport, sent over the local one. */
static void t_kernel_controls(void)
{
#if defined(AVA_CTL_NOTE_WAIT) || defined(AVA_CTL_CLOSE)
	static const struct { uint32_t func; const char *what; } f[] = {
#ifdef AVA_CTL_NOTE_WAIT
		{ AVA_CTL_NOTE_WAIT, "AVA_CTL_NOTE_WAIT" },
#endif
#ifdef AVA_CTL_CLOSE
		{ AVA_CTL_CLOSE, "AVA_CTL_CLOSE" },
#endif
	};
	struct sess x;
	struct clobj o;
	struct rep r;
	unsigned i;
	int ok;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		ok = 1;
		if (sess_open(&x, 0) || mk_setup(&x, &o, 4096)) {
			tap(0, "%s on the local transport: setup", f[i].what);
			sess_close(&x);
			continue;
		}
		mb_begin(AVA_API_CONTROL, f[i].func);
		call(&x, &r);
		if (r.got == 1) {
			/* answered: the session must still work (or have ended cleanly) */
			if (!peer_gone(&x))
				ok &= ping(&x);
		} else if (r.got == 0) {
			REQUIRE(0, "no reply within 5 s: the session is wedged");
		}
		if (r.got == -1 || peer_gone(&x))
			REQUIRE(wait_worker_exit(&x, 5000) == 0, "the worker neither answers nor exits");
		sess_close(&x);
		REQUIRE(wait_pid_gone(x.worker, 10000) == 0, "worker %d did not exit after its session closed",
			(int)x.worker);
		if (pid_alive(x.worker))
			kill(x.worker, SIGKILL);	/* ours, and stuck */
		ok &= daemon_serves();
		tap(ok, "%s on the local transport: answered or the session ends; never wedged", f[i].what);
	}
#endif
}

static void ring_case(const char *what, void (*abuse)(struct sess *), int may_survive)
{
	struct sess x;
	int ok = 1, gone;

	if (sess_open(&x, 0)) {
		tap(0, "%s: setup", what);
		return;
	}
	ok &= ping(&x);
	abuse(&x);
	gone = wait_worker_exit(&x, 5000) == 0;
	if (!gone && may_survive) {
		/* it may also have resynchronized: then it must still answer */
		ok &= ping(&x);
	} else {
		REQUIRE(gone, "the worker did not end the session within 5 s");
	}
	sess_close(&x);
	ok &= daemon_serves();
	tap(ok, "%s: only that session ends, the daemon serves a new session", what);
}

static void abuse_head_odd(struct sess *x)
{
	publish(x, x->head + 4);
}

static void abuse_head_beyond(struct sess *x)
{
	publish(x, x->head + RING + 8);
}

static void abuse_head_back(struct sess *x)
{
	publish(x, x->head - 8);
}

static void abuse_head_huge(struct sess *x)
{
	publish(x, x->head + (1ull << 63));
}

/* A pad entry where there is no wrap. */
static void abuse_pad(struct sess *x)
{
	uint32_t len = build_ping(x, 0);

	H()->magic = AVA_RING_PAD_MAGIC;
	ring_put(x, g_msg, len, 1);
}

/* Moves the ring position to `target` (mod RING) with big PINGs. */
static int fill_ring_to(struct sess *x, uint64_t target)
{
	struct rep r;
	uint64_t left = (target - x->head % RING + RING) % RING;

	if (left && left < HDR_LEN)
		left += RING;
	while (left) {
		uint32_t chunk = left > (1u << 20) ? (1u << 20) : (uint32_t)left;

		if (left - chunk != 0 && left - chunk < HDR_LEN)
			chunk -= 64;
		if (send_msg(x, build_ping(x, chunk - HDR_LEN), &r, TIMEOUT_MS) || r.status != AVA_S_OK)
			return -1;
		left -= chunk;
	}
	return 0;
}

/* A command straddling the ring's end without a pad entry. */
static void abuse_straddle(struct sess *x)
{
	uint32_t len;
	uint64_t pos;

	if (fill_ring_to(x, RING - 16))
		return;
	len = build_ping(x, 0);
	pos = x->head % RING;
	memcpy(x->req + pos, g_msg, 16);
	memcpy(x->req, g_msg + 16, len - 16);
	x->head += len;
	publish(x, x->head);
}

static void t_ring(void)
{
	struct sess x;
	int ok = 1;

	ring_case("req_head advanced by 4 (not a multiple of 8)", abuse_head_odd, 0);
	ring_case("req_head beyond the ring (tail + size + 8)", abuse_head_beyond, 0);
	ring_case("req_head moved backwards (tail - 8)", abuse_head_back, 0);
	ring_case("req_head advanced by 2^63", abuse_head_huge, 0);
	ring_case("a pad entry in the middle of the ring", abuse_pad, 1);
	ring_case("a command straddling the ring's end without a pad entry", abuse_straddle, 0);

	/* positive control: a wrap with a pad entry */
	if (sess_open(&x, 0) == 0) {
		REQUIRE(fill_ring_to(&x, RING - 16) == 0, "filling the ring failed");
		ok &= ping(&x);
		ok &= ping(&x);
		REQUIRE(x.head >= RING, "the ring did not wrap");
		sess_close(&x);
	} else {
		ok = 0;
	}
	tap(ok, "a command after a pad entry at the ring's end (wrap) is served");
}

/* ------------------------------------------------------------- fuzzing */

static uint64_t g_rng = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
	uint64_t x = g_rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	g_rng = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static uint64_t rnd_n(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static uint64_t fz_pool[24];
static unsigned fz_npool;

static uint64_t fz_len(void)
{
	static const uint64_t v[] = { 0, 1, 4, 8, 16, 24, 64, 4096, 65536, 1u << 20, (1u << 20) + 8,
				      0xFFFFFFFFull, 1ull << 40, 1ull << 60, AVA_DATA_MAXLEN };

	return rnd_n(3) ? v[rnd_n(sizeof(v) / sizeof(v[0]))] : rnd_n(300);
}

static uint64_t fz_scalar(void)
{
	static const uint64_t v[] = { 0, 1, 2, 3, 4, 8, 16, 64, 256, 4096, 65536, 1u << 20, 0x7FFFFFFFu,
				      0xFFFFFFFFu, 1ull << 32, 1ull << 62, UINT64_MAX, WBIT, (uint64_t)-5,
				      CL_DEVICE_TYPE_ALL, CL_MEM_READ_WRITE, CL_MEM_COPY_HOST_PTR | CL_MEM_READ_WRITE,
				      CL_MEM_USE_HOST_PTR, CL_MAP_READ, CL_MAP_WRITE, CL_DEVICE_NAME,
				      CL_DEVICE_PLATFORM, CL_CONTEXT_DEVICES, CL_CONTEXT_PROPERTIES,
				      CL_MEM_CONTEXT, CL_QUEUE_CONTEXT, CL_EVENT_COMMAND_QUEUE };

	switch (rnd_n(5)) {
	case 0:
	case 1:
		return v[rnd_n(sizeof(v) / sizeof(v[0]))];
	case 2:
		return fz_pool[rnd_n(fz_npool)];
	case 3:
		return rnd_n(64);
	default:
		return rnd();
	}
}

static void fz_bytes(uint64_t n)
{
	uint8_t *d = ava_wbuf_reserve(&M.w, n);
	uint64_t i, v;

	for (i = 0; d && i + 8 <= n; i += 8) {
		v = rnd_n(3) ? fz_scalar() : rnd();
		memcpy(d + i, &v, 8);
	}
	for (; d && i < n; i++)
		d[i] = (uint8_t)rnd();
}

static void fz_item(struct sess *s)
{
	uint64_t n, i;

	switch (rnd_n(13)) {
	case 0:
	case 1:
	case 2:
		put(fz_scalar());
		break;
	case 3:
		put(fz_pool[rnd_n(fz_npool)]);
		break;
	case 4:			/* inline data */
		n = rnd_n(4) ? rnd_n(65) : rnd_n(4097);
		put((n << 2) | AVA_DATA_INLINE);
		fz_bytes(n);
		break;
	case 5:			/* data or out through a ref */
		n = fz_len();
		put((n << 2) | AVA_DATA_REF);
		put(rnd_n(4) ? rnd_n(M.nrefs + 1) : rnd());
		break;
	case 6:			/* an inline out capacity */
		put((fz_len() << 2) | AVA_DATA_INLINE);
		break;
	case 7:			/* a preloaded out */
		n = rnd_n(65);
		put((n << 2) | AVA_DATA_INLINE_PRELOAD);
		fz_bytes(rnd_n(8) ? n : n / 2);
		break;
	case 8:
		put(rnd());
		break;
	case 9:
		put(0);
		break;
	case 10:		/* a handle array */
		n = rnd_n(4);
		put(((n * 8) << 2) | AVA_DATA_INLINE);
		for (i = 0; i < n; i++)
			put(fz_pool[rnd_n(fz_npool)]);
		break;
	case 11:		/* a string, NUL-terminated or not */
		n = rnd_n(12);
		put((n << 2) | AVA_DATA_INLINE);
		{
			char *d = ava_wbuf_reserve(&M.w, n);

			for (i = 0; d && i < n; i++)
				d[i] = (char)('a' + rnd_n(26));
			if (d && n && rnd_n(2))
				d[n - 1] = '\0';
		}
		break;
	default:		/* a kernel argument */
		put(rnd_n(4));
		put(fz_pool[rnd_n(fz_npool)]);
		break;
	}
	(void)s;
}

static void fz_refs(struct sess *s)
{
	static const uint64_t lens[] = { 0, 4, 8, 16, 32, 64, 256, 4096, 65536, 1u << 20 };
	unsigned n = (unsigned)rnd_n(5), i;
	uint64_t len, off;

	for (i = 0; i < n; i++) {
		len = rnd_n(6) ? lens[rnd_n(sizeof(lens) / sizeof(lens[0]))] : rnd_n(1000);
		off = rnd_n(s->arena_size / 8) * 8;
		if (off + len > s->arena_size)
			off = s->arena_size - len;
		if (rnd_n(3) == 0)
			off = rnd_n(4) * 4096;	/* overlapping refs */
		add_ref(off, len, 1 + (uint32_t)rnd_n(AVA_REF_KNOWN_FLAGS));
		if (rnd_n(25) == 0) {	/* a bad one */
			switch (rnd_n(4)) {
			case 0: M.refs[M.nrefs - 1].offset = rnd(); break;
			case 1: M.refs[M.nrefs - 1].len = rnd(); break;
			case 2: M.refs[M.nrefs - 1].flags = (uint32_t)rnd(); break;
			default: M.refs[M.nrefs - 1].reserved = 1; break;
			}
		}
	}
}

/*
 * Well-formed calls on the fuzz session's objects, mutated afterwards, so
 * that the fuzzer gets past the handle checks into the size checks and the
 * vendor calls.
 */
#define FZ_NEW (0x200 + rnd_n(16))	/* guest ids the templates create */
#define FZ_EV (0x210 + rnd_n(16))	/* event ids they create */
#define FZ_NTEMPLATES 24

static void fz_template(const struct clobj *o, unsigned t)
{
	static const uint64_t dev_params[] = { CL_DEVICE_NAME, CL_DEVICE_PLATFORM, CL_DEVICE_PARENT_DEVICE,
					       CL_DEVICE_MAX_WORK_GROUP_SIZE, CL_DEVICE_EXTENSIONS };
	static const uint64_t ctx_params[] = { CL_CONTEXT_DEVICES, CL_CONTEXT_PROPERTIES, CL_CONTEXT_NUM_DEVICES,
					       CL_CONTEXT_REFERENCE_COUNT };
	static const uint64_t mem_params[] = { CL_MEM_SIZE, CL_MEM_CONTEXT, CL_MEM_ASSOCIATED_MEMOBJECT,
					       CL_MEM_FLAGS };
	static const uint64_t q_params[] = { CL_QUEUE_CONTEXT, CL_QUEUE_DEVICE, CL_QUEUE_REFERENCE_COUNT };
	uint64_t v[4], size;
	uint8_t data[4096];

	memset(data, 0x33, sizeof(data));
	switch (t) {
	case 0:
		mb_begin(AVA_API_OPENCL, FN(clGetPlatformIDs));
		put(1);
		put_out(8);
		put_out(4);
		break;
	case 1:
		mb_begin(AVA_API_OPENCL, FN(clGetDeviceIDs));
		put(o->plat);
		put(CL_DEVICE_TYPE_ALL);
		put(1);
		put_out(8);
		put_out(4);
		break;
	case 2:
		mb_device_info(o->dev, dev_params[rnd_n(5)], 64);
		put_out(64);
		put_out(8);
		break;
	case 3:
		mb_begin(AVA_API_OPENCL, FN(clGetContextInfo));
		put(o->ctx);
		put(ctx_params[rnd_n(4)]);
		put(64);
		put_out(64);
		put_out(8);
		break;
	case 4:
		v[0] = CL_CONTEXT_PLATFORM;
		v[1] = o->plat;
		mb_begin(AVA_API_OPENCL, FN(clCreateContext));
		put(FZ_NEW);
		put_data(v, 16);
		put(1);
		put_ids(&o->dev, 1);
		put(0);
		put(0);
		break;
	case 5:
		mb_begin(AVA_API_OPENCL, FN(clCreateCommandQueue));
		put(FZ_NEW);
		put(o->ctx);
		put(o->dev);
		put(0);
		break;
	case 6:
		size = 1 + rnd_n(512);
		mb_begin(AVA_API_OPENCL, FN(clCreateBuffer));
		put(FZ_NEW);
		put(o->ctx);
		put(CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR);
		put(size);
		put_data(data, size);
		break;
	case 7:
		size = 1 + rnd_n(4096);
		mb_write_head(o->q, o->buf, rnd_n(4096), size);
		put_data(data, size);
		put(0);
		put(0);
		put(rnd_n(2) ? FZ_EV : 0);
		break;
	case 8:
		size = 1 + rnd_n(4096);
		mb_begin(AVA_API_OPENCL, FN(clEnqueueReadBuffer));
		put(o->q);
		put(o->buf);
		put(CL_TRUE);
		put(rnd_n(4096));
		put(size);
		put(rnd_n(2));	/* deferred */
		put_out(size);
		put(0);
		put(0);
		put(rnd_n(2) ? FZ_EV : 0);
		break;
	case 9:
		mb_begin(AVA_API_OPENCL, FN(clEnqueueFillBuffer));
		put(o->q);
		put(o->buf);
		put_data(data, 4);
		put(4);
		put(0);
		put(4096);
		put(0);
		put(0);
		put(0);
		break;
	case 10:
		mb_begin(AVA_API_OPENCL, FN(clEnqueueCopyBuffer));
		put(o->q);
		put(o->buf);
		put(ID_BUF2);
		put(0);
		put(0);
		put(1024);
		put(0);
		put(0);
		put(0);
		break;
	case 11:
		mb_begin(AVA_API_OPENCL, FN(clFinish));
		put(o->q);
		break;
	case 12:
		mb_begin(AVA_API_OPENCL, FN(clGetMemObjectInfo));
		put(rnd_n(2) ? o->buf : FZ_NEW);
		put(mem_params[rnd_n(4)]);
		put(8);
		put_out(8);
		put_out(8);
		break;
	case 13:
		v[0] = 0;
		v[1] = 1024;
		mb_begin(AVA_API_OPENCL, FN(clCreateSubBuffer));
		put(FZ_NEW);
		put(o->buf);
		put(CL_MEM_READ_WRITE);
		put(CL_BUFFER_CREATE_TYPE_REGION);
		put_data(v, 16);
		break;
	case 14:
		mb_begin(AVA_API_OPENCL, FN(clEnqueueMarkerWithWaitList));
		put(o->q);
		put(0);
		put(0);
		put(FZ_EV);
		break;
	case 15:
		mb_begin(AVA_API_OPENCL, FN(clGetEventInfo));
		put(FZ_EV);
		put(rnd_n(2) ? CL_EVENT_COMMAND_EXECUTION_STATUS : CL_EVENT_COMMAND_QUEUE);
		put(8);
		put_out(8);
		put_out(8);
		break;
	case 16:
		v[0] = FZ_EV;
		mb_begin(AVA_API_OPENCL, FN(clWaitForEvents));
		put(1);
		put_ids(v, 1);
		break;
	case 17:
		mb_begin(AVA_API_OPENCL, FN(clCreateProgramWithSource));
		put(FZ_NEW);
		put(o->ctx);
		put(1);
		put(1);
		put_data(K_SRC, strlen(K_SRC));
		break;
	case 18:
		mb_begin(AVA_API_CONTROL, AVA_CTL_RELEASE);
		put(AVA_API_OPENCL);
		put(rnd_n(2) ? FZ_NEW : FZ_EV);
		break;
	case 19:
		mb_begin(AVA_API_OPENCL, FN(clGetCommandQueueInfo));
		put(o->q);
		put(q_params[rnd_n(3)]);
		put(8);
		put_out(8);
		put_out(8);
		break;
	case 20:
		mb_begin(AVA_API_OPENCL, FN(clEnqueueMapBuffer));
		put(o->q);
		put(o->buf);
		put(CL_TRUE);
		put(rnd_n(2) ? CL_MAP_READ : CL_MAP_WRITE);
		put(0);
		put(4096);
		put(0);
		put(0);
		put(0);
		put(4096);
		put_out(4096);
		break;
	case 21:
		mb_begin(AVA_API_OPENCL, FN(clEnqueueUnmapMemObject));
		put(o->q);
		put(o->buf);
		put(1 + rnd_n(8));
		put_data(data, 4096);
		put(0);
		put(0);
		put(0);
		break;
	case 22:
		mb_begin(AVA_API_OPENCL, FN(clGetSupportedImageFormats));
		put(o->ctx);
		put(CL_MEM_READ_WRITE);
		put(CL_MEM_OBJECT_IMAGE2D);
		put(16);
		put_out(16 * sizeof(cl_image_format));
		put_out(4);
		break;
	default:
		v[0] = CL_RGBA | ((uint64_t)CL_UNORM_INT8 << 32);
		mb_begin(AVA_API_OPENCL, FN(clCreateImage2D));
		put(FZ_NEW);
		put(o->ctx);
		put(CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR);
		put_data(v, 8);
		put(16);
		put(16);
		put(0);
		put_data(data, 16 * 16 * 4);
		break;
	}
}

/* 1-3 mutations of the command being built (none one time in eight). */
static void fz_mutate(struct sess *s)
{
	unsigned n = rnd_n(8) ? 1 + (unsigned)rnd_n(3) : 0, words, i;
	uint64_t v;

	while (n--) {
		words = (unsigned)(M.w.len / 8);
		switch (rnd_n(10)) {
		case 0:		/* cut the inline part */
			M.w.len = rnd_n(words + 1) * 8;
			break;
		case 1:		/* trailing garbage */
			for (i = 1 + (unsigned)rnd_n(3); i; i--)
				put(fz_scalar());
			break;
		case 2:		/* a ref, used or not */
			if (M.nrefs < 4) {
				add_ref(rnd_n(4) * 4096, 1u << (2 * rnd_n(8)), 1 + (uint32_t)rnd_n(3));
				if (words) {
					v = (fz_len() << 2) | AVA_DATA_REF;
					memcpy(M.w.p + rnd_n(words) * 8, &v, 8);
					if (M.w.len + 8 <= M.w.cap)
						put(M.nrefs - 1);
				}
			}
			break;
		case 3:		/* a length word */
			if (words) {
				v = (fz_len() << 2) | rnd_n(4);
				memcpy(M.w.p + rnd_n(words) * 8, &v, 8);
			}
			break;
		default:	/* one word replaced */
			if (words) {
				uint8_t *w = M.w.p + rnd_n(words) * 8;

				memcpy(&v, w, 8);
				switch (rnd_n(5)) {
				case 0: v = fz_scalar(); break;
				case 1: v = fz_pool[rnd_n(fz_npool)]; break;
				case 2: v += rnd_n(2) ? 1 : (uint64_t)-1; break;
				case 3: v ^= 1ull << rnd_n(64); break;
				default: v = (v & 3) | (fz_len() << 2); break;
				}
				memcpy(w, &v, 8);
			}
			break;
		}
	}
	(void)s;
}

/* Functions the fuzzer leaves alone: slow (compilers, kernel launches) or
 * able to block the queue forever (user events). */
static int fz_skip(uint32_t f)
{
	return f == FN(clBuildProgram) || f == FN(clCompileProgram) || f == FN(clLinkProgram) ||
	       f == FN(clCreateUserEvent) || f == FN(clEnqueueNDRangeKernel) || f == FN(clEnqueueTask);
}

static void dump_cmd(const uint8_t *p, uint32_t len)
{
	char line[128];
	uint32_t i, k = 0;

	for (i = 0; i < len && i < 256; i += 8) {
		uint64_t v;

		memcpy(&v, p + i, 8);
		k += (uint32_t)snprintf(line + k, sizeof(line) - k, "%016" PRIx64 " ", v);
		if (k > 80 || i + 8 >= len || i + 8 >= 256) {
			diag("  %s", line);
			k = 0;
		}
	}
}

static void t_fuzz(unsigned iterations, uint64_t seed)
{
	static uint8_t last[512];
	uint64_t st[AVA_STAT_COUNT] = { 0 };
	unsigned long sent = 0, refused = 0, async = 0, lost_n = 0, okc = 0, templ = 0;
	struct sess f;
	struct clobj o;
	struct rep r;
	uint32_t len, lastlen = 0, func;
	uint16_t api;
	unsigned i;
	int ok = 1, lost, corrupt, pings_ok = 1;
	uint64_t t0 = ava_now_ns();

	g_rng = seed ? seed : 1;
	if (sess_open(&f, 0) || mk_setup(&f, &o, 65536) || mk_buffer(&f, ID_BUF2, ID_CTX, 4096)) {
		tap(0, "fuzz: setup");
		sess_close(&f);
		return;
	}
	fz_npool = 0;
	fz_pool[fz_npool++] = 0;
	fz_pool[fz_npool++] = o.plat;
	fz_pool[fz_npool++] = o.dev;
	fz_pool[fz_npool++] = o.ctx;
	fz_pool[fz_npool++] = o.q;
	fz_pool[fz_npool++] = o.buf;
	fz_pool[fz_npool++] = ID_BUF2;
	fz_pool[fz_npool++] = WBIT | 3;
	fz_pool[fz_npool++] = WBIT | 0xFFFF;
	fz_pool[fz_npool++] = 1;
	fz_pool[fz_npool++] = 2;
	fz_pool[fz_npool++] = 0x200;
	fz_pool[fz_npool++] = 0x205;
	fz_pool[fz_npool++] = 0x210;
	fz_pool[fz_npool++] = 0x213;
	fz_pool[fz_npool++] = UINT64_MAX;

	if (g_verbose) {
		/* the templates, unmutated */
		for (i = 0; i < FZ_NTEMPLATES; i++) {
			fz_template(&o, i);
			call(&f, &r);
			note("template %u (func %u): got %d status %u (%s) CL %" PRId64, i, M.func, r.got, r.status,
			     sname(r.status), r.got == 1 && r.status == AVA_S_OK ? rep_i64(&r) : 0);
		}
		g_rng = seed ? seed : 1;
	}

	for (i = 0; i < iterations && ok; i++) {
		uint64_t roll = rnd_n(100);

		if (roll < 75) {
			api = AVA_API_OPENCL;
			do
				func = 1 + (uint32_t)rnd_n(AVA_FN_OPENCL_COUNT - 1);
			while (fz_skip(func));
		} else if (roll < 85) {
			api = AVA_API_CONTROL;
			func = (uint32_t)rnd_n(7);
		} else if (roll < 92) {
			api = AVA_API_OPENCL;
			func = rnd_n(2) ? AVA_FN_OPENCL_COUNT + (uint32_t)rnd_n(64) : (uint32_t)rnd();
			if (func < AVA_FN_OPENCL_COUNT)
				func = 0;
		} else {
			api = (uint16_t)rnd_n(6);
			if (api == AVA_API_OPENCL || api == AVA_API_CONTROL)
				api = (uint16_t)rnd();
			func = (uint32_t)rnd_n(AVA_FN_OPENCL_COUNT);
		}
		if (rnd_n(2)) {
			fz_template(&o, (unsigned)rnd_n(FZ_NTEMPLATES));
			fz_mutate(&f);
			api = M.api;
			func = M.func;
			templ++;
		} else {
			mb_begin(api, func);
			fz_refs(&f);
			for (unsigned k = (unsigned)rnd_n(14); k; k--)
				fz_item(&f);
		}
		if (M.w.overflow)
			continue;
		if (rnd_n(10) == 0)
			M.flags = AVA_CMD_ASYNC;
		len = mb_finish(&f);
		lost = corrupt = 0;
		if (rnd_n(25) == 0) {
			corrupt = 1;
			switch (rnd_n(9)) {
			case 0: H()->magic ^= 1u << rnd_n(32); break;
			case 1: H()->version = (uint16_t)rnd(); if (H()->version == AVA_WIRE_VERSION) H()->version = 0; break;
			case 2: H()->flags |= 2u << rnd_n(31); break;
			case 3: H()->session = (uint32_t)rnd() | 1; break;
			case 4: H()->nrefs += 1 + (uint32_t)rnd_n(3); break;
			case 5: H()->inline_len += 8; break;
			case 6: H()->total_len = (uint32_t)rnd_n(HDR_LEN / 8) * 8; lost = 1; break;
			case 7: H()->total_len += 4; lost = 1; break;
			default: H()->total_len = len + 8 * (1 + (uint32_t)rnd_n(1000)); lost = 1; break;
			}
			if (H()->magic == AVA_RING_PAD_MAGIC)
				H()->magic = 0;
			if (lost)	/* always answered: keep it synchronous */
				H()->flags &= ~AVA_CMD_ASYNC;
		}
#ifdef AVA_REF_STREAM
		/* a stream the worker starts must end at once: it is never fed */
		atomic_store(&f.ctl->stream_guest, UINT64_MAX - 1);
#endif
		lastlen = len < sizeof(last) ? len : sizeof(last);
		memcpy(last, g_msg, lastlen);
		{
			uint64_t want = lost ? 0 : H()->call_id;
			int is_async = (H()->flags & AVA_CMD_ASYNC) != 0;

			send_msg(&f, len, &r, 10000);
			sent++;
			if (g_trace) {
				/* every fuzz command and its outcome, on stderr */
				fprintf(stderr, "fuzz %u: api %u func %u len %u -> got %d status %u", i, api, func, len,
					r.got, r.status);
				if (r.got == 1 && r.status == AVA_S_OK && r.r.len >= 8)
					fprintf(stderr, " CL %" PRId64, (int64_t)ava_rbuf_u64(&r.r));
				for (uint32_t k = 0; k < len && k < 512; k += 8) {
					uint64_t v;

					memcpy(&v, g_msg + k, 8);
					fprintf(stderr, "%s%" PRIx64, k ? " " : "\n  ", v);
				}
				fputc('\n', stderr);
			}
			if (is_async) {
				async++;
				if (r.got == -1) {
					REQUIRE(0, "iteration %u: could not queue an async command (worker gone?)", i);
					ok = 0;
				}
			} else if (r.got != 1) {
				REQUIRE(0, "iteration %u: no reply (%s)", i, got_name(r.got));
			} else {
				REQUIRE(r.call_id == want, "iteration %u: reply call id %" PRIu64 ", expected %" PRIu64,
					i, r.call_id, want);
				REQUIRE(r.status <= AVA_S_BAD_REF, "iteration %u: unknown status %u", i, r.status);
				REQUIRE(!corrupt || r.status != AVA_S_OK, "iteration %u: corrupted header accepted", i);
				if (r.status != AVA_S_OK)
					refused++;
				else
					okc++;
				lost_n += lost;
			}
		}
		if (!ok) {
			diag("seed %#" PRIx64 ", last command (api %u, func %u, %u bytes):", seed, api, func, len);
			dump_cmd(last, lastlen);
			break;
		}
		if ((i + 1) % 1000 == 0) {
			int p = ping(&f);

			pings_ok &= p;
			if (!p) {
				ok = 0;
				diag("iteration %u: PING failed; seed %#" PRIx64 ", last command:", i, seed);
				dump_cmd(last, lastlen);
			}
		}
	}
	if (ok) {
		ok &= ping(&f);
		REQUIRE(stats(&f, st) == 0, "STATS failed after the fuzz");
		REQUIRE(pid_alive(f.worker), "the fuzzed worker died");
	}
	note("fuzz: seed %#" PRIx64 ", %lu commands sent (%lu mutated well-formed calls, %lu async without reply), "
	     "%lu refused, %lu accepted, %lu with lost framing, %.1f s", seed, sent, templ, async, refused, okc, lost_n,
	     (double)(ava_now_ns() - t0) / 1e9);
	if (ok)
		note("fuzz: worker STATS calls %" PRIu64 ", errors %" PRIu64 ", handles %" PRIu64 ", maps %" PRIu64,
		     st[AVA_STAT_CALLS], st[AVA_STAT_ERRORS], st[AVA_STAT_HANDLES], st[AVA_STAT_MAPS]);
	tap(ok && pings_ok, "fuzz: %u random commands (seed %#" PRIx64 "), every sync one answered, PING ok every 1000",
	    iterations, seed);
	sess_close(&f);
}

/* ---------------------------------------------------------- client death */

/* In a child: opens a session, creates objects, reports the worker pid, then
 * blocks (mid_call: inside clWaitForEvents on a user event never set). */
static void child_session(int wfd, int mid_call)
{
	struct sess c;
	struct clobj o;
	struct rep r;
	uint64_t st[AVA_STAT_COUNT], msg[2];
	uint64_t ev = ID_UEV;

	close_inherited();
	if (sess_open(&c, 0) || mk_setup(&c, &o, 4096))
		_exit(2);
	if (mid_call == 1 && mk_user_event(&c, ev, ID_CTX))
		_exit(3);
	if (stats(&c, st))
		_exit(4);
	msg[0] = (uint64_t)c.worker;
	msg[1] = st[AVA_STAT_HANDLES];
	if (write(wfd, msg, sizeof(msg)) != (ssize_t)sizeof(msg))
		_exit(5);
	if (mid_call == 1) {
		mb_begin(AVA_API_OPENCL, FN(clWaitForEvents));
		put(1);
		put_ids(&ev, 1);
		call_t(&c, &r, 600000);
	}
#ifdef AVA_REF_STREAM
	if (mid_call == 2 && mk_buffer(&c, ID_SBUF, ID_CTX, STREAM_LEN) == 0) {
		/* a streamed write whose data never comes */
		mb_stream_write(&o, 0, STREAM_LEN, AVA_REF_IN | AVA_REF_STREAM, STREAM_LEN);
		stream_reset(&c, 0);
		ring_put(&c, g_msg, mb_finish(&c), 1);
	}
#endif
	for (;;)
		pause();
}

static void t_client_death(int mid_call)
{
	struct pollfd p;
	uint64_t msg[2] = { 0, 0 };
	uint32_t wpid = 0;
	pid_t ch;
	int fds[2], ok = 1, status;

	if (pipe(fds)) {
		tap(0, "client death: pipe");
		return;
	}
	fflush(stdout);
	ch = fork();
	if (ch == 0) {
		close(fds[0]);
		child_session(fds[1], mid_call);
	}
	close(fds[1]);
	p.fd = fds[0];
	p.events = POLLIN;
	REQUIRE(ch > 0, "fork failed");
	if (ch > 0) {
		REQUIRE(poll(&p, 1, 60000) == 1 && read(fds[0], msg, sizeof(msg)) == (ssize_t)sizeof(msg) && msg[0],
			"the child did not set up its session");
		wpid = (uint32_t)msg[0];
		/* platform, device, context, queue, buffer (+ the user event) */
		REQUIRE(!wpid || msg[1] == (mid_call == 1 ? 6u : 5u), "the child's session has %" PRIu64
			" live handles, expected %u", msg[1], mid_call == 1 ? 6u : 5u);
		if (wpid && mid_call)
			sleep_ms(300);	/* let the worker enter clWaitForEvents */
		kill(ch, SIGKILL);
		waitpid(ch, &status, 0);
		if (wpid) {
			REQUIRE(wait_pid_gone((pid_t)wpid, 10000) == 0,
				"worker %u still running 10 s after its client was killed%s", wpid,
				mid_call == 1 ? " (it is blocked in clWaitForEvents; the worker never notices "
					   "peer_gone while inside a vendor call)" : "");
			if (pid_alive((pid_t)wpid)) {
				/* our own session's worker, stuck: do not leave it behind */
				kill((pid_t)wpid, SIGKILL);
				wait_pid_gone((pid_t)wpid, 2000);
			}
		}
	}
	close(fds[0]);
	ok &= daemon_serves();
	tap(ok, "client with live handles (STATS) SIGKILLed %s: its worker exits within 10 s, the daemon serves a new session",
	    mid_call == 1 ? "inside a blocking call (clWaitForEvents on a user event)" :
	    mid_call == 2 ? "in the middle of a streamed write it never feeds" : "while idle with live objects");
}

static void t_stats_and_close(void)
{
	struct sess d;
	struct clobj o;
	uint64_t st[AVA_STAT_COUNT];
	int ok = 1;

	REQUIRE(sess_open(&d, 0) == 0, "session setup failed");
	if (d.sock < 0) {
		tap(0, "STATS counts live handles");
		return;
	}
	REQUIRE(mk_setup(&d, &o, 4096) == 0, "OpenCL setup failed");
	REQUIRE(stats(&d, st) == 0, "STATS failed");
	/* platform, device, context, queue, buffer */
	REQUIRE(st[AVA_STAT_HANDLES] == 5, "live handles %" PRIu64 ", expected 5", st[AVA_STAT_HANDLES]);
	REQUIRE(release(&d, AVA_API_OPENCL, o.buf) == AVA_S_OK, "releasing the buffer failed");
	REQUIRE(stats(&d, st) == 0 && st[AVA_STAT_HANDLES] == 4, "live handles %" PRIu64 " after a release, expected 4",
		st[AVA_STAT_HANDLES]);
	tap(ok, "AVA_CTL_STATS counts the session's live handles (5, then 4 after a release)");

	ok = 1;
	close(d.sock);
	track(d.sock, 0);
	d.sock = -1;
	REQUIRE(wait_pid_gone(d.worker, 10000) == 0, "worker %d still running 10 s after the socket closed",
		(int)d.worker);
	sess_close(&d);
	tap(ok, "closing the socket of a session with live objects ends its worker within 10 s");
}

/* ------------------------------------------------------------------ main */

static void usage(FILE *f)
{
	fprintf(f, "usage: hostile_worker SOCKET_PATH [--iterations N] [--seed S] [--verbose] [--trace]\n"
		   "  --verbose  diagnostics of passing cases too\n"
		   "  --trace    every fuzz command and its reply status on stderr\n");
}

int main(int argc, char **argv)
{
	unsigned iterations = 20000;
	uint64_t seed = 0xA7A5EED5ull, t0 = ava_now_ns();
	struct sess s;
	struct clobj o;
	int i, ok;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--iterations") && i + 1 < argc)
			iterations = (unsigned)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--verbose"))
			g_verbose = 1;
		else if (!strcmp(argv[i], "--trace"))
			g_trace = 1;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!g_path && argv[i][0] != '-')
			g_path = argv[i];
		else {
			usage(stderr);
			return 2;
		}
	}
	if (!g_path) {
		usage(stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < MAX_OPEN; i++)
		g_open[i] = -1;
	g_msg = aligned_alloc(64, MSG_CAP);
	g_repbuf = aligned_alloc(64, AVA_SHM_REPLY_SIZE + 64);
	if (!g_msg || !g_repbuf)
		return 2;
	memset(g_msg, 0, MSG_CAP);

	ok = sess_open(&s, 0) == 0;
	if (ok)
		ok = ping(&s);
	if (!tap(ok, "a session opens (hello, memfd, layout) and answers PING")) {
		printf("1..%d\n%d passed, %d failed\n", g_pass + g_fail, g_pass, g_fail);
		return 1;
	}
	t_hello();
	t_framing(&s);

	ok = mk_setup(&s, &o, 1 << 20) == 0;
	ok = ok && mk_program(&s, ID_PROG, ID_CTX, o.dev) == 0;
	o.prog = ID_PROG;
	ok = ok && mk_kernel(&s, ID_KERN, ID_PROG) == 0;
	o.kern = ID_KERN;
	if (tap(ok, "well-formed OpenCL set-up: platform, device, context, queue, 1 MiB buffer, program, kernel")) {
		t_control(&s, &o);
		t_malformed(&s, &o);
		t_forged(&s, &o);
		ok = ping(&s) && do_finish(&s, o.q) == 0;
		tap(ok, "after all refused commands the session's objects still work (clFinish)");
		t_trust(&s, &o);
#ifdef AVA_REF_STREAM
		t_stream(&s, &o);
#endif
	}
	t_nonblocking_read();
	t_failed_create();
	t_null_arrays();
	t_memfd_shrink();
	t_ring();
	t_kernel_controls();
	t_fuzz(iterations, seed);
	t_stats_and_close();
	t_client_death(0);
	t_client_death(1);
#ifdef AVA_REF_STREAM
	t_client_death(2);
#endif

	ok = pid_alive(s.worker) && ping(&s);
	tap(ok, "the first session is still served at the end");
	sess_close(&s);
	note("run time %.1f s", (double)(ava_now_ns() - t0) / 1e9);
	printf("1..%d\n%d passed, %d failed\n", g_pass + g_fail, g_pass, g_fail);
	free(g_msg);
	free(g_repbuf);
	return g_fail ? 1 : 0;
}
