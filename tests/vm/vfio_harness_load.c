// SPDX-License-Identifier: GPL-2.0-only
#include "vfio_harness.h"
static uint64_t rnd_state = 88172645463325252ull;

uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* A random, mostly malformed descriptor. */
void fuzz_desc(struct dev *d, struct vq *q, uint16_t i)
{
	static const uint64_t far[] = {
		0, 0x1000, 0x7000000000ull, 0xfffffffffffff000ull,
		DATA_IOVA + DATA_SIZE - 8, RING_IOVA + RING_SIZE - 4,
		DATA2_IOVA - 16,
	};
	uint64_t r = rnd();
	uint64_t addr;
	uint32_t len;
	uint16_t flags = 0, next;

	switch (r & 7) {
	case 0:
	case 1:
	case 2:
		addr = DATA_IOVA + (rnd() % (DATA_SIZE - 4096));
		break;
	case 3:
		addr = far[rnd() % (sizeof(far) / sizeof(far[0]))];
		break;
	case 4:
		addr = rnd();
		break;
	default:
		addr = DATA_IOVA + 0x1000 * (rnd() % 64);
		break;
	}
	switch ((r >> 3) & 7) {
	case 0:
		len = 0;
		break;
	case 1:
		len = (uint32_t)rnd();
		break;
	case 2:
		len = sizeof(struct ava_cmd_hdr);
		break;
	default:
		len = rnd() % 256;
		break;
	}
	if (r & (1 << 6))
		flags |= VRING_DESC_F_NEXT;
	if (r & (1 << 7))
		flags |= VRING_DESC_F_WRITE;
	if ((r & (3 << 8)) == 0)
		flags |= VRING_DESC_F_INDIRECT;
	if ((r & (15 << 10)) == 0)
		flags |= 1u << (rnd() % 16);
	next = (r >> 14) & 1 ? (uint16_t)rnd() : (uint16_t)(rnd() % q->size);
	set_desc(q, i, addr, len, flags, next);
	(void)d;
}

/* Plausible garbage in the buffers the descriptors point at. */
void fuzz_data(struct dev *d)
{
	size_t off;

	for (off = 0; off < 64 * 0x1000; off += 0x1000) {
		struct ava_cmd_hdr *h = (void *)(d->data + off);
		uint64_t r = rnd();

		memset(h, 0, sizeof(*h));
		h->magic = (r & 3) ? AVA_WIRE_MAGIC : (uint32_t)rnd();
		h->version = (r & 4) ? AVA_WIRE_VERSION : rnd();
		h->api_id = rnd() % 5;
		h->func_id = rnd() % 4;
		h->inline_len = (r & 8) ? rnd() % 64 * 8 : (uint32_t)rnd();
		h->nrefs = (r & 16) ? rnd() % 3 : (uint32_t)rnd();
		h->total_len = (r & 32) ? sizeof(*h) + h->inline_len +
				h->nrefs * 24 : (uint32_t)rnd();
		h->flags = (r & 64) ? 0 : rnd();
	}
}

/*
 * Wait until every chain of the batch is either used or queued for a
 * worker (no worker runs in this test); keeps last_used current.
 */
int wait_done(struct dev *d, uint16_t want, uint64_t *pend0, int ms)
{
	struct vq *q = &d->q[0];
	uint16_t start = q->last_used;
	double end = now_s() + ms / 1000.0;
	int n = (uint16_t)(want - start);

	for (;;) {
		uint16_t u = used_idx(d, 0);
		uint64_t p = stat_get("queue_pending");
		int got = (uint16_t)(u - start) + (int)(p - *pend0);

		if (got >= n) {
			q->last_used = u;
			*pend0 = p;
			return 0;
		}
		if (now_s() > end || (status_rd(d) &
				      VIRTIO_CONFIG_S_NEEDS_RESET))
			return -1;
		usleep(500);
		efd_drain(d->efd[1]);
	}
}

