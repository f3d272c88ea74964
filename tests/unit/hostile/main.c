// SPDX-License-Identifier: MIT
/* hostile_worker: cases: client death, STATS and close; the command line. */
#include "hostile.h"

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
	if (mid_call == 2 && mk_buffer(&c, ID_SBUF, ID_CTX, STREAM_LEN) == 0) {
		/* a streamed write whose data never comes */
		mb_stream_write(&o, 0, STREAM_LEN, AVA_REF_IN | AVA_REF_STREAM, STREAM_LEN);
		stream_reset(&c, 0);
		ring_put(&c, g_msg, mb_finish(&c), 1);
	}
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

/* Reads the command line into g_path, g_verbose, g_trace, *iterations and *seed; -1 to exit with *rc. */
static int parse_args(int argc, char **argv, unsigned *iterations, uint64_t *seed, int *rc)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--iterations") && i + 1 < argc)
			*iterations = (unsigned)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			*seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--verbose"))
			g_verbose = 1;
		else if (!strcmp(argv[i], "--trace"))
			g_trace = 1;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			*rc = 0;
			return -1;
		} else if (!g_path && argv[i][0] != '-')
			g_path = argv[i];
		else
			break;
	}
	if (i < argc || !g_path) {
		usage(stderr);
		*rc = 2;
		return -1;
	}
	return 0;
}

/* The cases run in session s on its OpenCL objects, after their set-up. */
static void cases_in_session(struct sess *s)
{
	struct clobj o;
	int ok;

	ok = mk_setup(s, &o, 1 << 20) == 0;
	ok = ok && mk_program(s, ID_PROG, ID_CTX, o.dev) == 0;
	o.prog = ID_PROG;
	ok = ok && mk_kernel(s, ID_KERN, ID_PROG) == 0;
	o.kern = ID_KERN;
	if (!tap(ok, "well-formed OpenCL set-up: platform, device, context, queue, 1 MiB buffer, program, kernel"))
		return;
	t_control(s, &o);
	t_malformed(s, &o);
	t_forged(s, &o);
	t_spec_constant(s, &o);
	t_svm(s, &o);
	ok = ping(s) && do_finish(s, o.q) == 0;
	tap(ok, "after all refused commands the session's objects still work (clFinish)");
	t_trust(s, &o);
	t_stream(s, &o);
}

int main(int argc, char **argv)
{
	unsigned iterations = 20000;
	uint64_t seed = 0xA7A5EED5ull, t0 = ava_now_ns();
	struct sess s;
	int ok, rc;

	if (parse_args(argc, argv, &iterations, &seed, &rc))
		return rc;
	signal(SIGPIPE, SIG_IGN);
	if (client_init())
		return 2;

	ok = sess_open(&s, 0) == 0;
	if (ok)
		ok = ping(&s);
	if (!tap(ok, "a session opens (hello, memfd, layout) and answers PING")) {
		printf("1..%d\n%d passed, %d failed\n", g_pass + g_fail, g_pass, g_fail);
		return 1;
	}
	t_hello();
	t_framing(&s);
	cases_in_session(&s);
	t_nonblocking_read();
	t_failed_create();
	t_async_create();
	t_null_arrays();
	t_memfd_shrink();
	t_ring();
	t_kernel_controls();
	t_fuzz(iterations, seed);
	t_flood();
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
