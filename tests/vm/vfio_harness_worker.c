// SPDX-License-Identifier: GPL-2.0-only
#include "vfio_harness.h"
/* ---- the worker -------------------------------------------------------- */


void wsay(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		_exit(3);
}

char whear(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c = 0;

	if (poll(&p, 1, ms) != 1 || read(fd, &c, 1) != 1)
		return 0;
	return c;
}

/* A reply of n inline bytes: inl, or filler when inl is NULL (BIG_FUNC). */
int worker_reply(int fd, uint64_t token, uint32_t status,
			const void *inl, uint32_t n)
{
	static struct {
		struct ava_reply_hdr h;
		uint8_t inl[BIG_REPLY_MAX];
	} r;
	struct ava_vhost_complete c = { .token = token, .exec_ns = 1000 };

	if (n > sizeof(r.inl))
		n = 0;
	memset(&r.h, 0, sizeof(r.h));
	r.h.status = status;
	r.h.inline_len = n;
	if (inl)
		memcpy(r.inl, inl, n);
	else
		memset(r.inl, 0x5a, n);
	c.reply = (uintptr_t)&r;
	c.reply_len = sizeof(r.h) + n;
	return ioctl(fd, AVA_VHOST_COMPLETE, &c);
}

/* Touches every page of both references, told when (W_LATE). */
static void touch_refs(uint8_t *ro, uint8_t *rw, uint64_t window,
		       const struct ava_buf_ref *refs)
{
	volatile uint8_t sink = 0;
	uint64_t k;

	for (k = 0; k < refs[0].len; k += 4096)
		sink += ro[refs[0].offset + k];
	for (k = 0; k < refs[1].len; k += 4096)
		rw[refs[1].offset - window + k] = sink;
}

/* The harness's one function: out = in ^ 0x5a, answering the sum of in. */
static uint64_t serve_xor(const uint8_t *in, uint8_t *out, uint64_t n)
{
	uint64_t sum = 0, k;

	for (k = 0; k < n; k++) {
		sum += in[k];
		out[k] = in[k] ^ 0x5a;
	}
	return sum;
}

/* Attaches to the instance and maps both windows; says 'E' on failure. */
static int worker_attach(int up, struct ava_vhost_attach *a, uint8_t **ro,
			 uint8_t **rw)
{
	int fd = open("/dev/vhost-ava", O_RDWR);

	memset(a, 0, sizeof(*a));
	snprintf(a->instance, sizeof(a->instance), "%s", uuid);
	if (fd < 0 || ioctl(fd, AVA_VHOST_ATTACH, a))
		wsay(up, 'E');
	*ro = mmap(NULL, a->window, PROT_READ, MAP_SHARED, fd, 0);
	*rw = mmap(NULL, a->window, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   a->window);
	if (*ro == MAP_FAILED || *rw == MAP_FAILED)
		wsay(up, 'E');
	/* the read-only window cannot be mapped writable */
	if (mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) !=
	    MAP_FAILED)
		wsay(up, 'E');
	return fd;
}

/* A command of the plain (W_SERVE) worker: ping, a large reply, or xor. */
static void serve_cmd(int fd, uint64_t token, const struct ava_cmd_hdr *h,
		      const struct ava_buf_ref *refs, const uint8_t *ro,
		      uint8_t *rw, uint64_t window)
{
	uint64_t sum;

	if (h->api_id == AVA_API_CONTROL && h->func_id == AVA_CTL_PING) {
		worker_reply(fd, token, AVA_S_OK, NULL, 0);
		return;
	}
	if (h->func_id == BIG_FUNC && h->inline_len == 8) {
		uint64_t n;

		memcpy(&n, h + 1, 8);
		worker_reply(fd, token, AVA_S_OK, NULL, (uint32_t)n);
		return;
	}
	if (h->func_id != XOR_FUNC || h->nrefs != 2 ||
	    refs[0].offset >= window || refs[1].offset < window) {
		worker_reply(fd, token, AVA_S_BAD_FUNC, NULL, 0);
		return;
	}
	sum = serve_xor(ro + refs[0].offset, rw + (refs[1].offset - window),
			refs[0].len < refs[1].len ? refs[0].len : refs[1].len);
	worker_reply(fd, token, AVA_S_OK, &sum, 8);
}