void t_fuzz(long count)
{
	uint64_t pend0 = 0;
	struct dev d;
	long sent = 0, resets = 0, batches = 0;
	uint64_t c0, chain0, cmd0;
	double t0;
	uint32_t st = 99;
	int ok = 1;

	if (open_init(&d, 1, 64))
		goto out;
	c0 = stat_get("calls");
	chain0 = stat_get("err_chain");
	cmd0 = stat_get("err_cmd");
	t0 = now_s();
	while (sent < count && ok) {
		struct vq *q = &d.q[0];
		int n = 64, i;
		uint16_t want;

		if (batches++ % 8 == 0)
			fuzz_data(&d);
		for (i = 0; i < q->size; i++)
			fuzz_desc(&d, q, i);
		for (i = 0; i < n; i++)
			push_avail(&d, 0, rnd() % q->size);
		want = q->last_used + n;
		/* now and then, corrupt the ring itself or reset mid-flight */
		if (rnd() % 64 == 0) {
			q->a->ring[(q->avail_idx - 1 - rnd() % n) &
				   (q->size - 1)] = 0x8000 | (uint16_t)rnd();
		} else if (rnd() % 64 == 0) {
			notify(&d, 0);
			status_wr(&d, 0);
			ok = !vinit(&d, 1, 64, FEAT_ALL);
			pend0 = 0;
			resets++;
			sent += n;
			continue;
		}
		notify(&d, 0);
		if (wait_done(&d, want, &pend0, 10000)) {
			if (status_rd(&d) & VIRTIO_CONFIG_S_NEEDS_RESET) {
				ok = !vinit(&d, 1, 64, FEAT_ALL);
				pend0 = 0;
				resets++;
			} else {
				diag("fuzz: stuck at used %u want %u status %#x",
				     used_idx(&d, 0), want, status_rd(&d));
				ok = 0;
			}
		}
		/* commands that went to the (absent) worker: reset now and then */
		if (batches % 8 == 0) {
			ok = ok && !vinit(&d, 1, 64, FEAT_ALL);
			pend0 = 0;
			resets++;
		}
		sent += n;
	}
	diag("fuzz: %ld requests in %.1f s, %ld resets; calls %" PRIu64
	     ", err_chain %" PRIu64 ", err_cmd %" PRIu64, sent, now_s() - t0,
	     resets, stat_get("calls") - c0, stat_get("err_chain") - chain0,
	     stat_get("err_cmd") - cmd0);
	tap(ok, "%ld malformed requests (random descriptors, chains, "
	    "indices, lengths, headers, resets) fail cleanly", sent);
	tap(!vinit(&d, 1, 64, FEAT_ALL) && !ping(&d, 1, &st) && st == AVA_S_OK,
	    "device works after the fuzzing");
out:
	dev_close(&d);
}

/* ---- rate limits ------------------------------------------------------ */

/*
 * Sends c->total chains, at most c->window in flight: PINGs of c->inl
 * inline bytes (without_reply: the command alone, which the module
 * refuses), or BIG_FUNC calls whose replies carry c->reply bytes.
 * Returns the seconds they took, -1 if not all came back within 60 s
 * (or the last BIG_FUNC reply was not of its size).
 */
double run_chains(struct dev *d, const struct chains *c)
{
	struct vq *q = &d->q[0];
	bool big = c->func == BIG_FUNC;
	uint32_t inl = big ? 8 : c->inl;
	uint64_t want = c->reply;
	size_t room = sizeof(struct ava_reply_hdr) + (big ? c->reply : 64);
	uint8_t *cmd = balloc(d, sizeof(struct ava_cmd_hdr) + inl + 8, 64);
	uint8_t *r = balloc(d, (size_t)c->window * room, 64);
	size_t n;
	uint16_t base = q->last_used;
	int sub = 0, done = 0;
	double t0 = now_s(), limit = t0 + 60;
	struct pollfd p = { .fd = d->efd[1], .events = POLLIN };

	if (big)
		memcpy(cmd + sizeof(struct ava_cmd_hdr), &want, 8);
	else
		memset(cmd + sizeof(struct ava_cmd_hdr), 0x11, inl);
	n = cmd_build(cmd, big ? AVA_API_OPENCL : AVA_API_CONTROL,
		      big ? BIG_FUNC : AVA_CTL_PING, 1,
		      cmd + sizeof(struct ava_cmd_hdr), inl, NULL, 0);
	while (done < c->total && now_s() < limit) {
		while (sub - done < c->window && sub < c->total) {
			int s = sub % c->window;

			if (c->without_reply)
				set_desc(q, 2 * s, data_iova(d, cmd), n, 0, 0);
			else
				chain2(d, 0, 2 * s, cmd, n, r + s * room, room);
			push_avail(d, 0, 2 * s);
			sub++;
		}
		notify(d, 0);
		poll(&p, 1, 50);
		efd_drain(p.fd);
		done = (uint16_t)(used_idx(d, 0) - base);
	}
	q->last_used = base + done;
	/* a BIG_FUNC call the module refused would have a short reply */
	if (big && done &&
	    q->u->ring[(uint16_t)(q->last_used - 1) & (q->size - 1)].len != room)
		return -1;
	return done == c->total ? now_s() - t0 : -1;
}

double run_pings(struct dev *d, int total, uint32_t inl)
{
	struct chains c = { .total = total, .window = 32,
			    .func = AVA_CTL_PING, .inl = inl };

	return run_chains(d, &c);
}

