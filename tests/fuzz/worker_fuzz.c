// SPDX-License-Identifier: MIT
/*
 * worker_fuzz: the long fuzz run at a real worker through the `local`
 * transport (tests/fuzz/run starts ava-hostd and runs this).
 *
 *   worker_fuzz SOCKET_PATH [--count N] [--seed S] [--progress N]
 *
 * Sends N mutated command streams made by the seeded generator of
 * tests/unit/hostile/fuzz.c (valid-call templates of real OpenCL calls,
 * mutated words, lengths, handles, refs, truncations, bit flips, broken
 * headers, random items) and sorts every answer: accepted, refused (by
 * status), async (no answer due).  A worker that goes away is counted and
 * replaced by a new session: whether it went away cleanly or by a signal
 * only the daemon knows, so tests/fuzz/run reads that from its log.  A
 * sync command left unanswered for 10 s counts as a hang and also gets a new
 * session.  Prints "progress:" lines and a closing "summary:" line; exits 1
 * on a hang, a garbled reply or a wrong call id, 2 when no session opens.
 * SIGINT or SIGTERM ends the run early, with its summary.
 */
#include "../unit/hostile/hostile.h"

#define N_STATUS (AVA_S_WORKER_LOST + 2)	/* the last slot: unknown statuses */

static volatile sig_atomic_t g_stop;

static void on_stop(int sig)
{
	(void)sig;
	g_stop = 1;
}

struct tally {
	unsigned long sent, ok, async, refused, lost_framing, gone, hangs, garbled, bad_id, setups;
	unsigned long by_status[N_STATUS];
};

/* The last commands sent, dumped when a worker goes away (to replay the crash). */
#define HIST 16
#define HIST_BYTES 256
static struct sent_cmd {
	unsigned long n;
	uint16_t api;
	uint32_t func, len;
	uint8_t head[HIST_BYTES];
} g_hist[HIST];

static void remember(unsigned long n, const struct fz_cmd *c)
{
	struct sent_cmd *h = &g_hist[n % HIST];

	h->n = n;
	h->api = c->api;
	h->func = c->func;
	h->len = c->len;
	memcpy(h->head, g_msg, c->len < HIST_BYTES ? c->len : HIST_BYTES);
}

static void dump_history(unsigned long sent)
{
	fprintf(stderr, "worker_fuzz: the worker went away at command %lu; the commands before it:\n", sent);
	for (unsigned long k = sent > HIST ? sent - HIST : 0; k < sent; k++) {
		struct sent_cmd *h = &g_hist[k % HIST];

		fprintf(stderr, "  #%lu api %u func %u len %u:", h->n, h->api, h->func, h->len);
		for (uint32_t i = 0; i + 8 <= h->len && i < HIST_BYTES; i += 8) {
			uint64_t v;

			memcpy(&v, h->head + i, 8);
			fprintf(stderr, " %" PRIx64, v);
		}
		fputc('\n', stderr);
	}
}

/* A fresh session with the objects the generator's templates use. */
static int open_fuzz_session(struct sess *f, struct clobj *o, struct tally *t)
{
	t->setups++;
	if (sess_open(f, 0) || mk_setup(f, o, 65536) || mk_buffer(f, ID_BUF2, ID_CTX, 4096)) {
		sess_close(f);
		return -1;
	}
	fz_use(o);
	return 0;
}

/* Sorts one answer; 1 when the session must be replaced. */
static int sort_reply(const struct fz_cmd *c, const struct rep *r, struct tally *t)
{
	if (r->got == -1) {
		t->gone++;
		return 1;
	}
	if (c->async) {
		t->async++;
		return 0;
	}
	if (r->got == 0) {
		t->hangs++;
		fprintf(stderr, "worker_fuzz: command %lu (api %u func %u, %u bytes) unanswered for 10 s\n", t->sent,
			c->api, c->func, c->len);
		return 1;
	}
	if (r->got != 1) {
		t->garbled++;
		return 1;
	}
	if (r->call_id != c->call_id)
		t->bad_id++;
	t->by_status[r->status < N_STATUS - 1 ? r->status : N_STATUS - 1]++;
	t->lost_framing += c->lost;
	if (r->status == AVA_S_OK)
		t->ok++;
	else
		t->refused++;
	return 0;
}

