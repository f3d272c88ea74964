// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_fuzz: a worker on /dev/vhost-ava that misbehaves at random.  It
 * touches the pages of every reference (so the module maps them), answers
 * most commands with a random status and inline reply, holds some and
 * answers them later or never, completes bogus tokens, twice, with bad
 * reply lengths, and now and then exits with commands outstanding.
 */
#include "vfio_fuzz.h"

#define HOLD 8

struct fw {
	int fd;
	struct fz_epochs *ep;
	uint64_t window;
	uint8_t *ro, *rw;
	uint64_t held[HOLD];
	unsigned nheld;
};

static void answer(struct fw *w, uint64_t token)
{
	static struct {
		struct ava_reply_hdr h;
		uint8_t inl[4096];
	} r;
	uint32_t n = fz_n(4) ? (uint32_t)fz_n(65) : (uint32_t)fz_n(sizeof(r.inl) + 1);
	struct ava_vhost_complete c = { .token = token, .exec_ns = fz_n(100000) };

	memset(&r.h, 0, sizeof(r.h));
	r.h.status = fz_n(3) ? AVA_S_OK : (uint32_t)fz_n(AVA_S_WORKER_LOST + 2);
	r.h.inline_len = n;
	c.reply = (uintptr_t)&r;
	c.reply_len = sizeof(r.h) + n;
	switch (fz_n(40)) {
	case 0: c.reply_len = (uint32_t)fz_rnd(); break;
	case 1: c.reply = fz_rnd(); break;
	case 2: c.token ^= 1ull << fz_n(64); break;	/* maybe another command's */
	case 3: c.reply_len = (uint32_t)fz_n(sizeof(r.h)); break;
	case 4: r.h.inline_len = (uint32_t)fz_rnd(); break;
	default: break;
	}
	if (ioctl(w->fd, AVA_VHOST_COMPLETE, &c) || c.token != token || fz_n(50) == 0) {
		c.token = token;	/* a bad completion: answer properly */
		c.reply = (uintptr_t)&r;
		c.reply_len = sizeof(r.h);
		r.h.inline_len = 0;
		ioctl(w->fd, AVA_VHOST_COMPLETE, &c);
	}
}

/* Reads or writes one byte in every page of each reference it was given. */
static void touch_refs(struct fw *w, const uint8_t *buf, uint32_t len)
{
	const struct ava_cmd_hdr *h = (const void *)buf;
	const struct ava_buf_ref *refs;
	volatile uint8_t sink;
	uint64_t k;
	uint32_t i;

	if (len < sizeof(*h) || h->nrefs > 64 ||
	    h->nrefs * sizeof(*refs) > len - sizeof(*h))
		return;
	refs = (const void *)(buf + len - h->nrefs * sizeof(*refs));
	for (i = 0; i < h->nrefs; i++) {
		uint64_t off = refs[i].offset, n = refs[i].len;

		if (off < w->window && n <= w->window - off) {
			for (k = 0; k < n; k += 4096)
				sink = w->ro[off + k];
		} else if (off >= w->window && off - w->window < w->window &&
			   n <= 2 * w->window - off) {
			for (k = 0; k < n; k += 4096)
				w->rw[off - w->window + k] = (uint8_t)k;
		}
	}
	(void)sink;
}

/* One command: touched, then answered now, held, or answered twice. */
static void handle(struct fw *w, uint64_t token, const uint8_t *buf,
		   uint32_t len)
{
	if (fz_n(4))
		touch_refs(w, buf, len);
	if (fz_n(8) == 0) {
		if (w->nheld == HOLD)
			answer(w, w->held[--w->nheld]);
		w->held[w->nheld++] = token;
		return;
	}
	answer(w, token);
	if (fz_n(100) == 0)
		answer(w, token);
}