void worker_main(enum wmode mode, int count, int up, int down)
{
	struct ava_vhost_attach a;
	static uint8_t buf[(1 << 20) + 4096];
	uint8_t *ro, *rw;
	int fd, i;

	fd = worker_attach(up, &a, &ro, &rw);
	wsay(up, 'R');
	for (i = 0; i < count; i++) {
		struct ava_vhost_cmd c = { .buf = (uintptr_t)buf,
					   .buf_len = sizeof(buf) };
		struct ava_cmd_hdr *h = (void *)buf;
		struct ava_buf_ref *refs;
		uint64_t sum = 0;

		if (ioctl(fd, AVA_VHOST_GET_CMD, &c))
			_exit(4);
		refs = (void *)(buf + c.cmd_len - h->nrefs * sizeof(*refs));
		if (mode == W_DIE) {
			wsay(up, 'G');
			_exit(0);
		}
		if (mode == W_TAKE) {
			/* take and never answer: until none come for 1 s */
			struct pollfd p = { .fd = fd, .events = POLLIN };

			if (i + 1 < count && poll(&p, 1, 1000) == 1)
				continue;
			wsay(up, 'D');
			whear(down, 60000);
			_exit(0);
		}
		if (mode == W_HOLD) {
			wsay(up, 'G');
			whear(down, 30000);
			wsay(up, worker_reply(fd, c.token, AVA_S_OK, &sum, 8) ?
				 'N' : 'C');
			continue;
		}
		if (mode == W_ECHO) {
			/* answered at once, its pages never touched */
			worker_reply(fd, c.token, AVA_S_OK, NULL, 0);
			continue;
		}
		if (mode == W_LATE) {
			wsay(up, 'G');
			whear(down, 30000);
			touch_refs(ro, rw, a.window, refs);
			worker_reply(fd, c.token, AVA_S_OK, NULL, 0);
			continue;
		}
		serve_cmd(fd, c.token, h, refs, ro, rw, a.window);
	}
	wsay(up, 'D');
	_exit(0);
}

int worker_start(struct worker *w, enum wmode mode, int count)
{
	int up[2], down[2];

	if (pipe(up) || pipe(down))
		return -1;
	w->pid = fork();
	if (w->pid < 0)
		return -1;
	if (!w->pid) {
		close_inherited();
		close(up[0]);
		close(down[1]);
		worker_main(mode, count, up[1], down[0]);
	}
	close(up[1]);
	close(down[0]);
	w->up = up[0];
	w->down = down[1];
	return whear(w->up, 10000) == 'R' ? 0 : -1;
}

int worker_stop(struct worker *w)
{
	int st = -1;

	if (w->pid <= 0)
		return -1;
	kill(w->pid, SIGKILL);
	waitpid(w->pid, &st, 0);
	close(w->up);
	close(w->down);
	w->pid = 0;
	return st;
}

/*
 * Build the XOR command: in (len bytes at in_iova) and out (len bytes at
 * out_iova); each split into pieces of at most piece bytes.  Uses an
 * indirect table at head slot, the command of guest session sess.
 */
