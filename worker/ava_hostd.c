// SPDX-License-Identifier: MIT
/*
 * ava-hostd: the host daemon.  In `local` mode it listens on a Unix socket
 * and starts one worker process per session (hostd_local.c).  With
 * --instance it serves the guest sessions of one VM's AvA device through
 * the host module instead (`kernel` transport, hostd_kernel.c), again one
 * worker process per guest session.  This file reads the command line and
 * registers the APIs the workers serve.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/local_hello.h"
#include "../common/shm_layout.h"
#include "cuda_fatbin_cache.h"
#include "hostd.h"
#include "sandbox.h"
#include "upload_pool.h"
#include "worker_session.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ava-hostd [--socket PATH] [--arena-mb N] [--mem-quota BYTES] [--time-weight [NAME=]W]\n"
		"                 [--time-cap-pct [NAME=]P] [--status FILE] [--ready-fd FD]\n"
		"       ava-hostd --instance UUID [--max-sessions N] [--status FILE] [--verbose] [--ready-fd FD]\n"
		"\n"
		"Serves AvA guest sessions: one worker process per session runs the\n"
		"calls on this machine's OpenCL.  Without --instance, sessions come over\n"
		"the `local` transport (same machine); with --instance, they are the\n"
		"guest processes of the VM that has that AvA mdev instance (`kernel`\n"
		"transport through /dev/vhost-ava of the ava_vhost module).\n"
		"\n"
		"  --socket PATH     Unix socket to listen on (default $AVA_SOCKET or %s)\n"
		"  --arena-mb N      shared bulk arena per session in MiB (default $AVA_ARENA_MB or %llu)\n"
		"  --instance UUID   serve this mdev instance (/sys/bus/mdev/devices/UUID)\n"
		"  --max-sessions N  (--instance) guest sessions served at a time (default 64)\n"
		"  --mem-quota BYTES device memory all sessions together may hold (local; default: no quota;\n"
		"                    a VM's is the host module's mem_quota_bytes)\n"
		"  --status FILE     keep FILE up to date with the live sessions (and, local, the memory counters)\n"
		"  --verbose         (--instance) log sessions starting and ending\n"
		"  --ready-fd FD     write one line to FD once sessions are accepted\n"
		"  --user NAME       the unprivileged user the workers run as (default: nobody when root)\n"
		"  --no-sandbox      workers keep the daemon's user and run unconfined (debugging)\n"
		"  --fatbin-cache DIR  where CUDA fat binaries are kept between sessions, by content hash\n"
		"                    (default $AVA_FATBIN_CACHE, else /var/cache/ava/fatbin as root, else\n"
		"                    ~/.cache/ava/fatbin; 'off': none; docs/cuda.md)\n"
		"  --fatbin-cache-mb N  its bound, least recently used evicted first (default %u)\n"
		"  --upload-pool-mb N  keep N MiB of zeroed memory ready for the next session's first large\n"
		"                    upload (a CUDA fat binary; default 0: none; scripts/ava-local --cuda: 256)\n"
		"  --sandbox-report  each worker logs whether it can execute /bin/sh and the linker, and what\n"
		"                    its seccomp filter does with an allowed, a refused and an unlisted call (tests)\n"
		"  AVA_BACKEND       substring of the backend platform name to serve (default: first)\n"
		"  AVA_STAGING_MB    bytes a worker keeps of non-blocking writes and deferred reads (default 1024)\n",
		AVA_DEFAULT_SOCKET, (unsigned long long)(AVA_SHM_ARENA_DEFAULT >> 20), AVAW_FATBIN_CACHE_MB_DEFAULT);
	avaw_time_usage(f);
}

static int parse_bytes(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno) {
		fprintf(stderr, "ava-hostd: --mem-quota takes a number of bytes, not '%s'\n", s);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = getenv("AVA_SOCKET");
	const char *arena_env = getenv("AVA_ARENA_MB");
	uint64_t arena_mb = arena_env ? strtoull(arena_env, NULL, 10) : AVA_SHM_ARENA_DEFAULT >> 20;
	const char *instance = NULL, *status_file = NULL;
	uint64_t mem_quota = 0;
	struct avaw_time_rules time = { .weight = 1 };
	int i, r, ready_fd = -1, verbose = 0;
	unsigned max_sessions = 0;
	const char *user = NULL, *fatbin_cache = NULL;
	uint64_t fatbin_cache_mb = AVAW_FATBIN_CACHE_MB_DEFAULT, upload_pool_mb = 0;
	int sandbox = 1, sandbox_report = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--socket") && i + 1 < argc) {
			path = argv[++i];
		} else if (!strcmp(argv[i], "--arena-mb") && i + 1 < argc) {
			arena_mb = strtoull(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--ready-fd") && i + 1 < argc) {
			ready_fd = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--instance") && i + 1 < argc) {
			instance = argv[++i];
		} else if (!strcmp(argv[i], "--status") && i + 1 < argc) {
			status_file = argv[++i];
		} else if (!strcmp(argv[i], "--mem-quota") && i + 1 < argc) {
			if (parse_bytes(argv[++i], &mem_quota))
				return 2;
		} else if (i + 1 < argc && (r = avaw_time_option(&time, argv[i], argv[i + 1])) != 0) {
			if (r < 0)
				return 2;
			i++;
		} else if (!strcmp(argv[i], "--max-sessions") && i + 1 < argc) {
			max_sessions = (unsigned)strtoul(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--verbose")) {
			verbose = 1;
		} else if (!strcmp(argv[i], "--user") && i + 1 < argc) {
			user = argv[++i];
		} else if (!strcmp(argv[i], "--no-sandbox")) {
			sandbox = 0;
		} else if (!strcmp(argv[i], "--fatbin-cache") && i + 1 < argc) {
			fatbin_cache = argv[++i];
		} else if (!strcmp(argv[i], "--fatbin-cache-mb") && i + 1 < argc) {
			fatbin_cache_mb = strtoull(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--upload-pool-mb") && i + 1 < argc) {
			upload_pool_mb = strtoull(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--sandbox-report")) {
			sandbox_report = 1;
		} else {
			fprintf(stderr, "ava-hostd: unknown argument '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (!path || !*path)
		path = AVA_DEFAULT_SOCKET;
	if (arena_mb < 1 || arena_mb > (64ull << 10)) {
		fprintf(stderr, "ava-hostd: --arena-mb must be between 1 and 65536\n");
		return 2;
	}
	if (upload_pool_mb > (16ull << 10)) {
		fprintf(stderr, "ava-hostd: --upload-pool-mb must be at most 16384\n");
		return 2;
	}
	if (instance && (mem_quota || time.on)) {
		fprintf(stderr, "ava-hostd: --mem-quota and --time-* are for the local transport (docs/host-module.md)\n");
		return 2;
	}
	avaw_sandbox_configure(sandbox, user, sandbox_report);
	if (avaw_sandbox_check())
		return 2;
	avaw_fatbin_cache_setup(fatbin_cache, fatbin_cache_mb << 20, sandbox, user);
	/* the backend must never be AvA itself */
	setenv("AVA_WORKER", "1", 1);
	avaw_register_apis();
	avaw_upool_setup(upload_pool_mb << 20, AVAW_UPOOL_REFILL_MS);
	if (instance)
		return avaw_kernel_daemon(instance, ready_fd, status_file, verbose, max_sessions);
	struct avaw_local_opts lo = { .path = path, .arena_size = arena_mb << 20, .ready_fd = ready_fd,
				      .mem_quota = mem_quota, .status_file = status_file, .time = time };

	return avaw_local_daemon(&lo);
}
