// SPDX-License-Identifier: MIT
/*
 * The worker side of the `kernel` transport: `ava-hostd --instance UUID`
 * serves the guest sessions of one AvA mdev instance (one VM) through the
 * host module's /dev/vhost-ava (uapi/ava_vhost.h, docs/host-module.md).
 *
 * The dispatcher (this process) attaches to the instance, takes commands
 * with AVA_VHOST_GET_CMD and routes each by the wire header's session
 * field (set by the guest driver, one session per open /dev/ava) to that
 * session's worker process, which it forks on the session's first
 * command.  As on the local transport, each guest session is its own
 * process with its own handle table, so a crash or a hostile session
 * stays in its process; the dispatcher itself never loads the vendor
 * library.  Workers inherit the /dev/vhost-ava file, map its two windows
 * contiguously (read-only window, then read-write window, so that one
 * base + bound check covers every reference), run each command through
 * the same per-command core as the local transport (worker_dispatch.c)
 * and complete it themselves, asynchronous ones included.
 *
 * Session control on this transport: AVA_CTL_CLOSE (the guest closed
 * /dev/ava) ends the worker after it released everything; AVA_CTL_NOTE_WAIT
 * is parked by the worker and completed when callback notifications are
 * due.  A device reset (guest driver gone, VM restarted) ends every
 * session.  When a worker dies, the dispatcher completes the commands it
 * had not finished with AVA_S_WORKER_LOST.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../uapi/ava_vhost.h"
#include "transport_kernel.h"
#include "worker_call.h"
#include "worker_codecs.h"

#define NOTE_QUEUE_MAX 65536u
/* A session whose guest closed /dev/ava gets this long to finish the call
 * it is in (a vendor call can block forever, e.g. on a user event). */
#define CLOSE_GRACE_NS (5ull * 1000000000ull)

/* Progress a session worker shares with the dispatcher. */
struct kshared {
	_Atomic uint64_t done;		/* messages finished, in order */
	_Atomic uint64_t parked;	/* token of a parked NOTE_WAIT, or 0 */
};

/* Framing of a command forwarded to a session worker. */
struct kmsg_hdr {
	uint64_t token;
	uint32_t len;
	uint32_t pad;
};

struct kmsg {
	struct kmsg *next;
	size_t len, off;
	uint8_t data[];
};

struct ktok {
	uint64_t seq;
	uint64_t token;
};

struct kchild {
	struct kchild *next;
	uint32_t session;
	pid_t pid;
	int sock;			/* the dispatcher's end */
	int closing;			/* CLOSE forwarded: no more commands */
	uint64_t close_by;		/* killed if still running then (ns) */
	int dropped;			/* ended by a reset: its commands are gone */
	struct kshared *sh;
	uint64_t sent;			/* messages forwarded */
	struct ktok *toks;		/* forwarded, maybe not finished (FIFO) */
	size_t tok_head, tok_n, tok_cap;
	struct kmsg *out, *out_tail;	/* not yet written to the socket */
};

static struct {
	int vfd;
	uint64_t window;
	struct kchild *children;
	unsigned live, total, max_live;
	int verbose;
	const char *status_file;
	const char *instance;
	int sig_pipe[2];
} D;

static volatile sig_atomic_t k_stop;

/* ------------------------------------------------------------ helpers */

static int complete(int vfd, uint64_t token, void *reply, uint32_t len, uint64_t exec_ns)
{
	struct ava_vhost_complete c = {
		.token = token,
		.reply = (uint64_t)(uintptr_t)reply,
		.reply_len = len,
		.exec_ns = exec_ns,
	};

	return ioctl(vfd, AVA_VHOST_COMPLETE, &c);
}

/* A reply with no inline results: status only. */
static void complete_status(int vfd, uint64_t token, const struct ava_cmd_hdr *h, uint32_t status)
{
	struct ava_reply_hdr r;

	memset(&r, 0, sizeof(r));
	r.magic = AVA_WIRE_MAGIC;
	r.version = AVA_WIRE_VERSION;
	if (h) {
		r.api_id = h->api_id;
		r.func_id = h->func_id;
		r.call_id = h->call_id;
	}
	r.status = status;
	complete(vfd, token, &r, sizeof(r), 0);
}