void xor_submit_at(struct dev *d, struct xcall *x, uint16_t slot,
		   uint32_t sess)
{
	struct vq *q = &d->q[0];
	struct ava_buf_ref refs[2];
	uint8_t *cmd = balloc(d, 256, 64);
	struct vring_desc *t = balloc(d, 16 * 600, 16);
	uint64_t inl = x->len;
	uint32_t n = 0, off;

	memset(refs, 0, sizeof(refs));
	refs[0].len = x->len;
	refs[0].flags = AVA_REF_IN;
	refs[1].len = x->len;
	refs[1].flags = AVA_REF_OUT;
	x->cmd_len = cmd_build(cmd, AVA_API_OPENCL, XOR_FUNC, 42, &inl, 8,
			       refs, 2);
	((struct ava_cmd_hdr *)cmd)->session = sess;
	x->r = balloc(d, sizeof(*x->r), 64);
	memset(x->r, 0xee, sizeof(*x->r));
	t[n++] = (struct vring_desc){ data_iova(d, cmd), x->cmd_len,
				      VRING_DESC_F_NEXT, 1 };
	for (off = 0; off < x->len; n++) {
		uint64_t a = x->in_iova + off;
		uint32_t l = x->piece - (a % x->piece);

		if (l > x->len - off)
			l = x->len - off;
		t[n] = (struct vring_desc){ a, l, VRING_DESC_F_NEXT, n + 1 };
		off += l;
	}
	if (x->reply_split) {
		/* the header, 8 bytes (the reply's inline part), the rest */
		static const uint32_t at[] = { 0, sizeof(struct ava_reply_hdr),
					       sizeof(struct ava_reply_hdr) + 8,
					       sizeof(struct rep) };
		unsigned i;

		for (i = 0; i < 3; i++, n++)
			t[n] = (struct vring_desc){ data_iova(d, x->r) + at[i],
						    at[i + 1] - at[i],
						    VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
						    n + 1 };
	} else {
		t[n] = (struct vring_desc){ data_iova(d, x->r), sizeof(*x->r),
					    VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
					    n + 1 };
		n++;
	}
	for (off = 0; off < x->len; n++) {
		uint64_t a = x->out_iova + off;
		uint32_t l = x->piece - (a % x->piece);

		if (l > x->len - off)
			l = x->len - off;
		t[n] = (struct vring_desc){ a, l,
					    VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
					    n + 1 };
		off += l;
	}
	if (x->tail)
		t[n++] = (struct vring_desc){ data_iova(d, x->r), x->tail,
					      VRING_DESC_F_WRITE, 0 };
	t[n - 1].flags &= ~VRING_DESC_F_NEXT;
	set_desc(q, slot, data_iova(d, t), n * 16, VRING_DESC_F_INDIRECT, 0);
	push_avail(d, 0, slot);
	notify(d, 0);
}

void xor_submit(struct dev *d, struct xcall *x)
{
	xor_submit_at(d, x, 0, 0);
}

int xor_wait(struct dev *d, struct xcall *x, int ms)
{
	struct vq *q = &d->q[0];
	uint16_t want = q->last_used + 1;

	if (wait_used(d, 0, want, ms))
		return -1;
	q->last_used = want;
	return q->u->ring[(want - 1) & (q->size - 1)].len ==
	       (x->r->h.inline_len ? 40u : 32u) ? 0 : -1;
}

int xor_check(struct xcall *x)
{
	uint64_t sum = 0;
	uint32_t k;

	if (x->r->h.status != AVA_S_OK || x->r->h.call_id != 42 ||
	    x->r->h.inline_len != 8)
		return -1;
	for (k = 0; k < x->len; k++) {
		sum += x->in[k];
		if (x->out[k] != (x->in[k] ^ 0x5a))
			return -2;
	}
	return memcmp(x->r->inl, &sum, 8) ? -3 : 0;
}

void xor_setup(struct dev *d, struct xcall *x, uint32_t len,
		      uint32_t in_off, uint32_t piece)
{
	uint32_t k;

	memset(x, 0, sizeof(*x));
	x->len = len;
	x->piece = piece;
	x->in = balloc(d, len + in_off + 4096, 4096) + in_off;
	x->out = balloc(d, len + 4096, 4096);
	x->in_iova = data_iova(d, x->in);
	x->out_iova = data_iova(d, x->out);
	for (k = 0; k < len; k++)
		x->in[k] = rnd();
	memset(x->out, 0, len);
}