/* count things in el seconds: count / el, 0 if they did not all come back */
static double per_s(double count, double el)
{
	return el > 0 ? count / el : 0;
}

/*
 * The achieved rate within 5 % of the setting (issue 10).  Each
 * measurement lasts 3-4 s after a first run that empties the bucket (its
 * burst is 1/10 s of the rate), so a stall of the test VM of up to 150 ms
 * at its end still passes; one inside it is made up by the bucket.
 */
static bool within_5pct(double rate, double setting)
{
	return rate > 0.95 * setting && rate < 1.05 * setting;
}

/*
 * Commands larger than the burst are charged in full, and chains the
 * module refuses are charged too.
 */
static void rate_full_cost(struct dev *d)
{
	const uint32_t big = 512 << 10;
	struct chains refused = { .total = 20, .window = 32,
				  .func = AVA_CTL_PING, .without_reply = true };
	double rate;

	sysfs_set("bytes_per_sec", 1 << 20);	/* burst 1/10 s: 102 KiB */
	run_pings(d, 1, big);			/* empty the bucket */
	rate = per_s(8.0 * (sizeof(struct ava_cmd_hdr) + big),
		     run_pings(d, 8, big));
	tap(within_5pct(rate, 1 << 20),
	    "1 MiB/s limit, 512 KiB commands (5x the burst): measured %.3f MiB/s",
	    rate / (1 << 20));
	sysfs_set("bytes_per_sec", 0);
	sysfs_set("calls_per_sec", 100);
	run_chains(d, &refused);		/* empty the bucket */
	refused.total = 300;
	rate = per_s(300, run_chains(d, &refused));
	tap(within_5pct(rate, 100),
	    "100 calls/s limit, refused chains: measured %.1f chains/s", rate);
	sysfs_set("calls_per_sec", 0);
}

/*
 * Reply bytes are charged once the reply is written: small commands
 * whose replies (256 KiB, 2.5x the burst) a worker fills, one at a time
 * (with many in flight the module may admit them all before their
 * replies are charged: the rate then holds over many such rounds only).
 */
static void rate_big_replies(struct dev *d)
{
	struct chains c = { .total = 2, .window = 1, .func = BIG_FUNC,
			    .reply = 256 << 10 };
	const size_t cmd_len = sizeof(struct ava_cmd_hdr) + 8;
	double per = cmd_len + sizeof(struct ava_reply_hdr) + c.reply, rate;
	struct worker w = { 0 };

	if (worker_start(&w, W_SERVE, 1 << 20)) {
		tap(false, "a worker for the large replies attaches");
		return;
	}
	sysfs_set("bytes_per_sec", 1 << 20);
	run_chains(d, &c);	/* the burst used, then a reply's debt */
	c.total = 14;
	rate = per_s(c.total * per, run_chains(d, &c));
	tap(within_5pct(rate, 1 << 20),
	    "1 MiB/s limit, %zu-byte commands with 256 KiB replies (2.5x the burst): measured %.3f MiB/s",
	    cmd_len, rate / (1 << 20));
	sysfs_set("bytes_per_sec", 0);
	worker_stop(&w);
}

void t_rate(void)
{
	struct dev d;
	double rate;
	uint64_t th0;
	const uint32_t inl = 16384;
	const double cmd_bytes = sizeof(struct ava_cmd_hdr) + inl;

	if (open_init(&d, 1, 64))
		goto out;
	/* calls per second */
	tap(!sysfs_set("calls_per_sec", 200), "sysfs calls_per_sec = 200");
	run_pings(&d, 40, 0);		/* empty the bucket */
	rate = per_s(600, run_pings(&d, 600, 0));
	tap(within_5pct(rate, 200), "200 calls/s limit: measured %.1f calls/s",
	    rate);
	/* bytes per second */
	sysfs_set("calls_per_sec", 0);
	tap(!sysfs_set("bytes_per_sec", 1 << 20), "sysfs bytes_per_sec = 1 MiB");
	run_pings(&d, 12, inl);
	rate = per_s(192 * cmd_bytes, run_pings(&d, 192, inl));
	tap(within_5pct(rate, 1 << 20), "1 MiB/s limit: measured %.3f MiB/s",
	    rate / (1 << 20));
	rate_full_cost(&d);
	/* unlimited */
	sysfs_set("bytes_per_sec", 0);
	th0 = stat_get("throttled_ns");
	rate = per_s(2000, run_pings(&d, 2000, 0));
	tap(rate > 1000 && stat_get("throttled_ns") == th0,
	    "no limit: %.0f calls/s, not throttled", rate);
	th0 = stat_get("throttled_ns");
	rate = per_s(200 * cmd_bytes, run_pings(&d, 200, inl));
	tap(rate > 4.0 * (1 << 20) && stat_get("throttled_ns") == th0,
	    "no limit: %.1f MiB/s of commands, not throttled", rate / (1 << 20));
	/* last: with a worker attached, PINGs go to it */
	rate_big_replies(&d);
	tap(sysfs_set("calls_burst", 5) != 0,
	    "a burst without a rate is refused");
	tap(sysfs_set("calls_per_sec", 1ull << 40) != 0,
	    "an absurd rate is refused");
out:
	dev_close(&d);
}

