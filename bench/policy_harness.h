/* SPDX-License-Identifier: MIT */
/*
 * The harness of the policy benchmarks (bench/policy): SESSIONS sessions
 * competing for the device, each in its own process named avapol0,
 * avapol1, ... (what ava-hostd's --time-weight NAME=W matches), each
 * running a compute-bound kernel loop with a few kernels in flight, all
 * started at once.  Each session measures its own device time per window
 * of wall time.  The API part (policy_bench.c: OpenCL; policy_bench_cuda.cu:
 * CUDA) defines api_setup, api_submit and api_retire, then includes this.
 * Compiles as C and as C++ (nvcc).
 *
 *   policy_bench [--seconds S] [--window W] [--global G] [--iters N]
 *                [--depth D] [--platform NAME] [--session-env NAME=V0,V1,..]
 *                [--untimed] SESSIONS
 *
 * --session-env sets NAME to Vi in session i before it starts (e.g.
 * AVA_DEVICE: sessions of one run on two AvA devices, two VMs to the host
 * module, yet started at once).  --untimed: the sessions do not measure
 * their kernels (the windows print 0; one call less per kernel, for a
 * caller that reads device time elsewhere, e.g. the host module's).
 *
 * Prints "elapsed_s S", "win K NS_0 .. NS_{n-1}" (device ns per session in
 * window K), "kwin K N_0 .. N_{n-1}" (kernels completed per session in
 * window K) and "kernels N_0 .. N_{n-1}".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SESSIONS 8
#define MAX_WINDOWS 64
#define MAX_DEPTH 16

struct opts {
	double seconds, window;
	size_t global;
	int iters, depth, sessions, untimed;
	const char *platform;
	char *env;			/* --session-env's NAME=V0,V1,.. (NULL: none) */
};

struct result {
	uint64_t win_ns[MAX_WINDOWS];
	uint64_t win_k[MAX_WINDOWS];
	uint64_t kernels;
};

/* The API part: set up in the session's process; submit one kernel into
 * ring slot; wait for slot's kernel and return its device time (ns; 0
 * without measuring it when o->untimed). */
static void api_setup(const struct opts *o);
static void api_submit(const struct opts *o, int slot);
static uint64_t api_retire(const struct opts *o, int slot);

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Adds slot's device time to the window its kernel completed in. */
static void retire(const struct opts *o, int slot, double t0, struct result *r)
{
	uint64_t ns = api_retire(o, slot);
	int w = (int)((now_s() - t0) / o->window);

	if (w < MAX_WINDOWS) {
		r->win_ns[w] += ns;
		r->win_k[w]++;
	}
	r->kernels++;
}

/* Session idx's value of --session-env, set in its process (its own copy of o->env). */
static void session_env(const struct opts *o, int idx)
{
	char *eq, *v;
	int i;

	if (!o->env || !(eq = strchr(o->env, '=')))
		return;
	*eq = 0;
	v = eq + 1;
	for (i = 0; i < idx && v; i++)
		v = strchr(v, ',') ? strchr(v, ',') + 1 : NULL;
	if (!v)
		return;
	if (strchr(v, ','))
		*strchr(v, ',') = 0;
	setenv(o->env, v, 1);
}

/* One session: set up, say ready, wait for go, run the loop, send the result. */
static void session(const struct opts *o, int idx, int ready, int go, int out)
{
	struct result r;
	char name[24], b = 'r';
	double t0;
	int head = 0, live = 0;

	memset(&r, 0, sizeof(r));
	snprintf(name, sizeof(name), "avapol%d", idx);
	prctl(PR_SET_NAME, name);
	session_env(o, idx);
	api_setup(o);
	if (write(ready, &b, 1) != 1 || read(go, &b, 1) != 1)
		exit(1);
	t0 = now_s();
	while (now_s() - t0 < o->seconds) {
		if (live == o->depth) {
			retire(o, head, t0, &r);
			head = (head + 1) % o->depth;
			live--;
		}
		api_submit(o, (head + live) % o->depth);
		live++;
	}
	for (; live; live--, head = (head + 1) % o->depth)
		retire(o, head, t0, &r);
	if (write(out, &r, sizeof(r)) != (ssize_t)sizeof(r))
		exit(1);
	exit(0);
}

static void parse(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->seconds = 10;
	o->window = 2;
	o->global = 64;
	o->iters = 100000;
	o->depth = 4;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			o->seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--window") && i + 1 < argc)
			o->window = atof(argv[++i]);
		else if (!strcmp(argv[i], "--global") && i + 1 < argc)
			o->global = (size_t)atol(argv[++i]);
		else if (!strcmp(argv[i], "--iters") && i + 1 < argc)
			o->iters = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--depth") && i + 1 < argc)
			o->depth = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--platform") && i + 1 < argc)
			o->platform = argv[++i];
		else if (!strcmp(argv[i], "--session-env") && i + 1 < argc && strchr(argv[i + 1], '='))
			o->env = argv[++i];
		else if (!strcmp(argv[i], "--untimed"))
			o->untimed = 1;
		else
			o->sessions = atoi(argv[i]);
	}
	if (o->sessions < 1 || o->sessions > MAX_SESSIONS || o->depth < 1 || o->depth > MAX_DEPTH ||
	    o->window <= 0 || o->seconds / o->window > MAX_WINDOWS || !o->global || o->iters < 1) {
		fprintf(stderr, "usage: policy_bench [--seconds S] [--window W] [--global G] [--iters N] [--depth D]"
				 " [--platform NAME] [--session-env NAME=V0,V1,..] [--untimed] SESSIONS (1-%d)\n", MAX_SESSIONS);
		exit(2);
	}
}

static void print(const struct opts *o, const struct result *r)
{
	int i, w;

	for (w = 0; w < (int)(o->seconds / o->window); w++) {
		printf("win %d", w);
		for (i = 0; i < o->sessions; i++)
			printf(" %llu", (unsigned long long)r[i].win_ns[w]);
		printf("\nkwin %d", w);
		for (i = 0; i < o->sessions; i++)
			printf(" %llu", (unsigned long long)r[i].win_k[w]);
		printf("\n");
	}
	printf("kernels");
	for (i = 0; i < o->sessions; i++)
		printf(" %llu", (unsigned long long)r[i].kernels);
	printf("\n");
}

int main(int argc, char **argv)
{
	int ready[2], go[2], res[MAX_SESSIONS][2], i, st, bad = 0;
	struct result r[MAX_SESSIONS];
	struct opts o;
	double t0;
	char b;

	parse(argc, argv, &o);
	if (pipe(ready) || pipe(go))
		return 1;
	for (i = 0; i < o.sessions; i++) {
		if (pipe(res[i]))
			return 1;
		if (fork() == 0)
			session(&o, i, ready[1], go[0], res[i][1]);
		close(res[i][1]);
	}
	close(ready[1]);	/* a session that dies before it is ready ends the wait */
	for (i = 0; i < o.sessions; i++)
		if (read(ready[0], &b, 1) != 1)
			return 1;
	t0 = now_s();
	for (i = 0; i < o.sessions; i++)
		if (write(go[1], "g", 1) != 1)
			return 1;
	for (i = 0; i < o.sessions; i++)
		if (read(res[i][0], &r[i], sizeof(r[i])) != (ssize_t)sizeof(r[i]))
			bad = 1;
	printf("elapsed_s %.3f\n", now_s() - t0);
	while (wait(&st) > 0)
		bad |= !WIFEXITED(st) || WEXITSTATUS(st);
	if (bad) {
		fprintf(stderr, "policy_bench: a session failed\n");
		return 1;
	}
	print(&o, r);
	return 0;
}