/* Buffer shapes through the serving worker: sizes, pieces, bad memory. */
static void worker_shapes(struct dev *dp)
{
	struct xcall x;

	xor_setup(dp, &x, 4096, 0, 4096);
	xor_submit(dp, &x);
	tap(!xor_wait(dp, &x, 5000) && !xor_check(&x), "4 KiB buffers");
	xor_setup(dp, &x, 10000, 100, 4096);
	xor_submit(dp, &x);
	tap(!xor_wait(dp, &x, 5000) && !xor_check(&x),
	    "unaligned 10000-byte buffer in 4 KiB pieces");
	xor_setup(dp, &x, 1 << 20, 0, 8192);
	xor_submit(dp, &x);
	tap(!xor_wait(dp, &x, 10000) && !xor_check(&x),
	    "1 MiB buffers in 8 KiB pieces (indirect table of 258)");
	/* a reply room of several descriptors (a vmalloc'd room, per page) */
	xor_setup(dp, &x, 8192, 0, 4096);
	x.reply_split = true;
	xor_submit(dp, &x);
	tap(!xor_wait(dp, &x, 5000) && !xor_check(&x),
	    "reply room in three descriptors (32, 8, 56 bytes): the reply spans them");
	/* writable bytes past the OUT data: the reply room would not end
	 * where the OUT data starts */
	xor_setup(dp, &x, 8192, 0, 4096);
	x.tail = 64;
	xor_submit(dp, &x);
	tap(!xor_wait(dp, &x, 5000) && x.r->h.status == AVA_S_BAD_REF,
	    "writable bytes after the OUT data: AVA_S_BAD_REF");
	/* pieces that cannot be mapped contiguously */
	xor_setup(dp, &x, 8192, 0, 3000);
	xor_submit(dp, &x);
	tap(!xor_wait(dp, &x, 5000) && x.r->h.status == AVA_S_BAD_REF,
	    "pieces not on page boundaries: AVA_S_BAD_REF");
	/* reference data outside guest memory: found when pinning */
	xor_setup(dp, &x, 8192, 0, 4096);
	x.in_iova = 0x7000000000ull;
	xor_submit(dp, &x);
	tap(!xor_wait(dp, &x, 5000) && x.r->h.status == AVA_S_BAD_REF,
	    "reference outside guest memory: AVA_S_BAD_REF");
	/* read-only guest memory: fine to read, refused for writing */
	xor_setup(dp, &x, 8192, 0, 4096);
	x.in = dp->ro;
	x.in_iova = RO_IOVA;
	xor_submit(dp, &x);
	tap(!xor_wait(dp, &x, 5000) && !xor_check(&x),
	    "input buffer in read-only guest memory");
	xor_setup(dp, &x, 8192, 0, 4096);
	x.out_iova = RO_IOVA;
	xor_submit(dp, &x);
	tap(!xor_wait(dp, &x, 5000) && x.r->h.status == AVA_S_BAD_REF,
	    "output buffer in read-only guest memory: AVA_S_BAD_REF");
}

void t_worker(void)
{
	struct worker w = { 0 };
	struct xcall x;
	struct dev d;
	uint64_t cp0, mp0;
	int ok;

	if (open_init(&d, 1, 64))
		goto out;
	tap(b0_rd(&d, d.devcfg + 20, 4) == 0, "device config: no worker");
	/* a command before any worker is held, not failed */
	xor_setup(&d, &x, 16384, 0, 4096);
	xor_submit(&d, &x);
	usleep(200000);
	tap(used_idx(&d, 0) == d.q[0].last_used &&
	    stat_get("queue_pending") == 1,
	    "without a worker the command waits (queue_pending 1)");
	/* a PING behind it waits too: its reply means "all done" */
	{
		struct vq *q = &d.q[0];
		uint8_t *cmd = balloc(&d, 64, 64);
		struct rep *r = balloc(&d, sizeof(*r), 64);
		size_t n = cmd_build(cmd, AVA_API_CONTROL, AVA_CTL_PING, 31,
				     NULL, 0, NULL, 0);

		memset(r, 0xee, sizeof(*r));
		chain2(&d, 0, 2, cmd, n, r, sizeof(*r));
		push_avail(&d, 0, 2);
		notify(&d, 0);
		usleep(200000);
		tap(used_idx(&d, 0) == q->last_used &&
		    stat_get("queue_pending") == 2,
		    "a PING behind a held command is not answered early");
		efd_drain(d.efd[0]);
		tap(!worker_start(&w, W_SERVE, 100),
		    "worker attaches to /dev/vhost-ava");
		tap(!wait_used(&d, 0, q->last_used + 2, 5000) &&
		    q->u->ring[q->last_used & (q->size - 1)].id == 0 &&
		    !xor_check(&x) && r->h.status == AVA_S_OK &&
		    r->h.call_id == 31,
		    "held command, then the PING, served once the worker attached");
		q->last_used += 2;
	}
	tap(b0_rd(&d, d.devcfg + 20, 4) == 1 && efd_drain(d.efd[0]) >= 1,
	    "device config shows the worker; config interrupt");
	/* zero copy: only the command and the reply are copied */
	cp0 = stat_get("bytes_copied");
	mp0 = stat_get("bytes_mapped");
	xor_setup(&d, &x, 65536, 0, 4096);
	xor_submit(&d, &x);
	ok = !xor_wait(&d, &x, 5000) && !xor_check(&x);
	tap(ok, "64 KiB in, 64 KiB out through the worker");
	tap(stat_get("bytes_mapped") - mp0 == 2 * 65536 &&
	    stat_get("bytes_copied") - cp0 ==
	    x.cmd_len + sizeof(struct ava_reply_hdr) + 8,
	    "zero copy: 128 KiB mapped, copied only %zu command + 40 reply bytes",
	    x.cmd_len);
	tap(stat_get("pinned_pages") == 0, "no page pinned after completion");
	tap(worker_stat("attached") == 1 && worker_stat("cmds") == 3 &&
	    worker_stat("completed") == 3 &&
	    worker_stat("bytes_mapped") == 2 * 16384 + 2 * 65536 &&
	    worker_stat("exec_ns") == 3000,
	    "debugfs session counters of the worker");
	worker_shapes(&d);
	tap(stat_get("pinned_pages") == 0, "no page pinned after the errors");
	worker_stop(&w);
out:
	dev_close(&d);
}

