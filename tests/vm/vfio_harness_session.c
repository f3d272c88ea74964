// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_harness: guest sessions kept apart by the module (session files,
 * uapi/ava_vhost.h "Sessions").  The harness plays the dispatcher
 * (attached with AVA_VHOST_ATTACH_SESSIONS) and the sessions' workers,
 * one of them hostile.
 */
#include "vfio_harness.h"

/* A session file with its two windows mapped. */
struct sfile {
	int fd;
	uint8_t *ro, *rw;
};

static uint64_t window;

static int attach_sessions(void)
{
	struct ava_vhost_attach a;
	int fd = open("/dev/vhost-ava", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	memset(&a, 0, sizeof(a));
	snprintf(a.instance, sizeof(a.instance), "%s", uuid);
	a.flags = AVA_VHOST_ATTACH_RESETS | AVA_VHOST_ATTACH_SESSIONS;
	if (fd < 0 || ioctl(fd, AVA_VHOST_ATTACH, &a)) {
		tap(false, "attach with AVA_VHOST_ATTACH_SESSIONS: %s",
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	window = a.window;
	return fd;
}

/* GET_CMD on fd within ms: 0 or -errno (-EAGAIN: nothing came). */
static int take(int fd, uint8_t *buf, size_t n, struct ava_vhost_cmd *c,
		int ms)
{
	double end = now_s() + ms / 1000.0;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	for (;;) {
		*c = (struct ava_vhost_cmd){ .buf = (uintptr_t)buf,
					     .buf_len = n };
		if (!ioctl(fd, AVA_VHOST_GET_CMD, c))
			return 0;
		if (errno != EAGAIN || now_s() > end)
			return -errno;
		poll(&p, 1, 20);
	}
}

/* The dispatcher's next event within ms: its flags (0: none), *sess. */
static uint32_t next_event(int dfd, uint32_t *sess, int ms)
{
	struct ava_vhost_cmd c;

	if (take(dfd, NULL, 0, &c, ms))
		return 0;
	*sess = c.session;
	return c.flags;
}

static int open_session(int dfd, uint32_t id, struct sfile *s)
{
	struct ava_vhost_session req = { .session = id };

	s->ro = s->rw = MAP_FAILED;
	s->fd = ioctl(dfd, AVA_VHOST_OPEN_SESSION, &req);
	if (s->fd < 0 || fcntl(s->fd, F_SETFL, O_NONBLOCK))
		return -1;
	s->ro = mmap(NULL, window, PROT_READ, MAP_SHARED, s->fd, 0);
	s->rw = mmap(NULL, window, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd,
		     window);
	return s->ro == MAP_FAILED || s->rw == MAP_FAILED ? -1 : 0;
}

static void close_session(struct sfile *s)
{
	if (s->ro != MAP_FAILED && s->ro)
		munmap(s->ro, window);
	if (s->rw != MAP_FAILED && s->rw)
		munmap(s->rw, window);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->ro = s->rw = MAP_FAILED;
}

/* The opening event of session id, and its file. */
static int expect_session(int dfd, uint32_t id, struct sfile *s)
{
	uint32_t sess = 0;

	if (next_event(dfd, &sess, 5000) != AVA_VHOST_CMD_SESSION || sess != id)
		return -1;
	return open_session(dfd, id, s);
}

static struct ava_buf_ref *cmd_refs(uint8_t *buf, struct ava_vhost_cmd *c)
{
	struct ava_cmd_hdr *h = (void *)buf;

	return (void *)(buf + c->cmd_len - h->nrefs * sizeof(struct ava_buf_ref));
}

/* Run the XOR command in buf, taken from s, through s's windows. */
static int serve_xor(struct sfile *s, uint8_t *buf, struct ava_vhost_cmd *c)
{
	struct ava_cmd_hdr *h = (void *)buf;
	struct ava_buf_ref *refs = cmd_refs(buf, c);
	uint64_t sum = 0, k;
	uint8_t *in, *out;

	if (h->func_id != XOR_FUNC || h->nrefs != 2 ||
	    refs[0].offset >= window || refs[1].offset < window)
		return -1;
	in = s->ro + refs[0].offset;
	out = s->rw + (refs[1].offset - window);
	for (k = 0; k < refs[0].len && k < refs[1].len; k++) {
		sum += in[k];
		out[k] = in[k] ^ 0x5a;
	}
	return worker_reply(s->fd, c->token, AVA_S_OK, &sum, 8);
}

/* A command without references of session sess as a chain at slot. */
static struct rep *sess_cmd(struct dev *d, uint16_t slot, uint32_t sess,
			    uint16_t api, uint32_t func)
{
	uint8_t *cmd = balloc(d, 64, 64);
	struct rep *r = balloc(d, sizeof(*r), 64);
	size_t n = cmd_build(cmd, api, func, slot, NULL, 0, NULL, 0);

	((struct ava_cmd_hdr *)cmd)->session = sess;
	memset(r, 0xee, sizeof(*r));
	chain2(d, 0, slot, cmd, n, r, sizeof(*r));
	push_avail(d, 0, slot);
	notify(d, 0);
	return r;
}

/* Wait for the device to write r; its status, or UINT32_MAX. */
static uint32_t rep_status(struct rep *r, int ms)
{
	double end = now_s() + ms / 1000.0;

	while (__atomic_load_n(&r->h.magic, __ATOMIC_ACQUIRE) != AVA_WIRE_MAGIC) {
		if (now_s() > end)
			return UINT32_MAX;
		usleep(2000);
	}
	return r->h.status;
}

static bool is_close(uint8_t *buf)
{
	struct ava_cmd_hdr *h = (void *)buf;

	return h->api_id == AVA_API_CONTROL && h->func_id == AVA_CTL_CLOSE;
}

/* A worker of session 1 with session 1's file only, in a child. */
static bool fault_elsewhere(struct sfile *a, uint64_t off)
{
	pid_t pid;
	int st = 0;

	fflush(stdout);
	pid = fork();
	if (!pid) {
		volatile uint8_t *p = mmap(NULL, window, PROT_READ, MAP_SHARED,
					   a->fd, 0);

		if (p == MAP_FAILED)
			_exit(2);
		(void)p[off];
		_exit(0);
	}
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) &&
	       WTERMSIG(st) == SIGBUS;
}

/* Sessions 1 and 2 each take and answer their own, and only their own. */
static void two_sessions(struct dev *d, int dfd, struct sfile *a,
			 struct sfile *b)
{
	static uint8_t bufa[4096], bufb[4096], spare[4096];
	struct ava_vhost_cmd ca, cb, c;
	struct xcall xa, xb;
	uint64_t f0 = stat_get("foreign_refused"), boff;
	struct ava_vhost_session again = { .session = 1 };
	uint32_t sess = 0;
	bool ok;

	xor_setup(d, &xa, 4096, 0, 4096);
	xor_submit_at(d, &xa, 0, 1);
	xor_setup(d, &xb, 65536, 0, 4096);
	xor_submit_at(d, &xb, 1, 2);
	ok = !expect_session(dfd, 1, a) && !expect_session(dfd, 2, b);
	tap(ok && !next_event(dfd, &sess, 300),
	    "the dispatcher hears of sessions 1 and 2, opens a file for each, and is handed no command");
	tap(ioctl(dfd, AVA_VHOST_OPEN_SESSION, &again) < 0 && errno == EEXIST,
	    "a live session cannot be opened twice (EEXIST)");
	ok = !take(a->fd, bufa, sizeof(bufa), &ca, 5000) &&
	     ((struct ava_cmd_hdr *)bufa)->session == 1 &&
	     take(a->fd, spare, sizeof(spare), &c, 300) == -EAGAIN;
	tap(ok, "session 1's file gets session 1's command, and not session 2's");
	ok = !take(b->fd, bufb, sizeof(bufb), &cb, 5000) &&
	     ((struct ava_cmd_hdr *)bufb)->session == 2;
	tap(ok, "session 2's file gets session 2's command");
	if (!ok)
		return;
	/* session 1's worker, hostile, goes for session 2's command */
	ok = worker_reply(a->fd, cb.token, AVA_S_OK, NULL, 0) && errno == EPERM;
	ok = ok && worker_reply(dfd, cb.token, AVA_S_OK, NULL, 0) &&
	     errno == EPERM;
	tap(ok && stat_get("foreign_refused") == f0 + 2,
	    "completing session 2's command through session 1's file or the dispatcher's: EPERM, foreign_refused counted");
	tap(!memcmp(a->ro + cmd_refs(bufa, &ca)[0].offset, xa.in, 4096) &&
	    !memcmp(b->ro + cmd_refs(bufb, &cb)[0].offset, xb.in, 65536),
	    "each session's window shows its own guest pages");
	/* where session 2's last input page is in its file: none in session 1's */
	boff = cmd_refs(bufb, &cb)[0].offset + 65536 - 4096;
	f0 = stat_get("foreign_refused");
	tap(fault_elsewhere(a, boff) && stat_get("foreign_refused") == f0 + 1,
	    "session 1's worker faulting outside its own pages: SIGBUS, foreign_refused counted");
	tap(!serve_xor(a, bufa, &ca) && !serve_xor(b, bufb, &cb) &&
	    rep_status(xa.r, 5000) == AVA_S_OK &&
	    rep_status(xb.r, 5000) == AVA_S_OK && !xor_check(&xa) &&
	    !xor_check(&xb), "each session's worker answers its own command");
}

/* Session 1 closes; its id is free again; the dispatcher refuses it. */
static void close_and_refuse(struct dev *d, int dfd, struct sfile *a)
{
	static uint8_t buf[4096];
	struct ava_vhost_session refuse = {
		.session = 3, .flags = AVA_VHOST_SESSION_REFUSE,
	};
	uint64_t bad0 = stat_get("bad_session");
	struct ava_vhost_cmd c;
	struct rep *r, *late;
	uint32_t sess = 0;
	bool ok;

	r = sess_cmd(d, 20, 1, AVA_API_CONTROL, AVA_CTL_CLOSE);
	tap(next_event(dfd, &sess, 5000) == AVA_VHOST_CMD_CLOSING && sess == 1,
	    "the dispatcher hears that session 1 closed");
	late = sess_cmd(d, 22, 1, AVA_API_OPENCL, 1);
	tap(rep_status(late, 5000) == AVA_S_BAD_SESSION &&
	    stat_get("bad_session") == bad0 + 1,
	    "a command of session 1 after its close: AVA_S_BAD_SESSION");
	ok = !take(a->fd, buf, sizeof(buf), &c, 5000) && is_close(buf) &&
	     !worker_reply(a->fd, c.token, AVA_S_OK, NULL, 0) &&
	     rep_status(r, 5000) == AVA_S_OK;
	tap(ok, "session 1's worker gets and answers its close");
	close_session(a);
	r = sess_cmd(d, 24, 1, AVA_API_OPENCL, 1);
	tap(rep_status(r, 5000) == AVA_S_BAD_SESSION &&
	    stat_get("bad_session") == bad0 + 2 && !next_event(dfd, &sess, 300),
	    "session 1 again once its worker is gone: AVA_S_BAD_SESSION, no fresh session (no event)");
	r = sess_cmd(d, 26, 3, AVA_API_OPENCL, 1);
	ok = next_event(dfd, &sess, 5000) == AVA_VHOST_CMD_SESSION && sess == 3 &&
	     !ioctl(dfd, AVA_VHOST_OPEN_SESSION, &refuse);
	tap(ok && rep_status(r, 5000) == AVA_S_BAD_SESSION &&
	    stat_get("bad_session") == bad0 + 3,
	    "session 3 refused by the dispatcher: AVA_S_BAD_SESSION");
}

/* A device reset: the guest starts over, ended ids are new again. */
static void ids_after_reset(struct dev *d, int dfd)
{
	struct sfile s = { -1, MAP_FAILED, MAP_FAILED };
	uint32_t sess = 0;
	struct rep *r;
	bool ok;

	ok = !vinit(d, 1, 256, FEAT_ALL) &&
	     next_event(dfd, &sess, 5000) == AVA_VHOST_CMD_RESET;
	r = sess_cmd(d, 10, 1, AVA_API_OPENCL, 1);
	ok = ok && !expect_session(dfd, 1, &s);
	close_session(&s);
	tap(ok && rep_status(r, 5000) == AVA_S_WORKER_LOST,
	    "after a device reset session 1 opens again");
}

void t_isolation(void)
{
	struct sfile a = { -1, MAP_FAILED, MAP_FAILED };
	struct sfile b = { -1, MAP_FAILED, MAP_FAILED };
	static uint8_t buf[4096];
	struct ava_vhost_cmd c;
	struct xcall x;
	struct rep *r;
	struct dev d;
	uint64_t bad0, lost0;
	int dfd = -1;

	if (open_init(&d, 1, 256))
		goto out;
	dfd = attach_sessions();
	if (dfd < 0)
		goto out;
	bad0 = stat_get("bad_session");
	r = sess_cmd(&d, 10, 0, AVA_API_OPENCL, 1);
	tap(rep_status(r, 5000) == AVA_S_BAD_SESSION &&
	    stat_get("bad_session") == bad0 + 1,
	    "a command of session 0 (never opened) is refused: AVA_S_BAD_SESSION, counted");
	two_sessions(&d, dfd, &a, &b);
	close_and_refuse(&d, dfd, &a);
	/* session 2's worker goes away holding a command */
	lost0 = stat_get("worker_lost");
	xor_setup(&d, &x, 16384, 0, 4096);
	xor_submit_at(&d, &x, 2, 2);
	tap(!take(b.fd, buf, sizeof(buf), &c, 5000) &&
	    stat_get("pinned_pages") == 8, "session 2's worker holds a command, 8 pages pinned");
	close_session(&b);
	tap(rep_status(x.r, 5000) == AVA_S_WORKER_LOST &&
	    stat_get("worker_lost") == lost0 + 1 &&
	    stat_get("pinned_pages") == 0,
	    "session 2's file closed: AVA_S_WORKER_LOST, nothing left pinned");
	ids_after_reset(&d, dfd);
out:
	close_session(&a);
	close_session(&b);
	if (dfd >= 0)
		close(dfd);
	dev_close(&d);
}

static int param_set(const char *name, unsigned int v)
{
	char path[128];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "/sys/module/ava_vhost/parameters/%s",
		 name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	ret = fprintf(f, "%u\n", v) < 0;
	return fclose(f) || ret ? -1 : 0;
}

/* Session 2 completes 100 calls while session 1 takes nothing. */
static int serve_calls(struct dev *d, struct sfile *b)
{
	static uint8_t buf[4096];
	struct ava_vhost_cmd c;
	int i, ok = 0;

	for (i = 0; i < 100; i++) {
		struct rep *r = sess_cmd(d, 100 + 2 * (i % 50), 2,
					 AVA_API_OPENCL, 1);

		if (take(b->fd, buf, sizeof(buf), &c, 5000) ||
		    worker_reply(b->fd, c.token, AVA_S_OK, NULL, 0))
			break;
		ok += rep_status(r, 5000) == AVA_S_OK;
	}
	return ok;
}

/*
 * Session 1 blocked (its worker takes nothing) with its share of the
 * backlog full (session_backlog_pct=10: 6 of ten 1 MiB commands): the
 * others are answered AVA_S_NO_MEMORY, session 2 goes on, both closes
 * get through.
 */
void t_session_block(void)
{
	struct sfile a = { -1, MAP_FAILED, MAP_FAILED };
	struct sfile b = { -1, MAP_FAILED, MAP_FAILED };
	static uint8_t buf[4096];
	struct rep *ra[10], *r;
	struct ava_vhost_cmd c;
	uint64_t full0, lost0;
	int dfd = -1, i, n, k;
	uint32_t sess = 0;
	struct dev d;
	uint8_t *big;
	size_t len;

	if (param_set("session_backlog_pct", 10) || open_init(&d, 1, 256))
		goto out;
	dfd = attach_sessions();
	if (dfd < 0)
		goto out;
	full0 = stat_get("session_full");
	sess_cmd(&d, 0, 1, AVA_API_OPENCL, 1);
	sess_cmd(&d, 2, 2, AVA_API_OPENCL, 1);
	if (expect_session(dfd, 1, &a) || expect_session(dfd, 2, &b) ||
	    take(b.fd, buf, sizeof(buf), &c, 5000) ||
	    worker_reply(b.fd, c.token, AVA_S_OK, NULL, 0)) {
		tap(false, "sessions 1 and 2 opened");
		goto out;
	}
	big = balloc(&d, (1 << 20) + 64, 4096);
	len = cmd_build(big, AVA_API_OPENCL, 1, 1, big + 64, (1 << 20) - 64,
			NULL, 0);
	((struct ava_cmd_hdr *)big)->session = 1;
	for (i = 0; i < 10; i++) {
		ra[i] = balloc(&d, sizeof(*ra[i]), 64);
		memset(ra[i], 0xee, sizeof(*ra[i]));
		chain2(&d, 0, 10 + 2 * i, big, len, ra[i], sizeof(*ra[i]));
		push_avail(&d, 0, 10 + 2 * i);
	}
	notify(&d, 0);
	for (i = 0, n = 0; i < 10; i++)
		n += rep_status(ra[i], i < 6 ? 0 : 5000) == AVA_S_NO_MEMORY;
	tap(n == 4 && stat_get("session_full") == full0 + 4,
	    "session 1 holds at most its share (6 of ten 1 MiB commands); 4 answered AVA_S_NO_MEMORY, session_full counted");
	k = serve_calls(&d, &b);
	tap(k == 100, "session 2 completes 100 calls while session 1 is blocked (%d)", k);
	r = sess_cmd(&d, 210, 2, AVA_API_CONTROL, AVA_CTL_CLOSE);
	tap(next_event(dfd, &sess, 5000) == AVA_VHOST_CMD_CLOSING && sess == 2 &&
	    !take(b.fd, buf, sizeof(buf), &c, 5000) && is_close(buf) &&
	    !worker_reply(b.fd, c.token, AVA_S_OK, NULL, 0) &&
	    rep_status(r, 5000) == AVA_S_OK, "session 2 closes");
	r = sess_cmd(&d, 212, 1, AVA_API_CONTROL, AVA_CTL_CLOSE);
	tap(next_event(dfd, &sess, 5000) == AVA_VHOST_CMD_CLOSING && sess == 1,
	    "session 1's close gets through although its share is full");
	lost0 = stat_get("worker_lost");
	close_session(&a);
	for (i = 0, n = 0; i < 6; i++)
		n += rep_status(ra[i], 5000) == AVA_S_WORKER_LOST;
	tap(n == 6 && rep_status(r, 5000) == AVA_S_WORKER_LOST &&
	    stat_get("worker_lost") == lost0 + 8 &&
	    stat_get("queue_pending") == 0,
	    "its file closed: its 6 commands, its close and its first call answered AVA_S_WORKER_LOST");
out:
	param_set("session_backlog_pct", 25);
	close_session(&a);
	close_session(&b);
	if (dfd >= 0)
		close(dfd);
	dev_close(&d);
}
