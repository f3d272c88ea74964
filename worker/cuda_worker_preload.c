// SPDX-License-Identifier: MIT
/*
 * ava-hostd must call NVIDIA's CUDA libraries, never AvA's shims.  A shim
 * preloaded into the daemon (LD_PRELOAD meant for a guest program, e.g.
 * `LD_PRELOAD=build/cuda/libcudart.so.13 scripts/ava-local ...`) would win
 * every soname lookup of the worker, NVIDIA's libcudart included, and the
 * worker would call itself.  Before main, the daemon drops AvA's shims from
 * LD_PRELOAD and runs itself again without them; one it cannot drop (named
 * by /etc/ld.so.preload) is refused by the worker (cuda_worker_libs.c).
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* AvA's CUDA shims all link AvA's libcuda.so.1, which exports the marker. */
static int is_ava_shim(const char *lib)
{
	void *h = dlopen(lib, RTLD_LAZY | RTLD_NOLOAD);
	int shim;

	if (!h)
		return 0;
	shim = dlsym(h, "ava_cuda_shim") != NULL;
	dlclose(h);
	return shim;
}

/* LD_PRELOAD without AvA's shims (separated by spaces or colons, as ld.so
 * reads it) into out; returns how many were dropped. */
static int scrub(const char *preload, char *out, size_t cap)
{
	char buf[PATH_MAX];
	const char *p = preload;
	size_t len = 0, n;
	int dropped = 0;

	out[0] = '\0';
	while (*p) {
		n = strcspn(p, " :");
		if (n > 0 && n < sizeof(buf)) {
			memcpy(buf, p, n);
			buf[n] = '\0';
			if (is_ava_shim(buf)) {
				dropped++;
			} else if (len + n + 2 <= cap) {
				len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? " " : "", buf);
			}
		}
		p += n;
		p += strspn(p, " :");
	}
	return dropped;
}

__attribute__((constructor)) static void avaw_cuda_drop_preloaded_shims(int argc, char **argv)
{
	static char kept[8192];
	const char *preload = getenv("LD_PRELOAD");

	(void)argc;
	if (!preload || !*preload || strlen(preload) >= sizeof(kept))
		return;
	if (!scrub(preload, kept, sizeof(kept)))
		return;
	if (kept[0])
		setenv("LD_PRELOAD", kept, 1);
	else
		unsetenv("LD_PRELOAD");
	fprintf(stderr, "ava-hostd: AvA's CUDA shims were in LD_PRELOAD; running without them "
		"(they are for the guest program only)\n");
	execv("/proc/self/exe", argv);
	perror("ava-hostd: re-exec without AvA's shims");
	_exit(1);
}