/* Commands held for the worker are bounded (backlog_mb, default 64). */
void t_backlog(void)
{
	struct worker w = { 0 };
	struct dev d;
	uint8_t *cmd;
	struct rep *r;
	size_t n;
	uint64_t p = 0, p1;
	int i, k;

	if (open_init(&d, 1, 256))
		goto out;
	cmd = balloc(&d, (1 << 20) + 64, 4096);
	r = balloc(&d, 100 * sizeof(*r), 64);
	n = cmd_build(cmd, AVA_API_OPENCL, 1, 1, cmd + 64, (1 << 20) - 64,
		      NULL, 0);
	for (i = 0; i < 100; i++) {
		chain2(&d, 0, 2 * i, cmd, n, &r[i], sizeof(r[i]));
		push_avail(&d, 0, 2 * i);
	}
	notify(&d, 0);
	for (i = 0, k = 0; i < 200 && k < 5; i++) {
		usleep(50000);
		p1 = stat_get("queue_pending");
		k = p1 == p && p1 ? k + 1 : 0;	/* settled: 5 samples alike */
		p = p1;
	}
	tap(p >= 60 && p <= 64 && used_idx(&d, 0) == 0,
	    "without a worker at most 64 MiB of commands are held (%" PRIu64
	    " of 100 1 MiB commands)", p);
	/* a worker that takes commands and never answers */
	tap(!worker_start(&w, W_TAKE, 100) && whear(w.up, 60000) == 'D',
	    "a worker takes commands without answering");
	p = stat_get("queue_pending") + stat_get("queue_inflight");
	tap(p >= 60 && p <= 64 && used_idx(&d, 0) == 0,
	    "with it at most 64 MiB of commands are held (%" PRIu64
	    " of 100 1 MiB commands pending or in flight)", p);
	worker_stop(&w);
	/* its commands came back WORKER_LOST; the rest go to a new one */
	tap(!worker_start(&w, W_SERVE, 100) &&
	    !wait_used(&d, 0, 100, 30000), "a serving worker drains the rest");
	worker_stop(&w);
out:
	dev_close(&d);
}

/*
 * A worker that took a command and gets to its pages only after a reset
 * and after later commands came back without it (the long fuzz run's
 * worker, descheduled): the pages are gone, the worker gets SIGBUS, and
 * the device goes on.
 */
static void late_touch(struct dev *d)
{
	struct worker w = { 0 };
	uint32_t st = 99;
	struct xcall x;
	int ws = 0, i, ok = 1;

	if (vinit(d, 1, 64, FEAT_ALL) || worker_start(&w, W_LATE, 1)) {
		tap(false, "late worker attaches");
		return;
	}
	xor_setup(d, &x, 16384, 0, 4096);
	xor_submit(d, &x);
	tap(whear(w.up, 5000) == 'G' && stat_get("pinned_pages") == 8,
	    "late touch: the worker took a command, 8 pages pinned");
	ok = !vinit(d, 1, 64, FEAT_ALL);
	for (i = 0; ok && i < 3; i++)
		ok = !ping(d, 50 + i, &st) && st == AVA_S_OK;
	tap(ok && stat_get("pinned_pages") == 0,
	    "late touch: reset, then 3 commands came back without the worker");
	wsay(w.down, 't');
	for (i = 0; i < 500 && waitpid(w.pid, &ws, WNOHANG) == 0; i++)
		usleep(10000);
	if (i == 500) {
		ws = worker_stop(&w);	/* still running: no SIGBUS */
	} else {
		close(w.up);
		close(w.down);
		w.pid = 0;
	}
	tap(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGBUS,
	    "late touch: the worker touching the withdrawn pages gets SIGBUS (status %#x)", ws);
	tap(!ping(d, 60, &st) && st == AVA_S_OK, "late touch: the device still answers");
}