static int read_full(int fd, void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int is_ctl(const struct ava_cmd_hdr *h, uint32_t func)
{
	return h->api_id == AVA_API_CONTROL && h->func_id == func;
}

/* ------------------------------------------------------ session worker */

static struct {
	int vfd;
	struct kshared *sh;
	pthread_mutex_t lock;
	pthread_cond_t room;
	struct ava_note *notes;		/* FIFO of due notifications */
	size_t head, n, cap;
	uint64_t parked;		/* NOTE_WAIT token, or 0 */
	struct ava_cmd_hdr parked_hdr;
	int ending;
} W = { .lock = PTHREAD_MUTEX_INITIALIZER, .room = PTHREAD_COND_INITIALIZER };

/* Answers the parked NOTE_WAIT with what is queued.  W.lock held. */
static void notes_flush_locked(void)
{
	uint8_t buf[sizeof(struct ava_reply_hdr) + 8 + AVA_NOTE_BATCH * 16];
	struct ava_reply_hdr *r = (struct ava_reply_hdr *)buf;
	uint64_t n = W.n < AVA_NOTE_BATCH ? W.n : AVA_NOTE_BATCH, i;
	uint8_t *p = buf + sizeof(*r);

	memset(r, 0, sizeof(*r));
	r->magic = AVA_WIRE_MAGIC;
	r->version = AVA_WIRE_VERSION;
	r->api_id = W.parked_hdr.api_id;
	r->func_id = W.parked_hdr.func_id;
	r->call_id = W.parked_hdr.call_id;
	r->inline_len = (uint32_t)(8 + n * 16);
	memcpy(p, &n, 8);
	p += 8;
	for (i = 0; i < n; i++) {
		struct ava_note *nt = &W.notes[(W.head + i) % W.cap];

		memcpy(p, &nt->cookie, 8);
		memcpy(p + 8, &nt->status, 8);
		p += 16;
	}
	W.head = (W.head + n) % (W.cap ? W.cap : 1);
	W.n -= n;
	complete(W.vfd, W.parked, buf, (uint32_t)(sizeof(*r) + r->inline_len), 0);
	W.parked = 0;
	atomic_store(&W.sh->parked, 0);
	pthread_cond_broadcast(&W.room);
}

/* Runs on the vendor library's threads (worker_call.c: avaw_notify). */
static void post_note(struct avaw_session *s, uint64_t cookie, int64_t status)
{
	(void)s;
	pthread_mutex_lock(&W.lock);
	while (!W.ending && W.n >= NOTE_QUEUE_MAX)
		pthread_cond_wait(&W.room, &W.lock);
	if (W.ending)
		goto out;
	if (W.n == W.cap) {
		size_t cap = W.cap ? W.cap * 2 : 64, i;
		struct ava_note *nn = malloc(cap * sizeof(*nn));

		if (!nn)
			goto out;
		for (i = 0; i < W.n; i++)
			nn[i] = W.notes[(W.head + i) % W.cap];
		free(W.notes);
		W.notes = nn;
		W.head = 0;
		W.cap = cap;
	}
	W.notes[(W.head + W.n) % W.cap].cookie = cookie;
	W.notes[(W.head + W.n) % W.cap].status = status;
	W.n++;
	if (W.parked)
		notes_flush_locked();
out:
	pthread_mutex_unlock(&W.lock);
}

static void note_wait(uint64_t token, const struct ava_cmd_hdr *h)
{
	pthread_mutex_lock(&W.lock);
	if (W.parked)
		notes_flush_locked();	/* one waiter at a time: the old one gets what there is */
	W.parked = token;
	W.parked_hdr = *h;
	atomic_store(&W.sh->parked, token);
	if (W.n || W.ending)
		notes_flush_locked();
	pthread_mutex_unlock(&W.lock);
}

static void *map_windows(int vfd, uint64_t window)
{
	uint8_t *base = mmap(NULL, 2 * window, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (base == MAP_FAILED)
		return NULL;
	if (mmap(base, window, PROT_READ, MAP_SHARED | MAP_FIXED, vfd, 0) == MAP_FAILED ||
	    mmap(base + window, window, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, vfd, (off_t)window) ==
		    MAP_FAILED) {
		avaw_log("cannot map the /dev/vhost-ava windows: %s", strerror(errno));
		munmap(base, 2 * window);
		return NULL;
	}
	return base;
}

static int session_main(int sock, uint32_t session)
{
	struct avaw_session s;
	struct kmsg_hdr mh;
	uint8_t *msg = malloc(AVA_MAX_CMD), *reply = malloc(AVA_MAX_REPLY);
	void *base = map_windows(D.vfd, D.window);
	int closed = 0;

	if (!msg || !reply || !base)
		return 1;
	memset(&s, 0, sizeof(s));
	s.sock = -1;
	s.m.arena = base;
	s.m.arena_size = 2 * D.window;
	s.session_id = session;
	s.no_stream = 1;
	s.post_note = post_note;
	pthread_mutex_init(&s.note_lock, NULL);

	while (read_full(sock, &mh, sizeof(mh)) == 0) {
		const struct ava_cmd_hdr *h = (const struct ava_cmd_hdr *)msg;
		uint64_t exec_ns = 0;
		uint32_t rlen;
		int async;

		if (mh.len > AVA_MAX_CMD || mh.len < sizeof(*h) || read_full(sock, msg, mh.len))
			break;
		if (is_ctl(h, AVA_CTL_CLOSE) || is_ctl(h, AVA_CTL_NOTE_WAIT)) {
			if (h->inline_len || h->nrefs) {
				complete_status(D.vfd, mh.token, h, AVA_S_MALFORMED);
			} else if (h->func_id == AVA_CTL_NOTE_WAIT) {
				note_wait(mh.token, h);
			} else {
				closed = 1;
				break;
			}
			atomic_fetch_add(&W.sh->done, 1);
			continue;
		}
		rlen = avaw_process(&s, msg, mh.len, reply, &exec_ns, &async);
		if (async) {
			/* nobody reads an async reply's results; its status tells the counters */
			((struct ava_reply_hdr *)reply)->inline_len = 0;
			rlen = sizeof(struct ava_reply_hdr);
		}
		if (complete(D.vfd, mh.token, reply, rlen, exec_ns) && errno != ENOENT)
			avaw_log("session %u: completing a command failed: %s", session, strerror(errno));
		atomic_fetch_add(&W.sh->done, 1);
	}
	/* the session ends: release everything it held, then answer CLOSE */
	pthread_mutex_lock(&W.lock);
	W.ending = 1;
	if (W.parked)
		notes_flush_locked();
	pthread_cond_broadcast(&W.room);
	pthread_mutex_unlock(&W.lock);
	avaw_session_end(&s);
	if (closed) {
		complete_status(D.vfd, mh.token, (const struct ava_cmd_hdr *)msg, AVA_S_OK);
		atomic_fetch_add(&W.sh->done, 1);
	}
	return 0;
}

/* --------------------------------------------------------- dispatcher */

static void write_status(void)
{
	char tmp[4096];
	FILE *f;

	if (!D.status_file)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", D.status_file);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "instance %s\nsessions %u\nsessions_total %u\n", D.instance, D.live, D.total);
	fclose(f);
	rename(tmp, D.status_file);
}

static struct kchild *find_child(uint32_t session)
{
	struct kchild *c;

	for (c = D.children; c; c = c->next)
		if (c->session == session && !c->closing && !c->dropped)
			return c;
	return NULL;
}

static void free_child(struct kchild *c)
{
	struct kmsg *m;

	while ((m = c->out)) {
		c->out = m->next;
		free(m);
	}
	if (c->sock >= 0)
		close(c->sock);
	munmap(c->sh, sizeof(*c->sh));
	free(c->toks);
	free(c);
}

static struct kchild *spawn(uint32_t session)
{
	struct kchild *c = calloc(1, sizeof(*c)), *o;
	pid_t parent = getpid();
	int sv[2];

	if (!c)
		return NULL;
	c->sh = mmap(NULL, sizeof(*c->sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c->sh == MAP_FAILED) {
		free(c);
		return NULL;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		munmap(c->sh, sizeof(*c->sh));
		free(c);
		return NULL;
	}
	c->session = session;
	c->pid = fork();
	if (c->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		close(sv[0]);
		close(D.sig_pipe[0]);
		close(D.sig_pipe[1]);
		for (o = D.children; o; o = o->next)
			if (o->sock >= 0)
				close(o->sock);
		W.vfd = D.vfd;
		W.sh = c->sh;
		_exit(session_main(sv[1], session));
	}
	close(sv[1]);
	if (c->pid < 0) {
		avaw_log("fork: %s", strerror(errno));
		close(sv[0]);
		munmap(c->sh, sizeof(*c->sh));
		free(c);
		return NULL;
	}
	c->sock = sv[0];
	fcntl(c->sock, F_SETFL, fcntl(c->sock, F_GETFL) | O_NONBLOCK);
	c->next = D.children;
	D.children = c;
	D.live++;
	D.total++;
	if (D.verbose)
		avaw_log("instance %s: session %u started (worker %d)", D.instance, session, (int)c->pid);
	write_status();
	return c;
}

static void flush_child(struct kchild *c)
{
	struct kmsg *m;

	while ((m = c->out)) {
		ssize_t n = write(c->sock, m->data + m->off, m->len - m->off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (errno == EAGAIN)
				return;
			/* the worker is gone; its commands are answered when it is reaped */
			while ((m = c->out)) {
				c->out = m->next;
				free(m);
			}
			c->out_tail = NULL;
			return;
		}
		m->off += (size_t)n;
		if (m->off < m->len)
			return;
		c->out = m->next;
		if (!c->out)
			c->out_tail = NULL;
		free(m);
	}
}

/* Drops the tokens the worker has finished (they are in order). */
static void trim_tokens(struct kchild *c)
{
	uint64_t done = atomic_load(&c->sh->done);

	while (c->tok_n && c->toks[c->tok_head].seq <= done) {
		c->tok_head = (c->tok_head + 1) % c->tok_cap;
		c->tok_n--;
	}
}

static int forward(struct kchild *c, uint64_t token, const void *cmd, uint32_t len)
{
	struct kmsg *m = malloc(sizeof(*m) + sizeof(struct kmsg_hdr) + len);
	struct kmsg_hdr mh = { token, len, 0 };

	trim_tokens(c);
	if (!m)
		return -1;
	if (c->tok_n == c->tok_cap) {
		size_t cap = c->tok_cap ? c->tok_cap * 2 : 64, i;
		struct ktok *t = malloc(cap * sizeof(*t));

		if (!t) {
			free(m);
			return -1;
		}
		for (i = 0; i < c->tok_n; i++)
			t[i] = c->toks[(c->tok_head + i) % c->tok_cap];
		free(c->toks);
		c->toks = t;
		c->tok_head = 0;
		c->tok_cap = cap;
	}
	c->toks[(c->tok_head + c->tok_n) % c->tok_cap] = (struct ktok){ ++c->sent, token };
	c->tok_n++;
	m->next = NULL;
	m->len = sizeof(mh) + len;
	m->off = 0;
	memcpy(m->data, &mh, sizeof(mh));
	memcpy(m->data + sizeof(mh), cmd, len);
	if (c->out_tail)
		c->out_tail->next = m;
	else
		c->out = m;
	c->out_tail = m;
	flush_child(c);
	return 0;
}

/* A worker ended: answer what it left unanswered, forget it. */
static void child_gone(struct kchild *c, int wstatus)
{
	struct kchild **pp;
	uint64_t parked;
	size_t i;

	if (!c->dropped) {
		trim_tokens(c);
		parked = atomic_load(&c->sh->parked);
		if (c->tok_n || parked)
			avaw_log("instance %s: worker of session %u %s; %zu commands answered with WORKER_LOST",
				 D.instance, c->session,
				 WIFSIGNALED(wstatus) ? strsignal(WTERMSIG(wstatus)) : "exited",
				 c->tok_n + (parked != 0));
		for (i = 0; i < c->tok_n; i++)
			complete_status(D.vfd, c->toks[(c->tok_head + i) % c->tok_cap].token, NULL,
					AVA_S_WORKER_LOST);
		if (parked)
			complete_status(D.vfd, parked, NULL, AVA_S_WORKER_LOST);
	}
	if (D.verbose)
		avaw_log("instance %s: session %u ended", D.instance, c->session);
	for (pp = &D.children; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	D.live--;
	free_child(c);
	write_status();
}

static void reap(void)
{
	int st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		struct kchild *c;

		for (c = D.children; c; c = c->next)
			if (c->pid == pid)
				break;
		if (c)
			child_gone(c, st);
	}
}

/* Every guest session ended (device reset): end their workers. */
static void drop_all(void)
{
	struct kchild *c;

	for (c = D.children; c; c = c->next) {
		if (c->dropped)
			continue;
		c->dropped = 1;
		kill(c->pid, SIGKILL);
	}
	if (D.verbose)
		avaw_log("instance %s: device reset, every session ended", D.instance);
}

static void route(uint64_t token, const uint8_t *cmd, uint32_t len)
{
	const struct ava_cmd_hdr *h = (const struct ava_cmd_hdr *)cmd;
	struct kchild *c;

	if (len < sizeof(*h)) {
		complete_status(D.vfd, token, NULL, AVA_S_MALFORMED);
		return;
	}
	c = find_child(h->session);
	if (!c) {
		if (is_ctl(h, AVA_CTL_CLOSE)) {
			complete_status(D.vfd, token, h, AVA_S_OK);	/* nothing to end */
			return;
		}
		if (D.live >= D.max_live) {
			/* a guest that opens sessions without end gets no more processes */
			complete_status(D.vfd, token, h, AVA_S_NO_MEMORY);
			return;
		}
		c = spawn(h->session);
		if (!c) {
			complete_status(D.vfd, token, h, AVA_S_NO_MEMORY);
			return;
		}
	}
	if (forward(c, token, cmd, len)) {
		complete_status(D.vfd, token, h, AVA_S_NO_MEMORY);
		return;
	}
	if (is_ctl(h, AVA_CTL_CLOSE)) {
		c->closing = 1;
		c->close_by = ava_now_ns() + CLOSE_GRACE_NS;
	}
}

/* Ends the workers of closed sessions that are stuck in a call. */
static void enforce_close(void)
{
	uint64_t now = ava_now_ns();
	struct kchild *c;

	for (c = D.children; c; c = c->next)
		if (c->closing && !c->dropped && now > c->close_by) {
			avaw_log("instance %s: session %u did not end after its guest closed it; killing its worker",
				 D.instance, c->session);
			c->close_by = UINT64_MAX;
			kill(c->pid, SIGKILL);
		}
}

static void on_signal(int sig)
{
	int saved = errno;

	if (sig != SIGCHLD)
		k_stop = 1;
	if (write(D.sig_pipe[1], "x", 1) < 0) {
		/* the pipe is full: a wake-up is pending anyway */
	}
	errno = saved;
}

int avaw_kernel_serve(const char *instance, int ready_fd, const char *status_file, int verbose,
		      unsigned max_sessions)
{
	struct ava_vhost_attach a;
	struct sigaction act;
	uint32_t buf_len = 64 << 10;
	uint8_t *buf = malloc(buf_len);
	int rc = 0;

	memset(&D, 0, sizeof(D));
	D.instance = instance;
	D.status_file = status_file;
	D.verbose = verbose;
	D.max_live = max_sessions ? max_sessions : 64;
	if (!buf || strlen(instance) >= sizeof(a.instance)) {
		fprintf(stderr, "ava-hostd: bad instance name\n");
		return 2;
	}
	D.vfd = open("/dev/vhost-ava", O_RDWR | O_NONBLOCK);
	if (D.vfd < 0) {
		fprintf(stderr, "ava-hostd: cannot open /dev/vhost-ava: %s (is ava_vhost loaded?)\n",
			strerror(errno));
		return 1;
	}
	memset(&a, 0, sizeof(a));
	strcpy(a.instance, instance);
	a.flags = AVA_VHOST_ATTACH_RESETS;
	if (ioctl(D.vfd, AVA_VHOST_ATTACH, &a)) {
		fprintf(stderr, "ava-hostd: cannot attach to instance %s: %s\n", instance,
			errno == ENODEV ? "no such instance" : errno == EBUSY ? "another worker serves it" :
			strerror(errno));
		return 1;
	}
	D.window = a.window;
	if (pipe2(D.sig_pipe, O_CLOEXEC | O_NONBLOCK))
		return 1;
	memset(&act, 0, sizeof(act));
	act.sa_handler = on_signal;
	act.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	act.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &act, NULL);
	signal(SIGPIPE, SIG_IGN);
	write_status();
	if (verbose)
		avaw_log("serving instance %s (windows of %llu MiB)", instance,
			 (unsigned long long)(D.window >> 20));
	if (ready_fd >= 0) {
		if (write(ready_fd, "ready\n", 6) != 6)
			perror("ava-hostd: --ready-fd");
		close(ready_fd);
	}

	while (!k_stop) {
		struct pollfd p[2 + 256];
		struct kchild *who[256], *c;
		unsigned np = 2, i, taken;
		char drain[64];

		p[0] = (struct pollfd){ D.vfd, POLLIN, 0 };
		p[1] = (struct pollfd){ D.sig_pipe[0], POLLIN, 0 };
		for (c = D.children; c && np < 2 + 256; c = c->next)
			if (c->out) {
				who[np - 2] = c;
				p[np++] = (struct pollfd){ c->sock, POLLOUT, 0 };
			}
		if (poll(p, np, 1000) < 0 && errno != EINTR)
			break;
		if (p[1].revents) {
			while (read(D.sig_pipe[0], drain, sizeof(drain)) > 0)
				;
		}
		reap();
		enforce_close();
		for (i = 2; i < np; i++)
			if (p[i].revents)
				flush_child(who[i - 2]);
		if (p[0].revents & (POLLHUP | POLLERR)) {
			fprintf(stderr, "ava-hostd: instance %s went away\n", instance);
			rc = 1;
			break;
		}
		for (taken = 0; taken < 64; taken++) {
			struct ava_vhost_cmd c2 = { .buf = (uint64_t)(uintptr_t)buf, .buf_len = buf_len };

			if (ioctl(D.vfd, AVA_VHOST_GET_CMD, &c2) == 0) {
				if (c2.flags & AVA_VHOST_CMD_RESET)
					drop_all();
				else
					route(c2.token, buf, c2.cmd_len);
				continue;
			}
			if (errno == EINTR)
				continue;
			if (errno == ENOSPC && c2.cmd_len > buf_len && c2.cmd_len <= AVA_MAX_CMD) {
				uint8_t *nb = realloc(buf, c2.cmd_len);

				if (nb) {
					buf = nb;
					buf_len = c2.cmd_len;
					continue;
				}
			}
			if (errno == EBUSY || errno == ENOMEM) {
				/* the windows are full: wait for commands to complete */
				struct timespec ts = { 0, 1000000 };

				nanosleep(&ts, NULL);
				break;
			}
			if (errno == ENODEV) {
				fprintf(stderr, "ava-hostd: instance %s went away\n", instance);
				rc = 1;
				k_stop = 1;
			} else if (errno != EAGAIN) {
				fprintf(stderr, "ava-hostd: AVA_VHOST_GET_CMD: %s\n", strerror(errno));
			}
			break;
		}
	}
	drop_all();
	while (D.children) {
		int st;
		pid_t pid = waitpid(-1, &st, 0);

		if (pid < 0)
			break;
		reap();
		for (struct kchild *c = D.children; c; c = c->next)
			if (c->pid == pid) {
				child_gone(c, st);
				break;
			}
	}
	close(D.vfd);
	free(buf);
	return rc;
}