/* memory.current of the cgroup (v2) this process is in, or UINT64_MAX */
static uint64_t cgroup_memory(void)
{
	char line[256], path[320];
	uint64_t v = UINT64_MAX;
	FILE *f = fopen("/proc/self/cgroup", "r");

	if (!f)
		return v;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = 0;
			snprintf(path, sizeof(path), "/sys/fs/cgroup%s/memory.current",
				 line + 3);
		}
	fclose(f);
	f = fopen(path, "r");
	if (f && fscanf(f, "%" SCNu64, &v) != 1)
		v = UINT64_MAX;
	if (f)
		fclose(f);
	return v;
}

/*
 * What a VM makes the module hold (here 48 commands of 1 MiB, no worker)
 * is charged to the memory cgroup of its VMM (this process), although the
 * module allocates it in a work item.
 */
void t_memcg(void)
{
	struct dev d;
	uint8_t *cmd;
	struct rep *r;
	uint64_t m0, m1;
	size_t n;
	int i;

	m0 = cgroup_memory();
	if (m0 == UINT64_MAX) {
		tap(false, "the harness runs in a cgroup with memory control");
		return;
	}
	if (open_init(&d, 1, 256))
		goto out;
	cmd = balloc(&d, (1 << 20) + 64, 4096);
	r = balloc(&d, 48 * sizeof(*r), 64);
	n = cmd_build(cmd, AVA_API_OPENCL, 1, 1, cmd + 64, (1 << 20) - 64,
		      NULL, 0);
	m0 = cgroup_memory();
	for (i = 0; i < 48; i++) {
		chain2(&d, 0, 2 * i, cmd, n, &r[i], sizeof(r[i]));
		push_avail(&d, 0, 2 * i);
	}
	notify(&d, 0);
	for (i = 0; i < 200 && stat_get("queue_pending") < 48; i++)
		usleep(50000);
	m1 = cgroup_memory();
	tap(stat_get("queue_pending") == 48 && m1 > m0 &&
	    m1 - m0 >= (40u << 20),
	    "48 MiB of commands held for the VM are charged to the VMM's memory cgroup (+%" PRIu64 " MiB)",
	    m1 > m0 ? (m1 - m0) >> 20 : 0);
out:
	dev_close(&d);
}

/*
 * With max_ref_bytes = 4 GiB (the module loaded so): a chain carrying
 * 4 GiB more readable bytes than its references claim.  The byte counts
 * of a chain must not wrap at 32 bits.
 */
void t_ref_4g(void)
{
	struct ava_buf_ref ref = { .len = 4096, .flags = AVA_REF_IN };
	struct vq *q;
	struct rep *r;
	struct dev d;
	uint8_t *cmd;
	size_t n;
	int len;

	if (open_init(&d, 1, 64))
		goto out;
	q = &d.q[0];
	cmd = balloc(&d, 8192, 64);
	r = balloc(&d, sizeof(*r), 64);
	memset(r, 0xee, sizeof(*r));
	n = cmd_build(cmd, 1, 1, 1, NULL, 0, &ref, 1);
	set_desc(q, 0, data_iova(&d, cmd), n + 4096, VRING_DESC_F_NEXT, 1);
	set_desc(q, 1, DATA_IOVA, 1u << 31, VRING_DESC_F_NEXT, 2);
	set_desc(q, 2, DATA_IOVA, 1u << 31, VRING_DESC_F_NEXT, 3);
	set_desc(q, 3, data_iova(&d, r), sizeof(*r), VRING_DESC_F_WRITE, 0);
	push_avail(&d, 0, 0);
	notify(&d, 0);
	len = wait_used(&d, 0, q->last_used + 1, 5000) ? -1 :
	      (int)q->u->ring[q->last_used & (q->size - 1)].len;
	tap(len == (int)sizeof(r->h) && r->h.status == AVA_S_BAD_REF,
	    "4 GiB of unclaimed data in a chain: status %u (want %u)",
	    len >= (int)sizeof(r->h) ? r->h.status : 0xffffffffu,
	    AVA_S_BAD_REF);
out:
	dev_close(&d);
}