void t_worker_death(void)
{
	struct worker w = { 0 };
	struct xcall x;
	struct dev d;
	uint64_t lost0;

	if (open_init(&d, 1, 64))
		goto out;
	lost0 = stat_get("worker_lost");
	if (worker_start(&w, W_DIE, 1)) {
		tap(false, "dying worker attaches");
		goto out;
	}
	xor_setup(&d, &x, 16384, 0, 4096);
	xor_submit(&d, &x);
	tap(whear(w.up, 5000) == 'G', "worker took the command");
	tap(!xor_wait(&d, &x, 5000) && x.r->h.status == AVA_S_WORKER_LOST,
	    "worker died: command completed with AVA_S_WORKER_LOST");
	worker_stop(&w);
	tap(stat_get("worker_lost") - lost0 == 1 &&
	    stat_get("pinned_pages") == 0,
	    "worker_lost counted, no page left pinned");
	tap(!worker_start(&w, W_SERVE, 10), "a new worker attaches");
	xor_setup(&d, &x, 16384, 0, 4096);
	xor_submit(&d, &x);
	tap(!xor_wait(&d, &x, 5000) && !xor_check(&x),
	    "the instance works with the new worker");
	worker_stop(&w);
	/* reset while the worker holds a command */
	if (worker_start(&w, W_HOLD, 1)) {
		tap(false, "holding worker attaches");
		goto out;
	}
	xor_setup(&d, &x, 16384, 0, 4096);
	xor_submit(&d, &x);
	tap(whear(w.up, 5000) == 'G' && stat_get("pinned_pages") == 8,
	    "worker holds a command with 8 pages pinned");
	status_wr(&d, 0);
	tap(stat_get("pinned_pages") == 0, "device reset unpins them");
	wsay(w.down, 'c');
	tap(whear(w.up, 5000) == 'N',
	    "the worker's late completion is refused (-ENOENT)");
	worker_stop(&w);
	late_touch(&d);
out:
	dev_close(&d);
}

void t_unmap(void)
{
	struct worker w = { 0 };
	struct xcall x;
	struct dev d;

	if (open_init(&d, 1, 64))
		goto out;
	if (worker_start(&w, W_HOLD, 1)) {
		tap(false, "holding worker attaches");
		goto out;
	}
	xor_setup(&d, &x, 16384, 0, 4096);
	x.in = d.data2;
	x.in_iova = DATA2_IOVA;
	xor_submit(&d, &x);
	tap(whear(w.up, 5000) == 'G' && stat_get("pinned_pages") == 8,
	    "worker holds a command on memory about to be unmapped");
	tap(!dma_unmap(&d, DATA2_IOVA, DATA2_SIZE),
	    "VFIO_IOMMU_UNMAP_DMA of pinned guest memory succeeds");
	d.data2_mapped = false;
	tap(stat_get("pinned_pages") == 0, "dma_unmap unpinned the pages");
	wsay(w.down, 'c');
	tap(whear(w.up, 5000) == 'C' && !xor_wait(&d, &x, 5000) &&
	    x.r->h.status == AVA_S_OK, "the command still completes");
	worker_stop(&w);
out:
	dev_close(&d);
}