static void fw_loop(struct fw *w)
{
	static uint8_t buf[(1 << 20) + 4096];

	for (;;) {
		struct pollfd p = { .fd = w->fd, .events = POLLIN };
		struct ava_vhost_cmd c = { .buf = (uintptr_t)buf,
					   .buf_len = sizeof(buf) };

		if (poll(&p, 1, 2) != 1) {	/* idle: answer what it holds */
			while (w->nheld)
				answer(w, w->held[--w->nheld]);
			continue;
		}
		if (fz_n(64) == 0)
			c.buf_len = (uint32_t)fz_n(64);	/* too small */
		/* a withdrawal from now on may take this command's pages */
		__atomic_store_n(&w->ep->seen,
				 __atomic_load_n(&w->ep->withdrawn, __ATOMIC_SEQ_CST),
				 __ATOMIC_SEQ_CST);
		if (ioctl(w->fd, AVA_VHOST_GET_CMD, &c))
			continue;
		if (c.flags & AVA_VHOST_CMD_RESET) {
			w->nheld = 0;
			continue;
		}
		if (fz_n(20000) == 0)
			_exit(0);	/* gone with commands outstanding */
		handle(w, c.token, buf, c.cmd_len);
	}
}

static void fw_main(uint64_t seed, int up, struct fz_epochs *ep)
{
	struct ava_vhost_attach a = { .flags = seed & 1 ? AVA_VHOST_ATTACH_RESETS : 0 };
	struct fw w = { .fd = -1, .ep = ep };

	fz_seed(seed);
	w.fd = open("/dev/vhost-ava", O_RDWR | O_NONBLOCK);
	snprintf(a.instance, sizeof(a.instance), "%s", uuid);
	if (w.fd < 0 || ioctl(w.fd, AVA_VHOST_ATTACH, &a)) {
		wsay(up, 'E');
		_exit(1);
	}
	w.window = a.window;
	w.ro = mmap(NULL, a.window, PROT_READ, MAP_SHARED, w.fd, 0);
	w.rw = mmap(NULL, a.window, PROT_READ | PROT_WRITE, MAP_SHARED, w.fd,
		    a.window);
	if (w.ro == MAP_FAILED || w.rw == MAP_FAILED) {
		wsay(up, 'E');
		_exit(1);
	}
	wsay(up, 'R');
	close(up);
	fw_loop(&w);
}

int fzw_start(struct fz_worker *w)
{
	int up[2];

	if (!w->ep) {
		w->ep = mmap(NULL, sizeof(*w->ep), PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (w->ep == MAP_FAILED) {
			w->ep = NULL;
			return -1;
		}
	}
	if (pipe(up))
		return -1;
	fflush(stdout);
	w->pid = fork();
	if (w->pid < 0)
		return -1;
	if (!w->pid) {
		close_inherited();
		close(up[0]);
		fw_main(w->seed + w->starts, up[1], w->ep);
		_exit(0);
	}
	close(up[1]);
	w->up = up[0];
	w->starts++;
	if (whear(w->up, 10000) == 'R')
		return 0;
	fzw_stop(w);
	return -1;
}

void fzw_withdrawing(struct fz_worker *w)
{
	if (w->ep)
		__atomic_add_fetch(&w->ep->withdrawn, 1, __ATOMIC_SEQ_CST);
}

void fzw_check(struct fz_worker *w)
{
	bool withdrawn;
	int st;

	if (w->pid <= 0 || waitpid(w->pid, &st, WNOHANG) != w->pid)
		return;
	withdrawn = __atomic_load_n(&w->ep->seen, __ATOMIC_SEQ_CST) !=
		    __atomic_load_n(&w->ep->withdrawn, __ATOMIC_SEQ_CST);
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS && withdrawn) {
		w->withdrawn++;
	} else if (WIFSIGNALED(st)) {
		w->crashes++;
		diag("fuzz worker %d killed by signal %d (%s)", (int)w->pid, WTERMSIG(st),
		     withdrawn ? "pages withdrawn since it took its command" :
				 "no reset or unmap since it took its command");
	} else {
		w->exits++;
	}
	close(w->up);
	w->pid = 0;
	fzw_start(w);
}

void fzw_stop(struct fz_worker *w)
{
	if (w->pid <= 0)
		return;
	kill(w->pid, SIGKILL);
	waitpid(w->pid, NULL, 0);
	close(w->up);
	w->pid = 0;
}