static void print_counts(const char *tag, const struct tally *t, double secs)
{
	printf("%s: %lu sent in %.0f s (%.0f/s): accepted %lu, refused %lu, async %lu, framing lost %lu, "
	       "worker gone %lu, hangs %lu, garbled %lu, wrong call id %lu, sessions %lu\n",
	       tag, t->sent, secs, secs > 0 ? (double)t->sent / secs : 0.0, t->ok, t->refused, t->async,
	       t->lost_framing, t->gone, t->hangs, t->garbled, t->bad_id, t->setups);
}

static void print_refusals(const struct tally *t)
{
	printf("refusals by status:");
	for (unsigned i = 1; i < N_STATUS; i++)
		if (t->by_status[i])
			printf(" %s %lu", i < N_STATUS - 1 ? sname(i) : "unknown", t->by_status[i]);
	printf("\n");
}

static int parse(int argc, char **argv, unsigned long *count, uint64_t *seed, unsigned long *every)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--count") && i + 1 < argc)
			*count = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			*seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--progress") && i + 1 < argc)
			*every = strtoul(argv[++i], NULL, 0);
		else if (!g_path && argv[i][0] != '-')
			g_path = argv[i];
		else
			return -1;
	}
	return g_path && *every ? 0 : -1;
}

/* The loop: N commands, a PING every 1000, a new session whenever one is lost. */
static int fuzz_loop(unsigned long count, unsigned long every, struct tally *t, double *secs)
{
	uint64_t t0 = ava_now_ns();
	struct sess f;
	struct clobj o;
	struct fz_cmd c;
	struct rep r;
	int fresh = 1;

	while (t->sent < count && !g_stop) {
		if (fresh && open_fuzz_session(&f, &o, t))
			return -1;
		fresh = 0;
		if (!fz_next(&f, &o, &c))
			continue;
		remember(t->sent, &c);
		send_msg(&f, c.len, &r, 10000);
		t->sent++;
		fresh = sort_reply(&c, &r, t);
		if (r.got == -1)
			dump_history(t->sent);
		if (!fresh && t->sent % 1000 == 0 && !ping(&f)) {
			t->gone += !pid_alive(f.worker);
			fresh = 1;
		}
		if (fresh)
			sess_close(&f);
		if (t->sent % every == 0) {
			print_counts("progress", t, (double)(ava_now_ns() - t0) / 1e9);
			fflush(stdout);
		}
	}
	if (!fresh)
		sess_close(&f);
	*secs = (double)(ava_now_ns() - t0) / 1e9;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long count = 1000000, every = 50000;
	uint64_t seed = 0xF0221EEDull;
	static struct tally t;
	double secs = 0;

	if (parse(argc, argv, &count, &seed, &every)) {
		fprintf(stderr, "usage: worker_fuzz SOCKET_PATH [--count N] [--seed S] [--progress N]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	if (client_init())
		return 2;
	fz_seed(seed);
	printf("worker_fuzz: %lu commands, seed %#" PRIx64 "\n", count, seed);
	if (fuzz_loop(count, every, &t, &secs)) {
		fprintf(stderr, "worker_fuzz: no session could be set up after %lu commands\n", t.sent);
		return 2;
	}
	print_refusals(&t);
	if (g_stop)
		printf("stopped early (signal) after %lu of %lu commands\n", t.sent, count);
	print_counts("summary", &t, secs);
	free(g_msg);
	free(g_repbuf);
	return t.hangs || t.garbled || t.bad_id ? 1 : 0;
}