void t_remove(void)
{
	char buf[sizeof(struct vfio_irq_set) + 4];
	struct vfio_irq_set *s = (void *)buf;
	char path[256];
	struct dev d;
	pid_t pid;
	int st = -1, efd;
	struct pollfd p;

	if (open_init(&d, 1, 64))
		goto out;
	efd = eventfd(0, EFD_CLOEXEC);
	s->argsz = sizeof(buf);
	s->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	s->index = VFIO_PCI_REQ_IRQ_INDEX;
	s->start = 0;
	s->count = 1;
	memcpy(s->data, &efd, 4);
	tap(!ioctl(d.fd, VFIO_DEVICE_SET_IRQS, s), "request eventfd set");
	d.req_efd = efd;
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/remove", uuid);
	pid = fork();
	if (!pid) {
		int fd;

		close_inherited();
		fd = open(path, O_WRONLY);

		_exit(fd >= 0 && write(fd, "1", 1) == 1 ? 0 : 1);
	}
	p.fd = efd;
	p.events = POLLIN;
	tap(poll(&p, 1, 10000) == 1, "remove while open asks the user to release");
	dev_close(&d);
	waitpid(pid, &st, 0);
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s", uuid);
	tap(WIFEXITED(st) && !WEXITSTATUS(st) && access(path, F_OK),
	    "instance removed once the user closed it");
	return;
out:
	dev_close(&d);
}

/*
 * Command i of t_sessions at slot 10 * i: session sess, with a 64 MiB
 * reference (eight 8 MiB descriptors over the data area) or none.
 */
static void session_cmd(struct dev *d, int i, uint32_t sess, bool big)
{
	struct ava_buf_ref ref = { .len = 64 << 20, .flags = AVA_REF_IN };
	uint8_t *cmd = balloc(d, 256, 64);
	struct rep *r = balloc(d, sizeof(*r), 64);
	struct vq *q = &d->q[0];
	uint16_t s = 10 * i, k = 0;
	size_t n;

	n = cmd_build(cmd, AVA_API_OPENCL, 1, i, NULL, 0, &ref, big);
	((struct ava_cmd_hdr *)cmd)->session = sess;
	set_desc(q, s, data_iova(d, cmd), n, VRING_DESC_F_NEXT, s + 1);
	while (big && k < 8) {
		k++;
		set_desc(q, s + k, DATA_IOVA, 8 << 20, VRING_DESC_F_NEXT,
			 s + k + 1);
	}
	set_desc(q, s + k + 1, data_iova(d, r), sizeof(*r),
		 VRING_DESC_F_WRITE, 0);
	push_avail(d, 0, s);
}

/*
 * Session 1 fills the worker's read-only window (4 x 64 MiB); session 2's
 * next 64 MiB command cannot be mapped until one completes, but session
 * 3's command behind it must still reach the worker.
 */
void t_sessions(void)
{
	struct ava_vhost_attach a = { 0 };
	uint8_t buf[4096];
	struct ava_vhost_cmd c;
	struct dev d;
	int fd = -1, i, ok = 1;

	if (open_init(&d, 1, 256))
		goto out;
	for (i = 0; i < 6; i++)
		session_cmd(&d, i, i < 4 ? 1 : i - 2, i < 5);
	notify(&d, 0);
	for (i = 0; i < 100 && stat_get("queue_pending") < 6; i++)
		usleep(50000);
	fd = open("/dev/vhost-ava", O_RDWR | O_NONBLOCK);
	snprintf(a.instance, sizeof(a.instance), "%s", uuid);
	if (fd < 0 || ioctl(fd, AVA_VHOST_ATTACH, &a)) {
		tap(false, "attach to /dev/vhost-ava: %s", strerror(errno));
		goto out;
	}
	for (i = 0; i < 4 && ok; i++) {
		c = (struct ava_vhost_cmd){ .buf = (uintptr_t)buf,
					    .buf_len = sizeof(buf) };
		ok = !ioctl(fd, AVA_VHOST_GET_CMD, &c);
	}
	tap(ok, "the worker holds session 1's four 64 MiB commands");
	c = (struct ava_vhost_cmd){ .buf = (uintptr_t)buf,
				    .buf_len = sizeof(buf) };
	ok = !ioctl(fd, AVA_VHOST_GET_CMD, &c);
	tap(ok && ((struct ava_cmd_hdr *)buf)->session == 3,
	    "session 2 waits for window room, session 3 goes ahead (%s, session %u)",
	    ok ? "taken" : strerror(errno),
	    ok ? ((struct ava_cmd_hdr *)buf)->session : 0);
out:
	if (fd >= 0)
		close(fd);
	dev_close(&d);
}
