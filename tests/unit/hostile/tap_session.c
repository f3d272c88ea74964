// SPDX-License-Identifier: MIT
/* hostile_worker: TAP output, sessions (hello, memfd, layout), the request ring and replies. */
#include "hostile.h"

/* ------------------------------------------------------------------ TAP */

int g_n, g_pass, g_fail, g_verbose, g_trace;
static char g_diag[8192];
static size_t g_dlen;

void diag(const char *fmt, ...)
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

int tap(int ok, const char *fmt, ...)
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

void note(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}


const char *sname(uint32_t st)
{
	static const char *const n[] = { "OK", "BAD_MAGIC", "BAD_API", "BAD_FUNC", "MALFORMED",
					 "BAD_HANDLE", "TOO_LARGE", "NO_MEMORY", "UNSUPPORTED", "BAD_REF",
					 "WORKER_LOST" };

	return st < sizeof(n) / sizeof(n[0]) ? n[st] : "?";
}

/* The lowest flag bit outside `known` (flags sets grow with the protocol). */
uint32_t unknown_bit(uint32_t known)
{
	return ~known & (known + 1);
}

/* ------------------------------------------------------------ sessions */

const char *g_path;


int g_open[MAX_OPEN];

void track(int fd, int add)
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

void close_inherited(void)
{
	int i;

	for (i = 0; i < MAX_OPEN; i++)
		if (g_open[i] >= 0)
			close(g_open[i]);
}

int connect_sock(void)
{
	return ava_local_connect(g_path);
}

/* Receives the hello reply and the fd that may come with it; returns bytes read. */
ssize_t recv_hello_reply(int sock, struct ava_hello_reply *rep, int *fd)
{
	struct pollfd p = { sock, POLLIN, 0 };

	*fd = -1;
	memset(rep, 0, sizeof(*rep));
	if (poll(&p, 1, TIMEOUT_MS) != 1)
		return -1;
	return ava_recv_with_fd(sock, rep, sizeof(*rep), 0, fd);
}

int sess_open(struct sess *s, int keep_fd)
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
	    recv_hello_reply(s->sock, &rep, &fd) != (ssize_t)sizeof(rep) || fd < 0 || !ava_hello_reply_ok(&rep)) {
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

void sess_close(struct sess *s)
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
int peer_gone(struct sess *s)
{
	struct pollfd p = { s->sock, POLLIN, 0 };
	char b;

	if (poll(&p, 1, 0) <= 0)
		return 0;
	if (p.revents & (POLLHUP | POLLERR))
		return 1;
	return recv(s->sock, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

int pid_alive(pid_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno != ESRCH);
}

void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Waits until process pid is gone (the daemon reaps its workers). */
int wait_pid_gone(pid_t pid, unsigned timeout_ms)
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
int wait_worker_exit(struct sess *s, unsigned timeout_ms)
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

void publish(struct sess *s, uint64_t head)
{
	atomic_store_explicit(&s->ctl->req_head, head, memory_order_release);
	wake(s);
}

/* Puts len bytes into the ring as transport_local.c does (pad entry + wrap). */
int ring_put(struct sess *s, const void *msg, uint32_t len, int do_publish)
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


uint8_t *g_repbuf;

/* The client's buffers and open-session table; -1 when out of memory. */
int client_init(void)
{
	for (int i = 0; i < MAX_OPEN; i++)
		g_open[i] = -1;
	g_msg = aligned_alloc(64, MSG_CAP);
	g_repbuf = aligned_alloc(64, AVA_SHM_REPLY_SIZE + 64);
	if (!g_msg || !g_repbuf)
		return -1;
	memset(g_msg, 0, MSG_CAP);
	return 0;
}

int wait_reply(struct sess *s, uint32_t seq0, unsigned timeout_ms)
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
int xfer(struct sess *s, const void *msg, uint32_t len, int wait, struct rep *r, unsigned timeout_ms)
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

const char *got_name(int got)
{
	return got == 0 ? "timeout" : got == -1 ? "worker gone" : got == -2 ? "garbled reply" : "?";
}

